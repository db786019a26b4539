"""The Streamlit side: filter state in the URL, cached data access, chart builders, and the
shared chart frame. Pages in pages/ are thin scripts over these."""
