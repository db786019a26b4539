"""Strike Report Dashboard: the entry point (`streamlit run app.py`).

The pages live in pages/, which Streamlit serves by itself (its auto-discovered multipage
mode: every URL such as /timeline runs pages/timeline.py directly). Each page opens with
dashboard.frame.page_frame(), the shared frame: page set-up, first-start data, navigation.
The root URL goes to the Overview."""

import streamlit as st

from dashboard.frame import page_frame

page_frame()
st.switch_page("pages/overview.py")
