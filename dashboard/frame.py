"""The shared frame of every page: the filter bar (kept in the URL) and chart display with
its CSV download and slide-sized PNG export."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data
from dashboard.view_state import filters_from_params
from db.engine import session_factory
from db.queries import Filters
from db.starter import database_is_empty, load_starter_data

FAVICON = Path(__file__).resolve().parents[1] / "static" / "favicon.png"

# The pages, in navigation order: (script, title, icon, section). The sidebar is drawn from
# this list (Streamlit's own page list is switched off in .streamlit/config.toml).
PAGES = [
    ("pages/overview.py", "Overview", ":material/insights:", "Explore"),
    ("pages/timeline.py", "Timeline", ":material/calendar_month:", "Explore"),
    ("pages/areas.py", "Areas", ":material/map:", "Explore"),
    ("pages/targets.py", "Targets", ":material/target:", "Explore"),
    ("pages/releases.py", "Releases", ":material/article:", "Sources"),
    ("pages/data_quality.py", "Data quality", ":material/fact_check:", "Sources"),
    ("pages/upload.py", "Upload", ":material/upload_file:", "Data staff"),
]


def page_frame() -> None:
    """The frame every page opens with: page set-up, the starter data on an empty database,
    staff accounts from secrets, the data version for the caches, and the navigation."""
    # a local icon: a named icon would be fetched from a font CDN, unreachable offline
    st.set_page_config(page_title="Strike Report Dashboard", page_icon=str(FAVICON), layout="wide")
    _ensure_data()
    if not st.session_state.get("staff_accounts_checked"):
        _staff_from_secrets()
        st.session_state["staff_accounts_checked"] = True
    st.session_state["data_version"] = data.data_version()
    section = None
    for script, title, icon, group in PAGES:
        if group != section:
            st.sidebar.caption(group)
            section = group
        st.sidebar.page_link(script, label=title, icon=icon)
    st.sidebar.divider()


def _ensure_data() -> None:
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


def _staff_from_secrets() -> None:
    """Staff accounts may also come from Streamlit secrets: [staff_accounts] name = "password"."""
    try:
        accounts = dict(st.secrets.get("staff_accounts", {}))
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: no accounts from it
        return
    if accounts:
        from db.accounts import users_from_secrets

        users_from_secrets(session_factory(data.engine()), accounts)


def current_filters() -> Filters:
    return filters_from_params(st.query_params.to_dict())


def _set_param(key: str, value: str | None) -> None:
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]


def filter_bar() -> Filters:
    """The sidebar filters; each change is written to the URL so the view can be shared."""
    options = data.query("filter_options")
    filters = current_filters()
    first, last = options["bounds"] if options["bounds"][0] else (date(2014, 8, 8), date(2019, 3, 31))
    sidebar = st.sidebar
    sidebar.header("Filters")
    chosen = sidebar.date_input(
        "Strike dates", value=(filters.start or first, filters.end or last), min_value=date(2014, 1, 1),
        max_value=date(2030, 12, 31), key="filter_dates", format="YYYY-MM-DD",
    )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        start, end = chosen
        # A date equal to the data's first (last) day is left out of the URL unless the view
        # already names one, so an unpinned view grows with new data.
        _set_param("start", start.isoformat() if start != first or "start" in st.query_params else None)
        _set_param("end", end.isoformat() if end != last or "end" in st.query_params else None)
    for param, label, field, choices in (
        ("country", "Country", "countries", options["countries"]),
        ("province", "Province", "provinces", options["provinces"]),
        ("place", "Place", "places", options["places"]),
        ("category", "Target category", "categories", options["categories"]),
        ("type", "Target type", "types", options["types"]),
        ("action", "Action", "actions", options["actions"]),
    ):
        current = [value for value in getattr(filters, field) if value in choices]
        picked = sidebar.multiselect(label, choices, default=current, key=f"filter_{param}", placeholder="All")
        _set_param(param, ",".join(sorted(picked)))
    if sidebar.button("Reset filters", key="filter_reset", width="stretch"):
        for param in ("start", "end", "country", "province", "place", "category", "type", "action"):
            _set_param(param, None)
        for key in list(st.session_state):
            if key.startswith("filter_"):
                del st.session_state[key]
        st.rerun()
    sidebar.caption("The view is in the address bar: copy the URL to share it.")
    return current_filters()


def period_of(filters: Filters) -> tuple[date | None, date | None]:
    bounds = data.query("filter_options")["bounds"]
    return filters.start or bounds[0], filters.end or bounds[1]


def source_text() -> str:
    coverage = data.query("coverage", Filters())
    return charts.source_line(coverage.releases, data.query("last_import_day"))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def show_chart(figure: go.Figure, table: pd.DataFrame, name: str, key: str, on_select: str = "ignore"):
    """Draw a chart with a PNG export at slide size and a CSV of exactly the plotted numbers."""
    config = charts.image_config(slug(name))
    if figure.layout.geo and figure.data and figure.data[0].type == "scattergeo":
        config["topojsonURL"] = "/app/static/topojson/"
    event = st.plotly_chart(figure, config=config, key=key, on_select=on_select, selection_mode="points", width="stretch")
    st.download_button(
        "Download the data (CSV)", table.to_csv(index=False).encode("utf-8"), file_name=f"{slug(name)}.csv",
        mime="text/csv", key=f"{key}_csv",
    )
    return event
