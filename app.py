"""Strike Report Dashboard: the entry point. Sets up the page, loads the starter data into an
empty database on first start, draws the shared filter bar and routes to the pages."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from db.engine import session_factory
from db.starter import database_is_empty, load_starter_data

st.set_page_config(page_title="Strike Report Dashboard", page_icon=":material/bar_chart:", layout="wide")


def ensure_data() -> None:
    """First start on an empty database: load the bundled starter facts, with progress."""
    factory = session_factory(data.engine())
    if not database_is_empty(factory):
        return
    progress = st.progress(0.0, text="First start: loading the starter data derived from the real releases ...")

    def report(done: int, total: int) -> None:
        progress.progress(done / max(total, 1), text=f"First start: loading starter data ({done} of {total} releases)")

    loaded = load_starter_data(factory, on_progress=report)
    progress.empty()
    if loaded:
        st.toast(f"Loaded {loaded} releases of starter data")


def ensure_staff_from_secrets() -> None:
    """Staff accounts may also come from Streamlit secrets: [staff_accounts] name = "password"."""
    try:
        accounts = dict(st.secrets.get("staff_accounts", {}))
    except (FileNotFoundError, KeyError, AttributeError):
        return
    except Exception:  # noqa: BLE001 - a missing or unreadable secrets file means no accounts from it
        return
    if accounts:
        from db.accounts import users_from_secrets

        users_from_secrets(session_factory(data.engine()), accounts)


ensure_data()
if not st.session_state.get("staff_accounts_checked"):
    ensure_staff_from_secrets()
    st.session_state["staff_accounts_checked"] = True
st.session_state["data_version"] = data.data_version()

PAGES = {
    "Explore": [
        st.Page("pages/overview.py", title="Overview", icon=":material/insights:", default=True, url_path="overview"),
        st.Page("pages/timeline.py", title="Timeline", icon=":material/calendar_month:", url_path="timeline"),
        st.Page("pages/areas.py", title="Areas", icon=":material/map:", url_path="areas"),
        st.Page("pages/targets.py", title="Targets", icon=":material/target:", url_path="targets"),
    ],
    "Sources": [
        st.Page("pages/releases.py", title="Releases", icon=":material/article:", url_path="releases"),
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:", url_path="data-quality"),
    ],
    "Data staff": [
        st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"),
    ],
}

page = st.navigation(PAGES)
page.run()
