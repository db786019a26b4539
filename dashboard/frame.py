"""The shared frame of every page: page_context draws the navigation and the filter bar (kept
in the URL) and returns what the page's charts need; and chart display with its CSV download
and slide-sized PNG export."""

from __future__ import annotations

import gc
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, data
from dashboard.downloads import csv_bytes, export_bytes
from dashboard.page_data.common import FrameData, load_frame
from dashboard.registry import PAGES
from dashboard.release_labels import RELEASE_LINK_TEXT, with_release_links
from dashboard.view_state import (
    EARLIEST_DATE,
    FILTER_FIELDS,
    FILTER_PARAMS,
    LATEST_DATE,
    WHOLE_CAMPAIGN,
    filter_chips,
    filters_from_params,
    params_without,
    period_presets,
)
from db.data_dictionary import FORMATS
from db.engine import session_factory
from db.open_data import file_name, table_rows, workbook_warning
from db.queries import Filters
from db.starter import load_starter_data, never_imported, starter_refresh_due

FAVICON = Path(__file__).resolve().parents[1] / "static" / "favicon.png"
KEYBOARD_SCRIPT = (Path(__file__).resolve().parent / "assets" / "keyboard.js").read_text(encoding="utf-8")
_screen = st.components.v2.component(
    "screen_width", html="<span></span>",
    js=(Path(__file__).resolve().parent / "assets" / "screen.js").read_text(encoding="utf-8"))
_SCREEN_KEY = "screen"



def page_frame() -> None:
    """The frame every page opens with: page set-up, the starter data on an empty database,
    staff accounts from secrets, the data version for the caches, and the navigation."""
    # a local icon: a named icon would be fetched from a font CDN, unreachable offline
    st.set_page_config(page_title="Strike Report Dashboard", page_icon=str(FAVICON), layout="wide")
    _start_once()
    st.session_state["data_version"] = data.data_version()
    # our own script, no outside input: Enter applies the dates typed
    st.html(f"<script>{KEYBOARD_SCRIPT}</script>", unsafe_allow_javascript=True)
    # the sidebar is drawn from the registry (Streamlit's own page list is off in .streamlit/config.toml)
    section = None
    for page in PAGES:
        if page.section != section:
            st.sidebar.caption(page.section)
            section = page.section
        st.sidebar.page_link(page.script, label=page.title, icon=page.icon)
    st.sidebar.divider()
    _tell_screen_width()


def _tell_screen_width() -> None:
    """Mount the script that tells the app a narrow window's width (screen_width reads it); it
    is given the width the app knows, and tells only a change."""
    with st.sidebar:
        _screen(key=_SCREEN_KEY, data={"width": screen_width(), "narrow": charts.NARROW_SCREEN},
                default={"width": None}, on_width_change=lambda: None, height=0)


def screen_width() -> int | None:
    """The reader's window width in px, where it is narrow (charts.NARROW_SCREEN); else None:
    a wide window, or one that has not told it yet (a first run, a test without a browser)."""
    known = st.session_state.get(_SCREEN_KEY)
    width = getattr(known, "width", None) if known is not None else None
    return int(width) if isinstance(width, int | float) else None


_started: set[str] = set()  # the databases this process has started on
_start_lock = threading.Lock()


def _start_once() -> None:
    """What a process does once per database before its first page (the migration is
    data.engine's): the starter data on an empty database, staff accounts from secrets. A page
    that arrives meanwhile waits for it rather than doing it again."""
    database = data.engine().url.render_as_string(hide_password=True)
    if database in _started:
        return
    with _start_lock:
        if database in _started:
            return
        _ensure_data()
        _staff_from_secrets()
        first_start = not _started
        _started.add(database)
        if first_start:
            _freeze_start_up_objects()


def _freeze_start_up_objects() -> None:
    """Leave what start-up made (the imported modules, the gazetteer, the engine) out of every
    later garbage collection. Streamlit collects all generations after each script run
    (runner.postScriptGC, which keeps a long-running server's memory in check); walking every
    object the process holds took 0.2-0.3 s of each page run. Start-up's garbage (the starter
    load's) is collected first."""
    gc.collect()
    gc.freeze()


def _ensure_data() -> None:
    """First start on an empty database: load the bundled starter facts, with progress; a
    database holding nothing but an older version's starter data gets this version's."""
    factory = session_factory(data.engine())
    if not never_imported(factory) and not starter_refresh_due(factory):
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


def write_params(values: Mapping[str, str | None]) -> None:
    """Each value into the URL; an empty one (None, "") removes its parameter."""
    for key, value in values.items():
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


_VIEW_KEY = "shared_filters"  # the filters of the last page run in this session, as URL values
_GENERATION_KEY = "filter_resets"  # how many times the filters were reset in this session


def _carry_filters_over() -> None:
    """A page reached through the sidebar opens with no URL parameters: it takes the filters of
    the page before it, so a view survives moving between pages. A URL that names any filter
    (a shared link, a reload) is left as it is."""
    remembered = st.session_state.get(_VIEW_KEY)
    if remembered and not any(param in st.query_params for param in FILTER_PARAMS):
        for param, value in remembered.items():
            st.query_params[param] = value


def _reset_filters() -> None:
    """Reset button callback: no filters in the URL, and new filter widgets. Clearing the old
    widgets' state is not enough: the browser would keep showing their values and send them back
    with the next change."""
    write_params(dict.fromkeys(FILTER_PARAMS))
    st.session_state.pop(_VIEW_KEY, None)
    st.session_state[_GENERATION_KEY] = st.session_state.get(_GENERATION_KEY, 0) + 1


def _apply_preset(presets: dict[str, tuple[date, date]]) -> None:
    """Period callback: the chosen year, quarter or the whole campaign into the URL, and new date
    widgets that show it (as after a reset, the old ones would send back their own dates)."""
    chosen = st.session_state.get(_widget_key("period"))
    if chosen not in presets:
        return
    if chosen == WHOLE_CAMPAIGN:
        # every day of the data: no dates in the URL (no chip), a view that grows with new data
        remembered = st.session_state.get(_VIEW_KEY) or {}
        for param in ("start", "end"):
            st.query_params.pop(param, None)
            remembered.pop(param, None)  # not carried back in as the view before
    else:
        start, end = presets[chosen]
        st.query_params["start"], st.query_params["end"] = start.isoformat(), end.isoformat()
    st.session_state[_GENERATION_KEY] = st.session_state.get(_GENERATION_KEY, 0) + 1


def _widget_key(name: str) -> str:
    """The key of a filter widget: "filter_country", then "filter_country_1" after a reset, ..."""
    generation = st.session_state.get(_GENERATION_KEY, 0)
    return f"filter_{name}_{generation}" if generation else f"filter_{name}"


def filter_bar(frame: FrameData) -> Filters:
    """The sidebar filters; each change is written to the URL so the view can be shared."""
    options = frame.options
    _carry_filters_over()
    filters = current_filters()
    first, last = frame.bounds
    sidebar = st.sidebar
    sidebar.header("Filters")
    presets = period_presets(first, last)
    sidebar.selectbox("Period", list(presets), index=None, key=_widget_key("period"), placeholder="A year, a quarter ...",
                      on_change=_apply_preset, args=(presets,),
                      help="Sets the strike dates below; or type dates there (Enter applies them).")
    # a URL naming only a start after the data's last day (or an end before its first) is shown
    # as the period between them, not as dates the wrong way round
    shown = tuple(sorted((filters.start or first, filters.end or last)))
    chosen = sidebar.date_input(
        "Strike dates", value=shown, min_value=EARLIEST_DATE,
        max_value=LATEST_DATE, key=_widget_key("dates"), format="YYYY-MM-DD",
    )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        start, end = chosen
        # A date equal to the data's first (last) day is left out of the URL unless the view
        # already names one, so an unpinned view grows with new data.
        write_params({"start": start.isoformat() if start != first or "start" in st.query_params else None,
                      "end": end.isoformat() if end != last or "end" in st.query_params else None})
    for param, field, label in FILTER_FIELDS:
        choices = options[field]
        current = [value for value in getattr(filters, field) if value in choices]
        # no "select all matches" entry: Enter on "Mosul" picks Mosul, not Mosul and Mosul Dam
        picked = sidebar.multiselect(label, choices, default=current, key=_widget_key(param), placeholder="All",
                                     select_all=False)
        write_params({param: ",".join(sorted(picked))})
    sidebar.button("Reset filters", key="filter_reset", width="stretch", on_click=_reset_filters)
    sidebar.caption("The view is in the address bar: copy the URL to share it.")
    _data_download(current_filters())
    st.session_state[_VIEW_KEY] = {param: st.query_params[param] for param in FILTER_PARAMS if param in st.query_params}
    filters = current_filters()
    _show_chips(filters)
    return filters


IN_FORCE, EVERYTHING = "the filters in force", "everything"


def _data_download(filters: Filters) -> None:
    """The data behind every chart, for other tools: the strike reports, targets, releases and
    published totals (db.open_data), made when the reader clicks."""
    with st.sidebar.expander("Download the data", icon=":material/download:"):
        rows = st.radio("Rows", [IN_FORCE, EVERYTHING], key="open_data_rows", horizontal=True,
                        help="The filters in force apply to the strike reports, their targets and their releases; "
                             "the published totals are always exported whole.")
        fmt = st.selectbox("Format", list(FORMATS), format_func=lambda key: FORMATS[key][0], key="open_data_format")
        chosen = filters if rows == IN_FORCE else Filters()
        if fmt == "xlsx" and (warning := workbook_warning(data.load(table_rows, chosen))):
            st.warning(warning, icon=":material/hourglass_top:")
        st.download_button(f"Download {fmt.upper()}", partial(export_bytes, data.engine(), fmt, chosen),
                           file_name=file_name(fmt, chosen), mime=FORMATS[fmt][2], key="open_data_download",
                           on_click="ignore", icon=":material/download:", width="stretch")
        st.caption("Each download holds a README: every column, how the counts are made, the data version and "
                   "a line to cite it by.")


def scroll_to(anchor: str) -> None:
    """Bring a heading (its anchor) into view once the page is drawn: what a click listed below
    the chart would otherwise be out of sight."""
    st.html(f"""<script>setTimeout(() => {{
        const target = document.getElementById({anchor!r});
        if (target) target.scrollIntoView({{behavior: "smooth", block: target.tagName === "MARK" ? "center" : "start"}});
    }}, 400);</script>""", unsafe_allow_javascript=True)


def _show_chips(filters: Filters) -> None:
    """The filters in force above the content (on a phone the sidebar is a bare icon): a click
    on one removes it."""
    chips = filter_chips(filters)
    if not chips:
        return
    labels = [f"{label} ✕" for label, _param, _value in chips]
    st.pills("Filters in force, click one to remove it", labels, selection_mode="single", key=_widget_key("chips"),
             on_change=_remove_chip, args=(labels, chips), label_visibility="collapsed")


def _remove_chip(labels: list[str], chips: list[tuple[str, str, str | None]]) -> None:
    clicked = st.session_state.get(_widget_key("chips"))
    if clicked not in labels:
        return
    _label, param, value = chips[labels.index(clicked)]
    kept = params_without(st.query_params.to_dict(), param, value)
    st.query_params.from_dict(kept)
    st.session_state.pop(_VIEW_KEY, None)
    st.session_state[_GENERATION_KEY] = st.session_state.get(_GENERATION_KEY, 0) + 1


@dataclass(frozen=True)
class PageContext:
    """What a page's charts need from the frame: the filters in force, the period they cover,
    the source line, the filter bar's choices and the URL's parameters."""

    filters: Filters
    period: tuple[date | None, date | None]
    source: str
    frame: FrameData
    params: dict[str, str]

    def subtitle(self, extra: str = "", filters: Filters | None = None) -> str:
        """A chart's subtitle: the period, the filters in force (or those given) and extra."""
        return charts.subtitle(self.period, (filters or self.filters).describe(), extra)

    def chart_title(self, base: str, filters: Filters | None = None) -> str:
        """The title of a chart of this view (or of these filters, those its numbers obey): its
        area and, where dates are chosen, its period (charts.view_title)."""
        chosen = filters or self.filters
        dated = (chosen.start or chosen.end) and self.period[0] and self.period[1]
        return charts.view_title(base, chosen.countries, chosen.provinces, chosen.places,
                                 self.period if dated else None)

    def file_name(self, title: str) -> str:
        """A chart's file name: its title, the dates chosen and the filters in force
        ("strikes-per-week-by-country-2015-01-01-to-2015-06-30-syria")."""
        chosen = self.filters
        parts = [title]
        if chosen.start or chosen.end:
            parts.append(f"{chosen.start or self.period[0]} to {chosen.end or self.period[1]}")
        parts += [*chosen.countries, *chosen.provinces, *chosen.places, *chosen.categories, *chosen.types,
                  *chosen.actions][:4]
        return charts.slug(" ".join(str(part) for part in parts), 120)


_PAGE_CHARTS = "page_charts"  # the charts this run of the page draws (show_chart), for its briefing deck
_PAGE_VIEW = "page_view"  # this run's PageContext, for the charts' file names


def page_context(title: str) -> PageContext:
    """The frame of an analysis page (navigation, starter data, the filter bar) and its title;
    what the page's charts need."""
    page_frame()
    frame = data.load(load_frame)
    chosen = filter_bar(frame)
    st.title(title)
    view = PageContext(chosen, frame.period_of(chosen), charts.source_line(frame.releases, frame.last_import),
                       frame, st.query_params.to_dict())
    st.session_state[_PAGE_CHARTS] = drawn = []
    st.session_state[_PAGE_VIEW] = view
    _briefing_deck(title, view, drawn)
    return view


def _briefing_deck(page: str, view: PageContext, drawn: list) -> None:
    """The page's view as a slide deck, made when the reader clicks: by then `drawn` holds every
    chart of the run."""
    from dashboard.briefing import chromium_missing, deck_for

    with st.sidebar.expander("Briefing deck", icon=":material/slideshow:"):
        missing = chromium_missing()
        if missing:
            st.caption(missing)
            return
        name = charts.slug(f"briefing {page} {view.filters.start or ''} {view.filters.end or ''} "
                           f"{' '.join(view.filters.countries + view.filters.places)}")
        for fmt, label, mime in (("pptx", "Download briefing deck (.pptx)",
                                  "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
                                 ("pdf", "Download briefing deck (PDF)", "application/pdf")):
            st.download_button(label, partial(deck_for, data.engine(), fmt, page, view.filters, view.period,
                                              view.frame.options["bounds"][0], view.source, drawn),
                               file_name=f"{name}.{fmt}", mime=mime, key=f"briefing_{fmt}", on_click="ignore",
                               icon=":material/download:", width="stretch")
        st.caption("A title slide, each chart of this page at 16:9, the view in words and what the figures rest "
                   "on. Drawing the charts takes a few seconds; if it fails, the button says so: click it again.")


def show_chart(figure: go.Figure, table: pd.DataFrame, name: str, key: str, on_select: str = "ignore"):
    """Draw a chart with a PNG export at slide size (on a phone: as the phone shows it) and a CSV
    of exactly the plotted numbers, headed by what the chart says of itself (charts.csv_about):
    its title, the period and filters its numbers obey, its source."""
    drawn, view = st.session_state.get(_PAGE_CHARTS), st.session_state.get(_PAGE_VIEW)
    if drawn is not None:
        drawn.append((name, figure))  # the deck's slides: the chart as laid out for a wide screen
    width = screen_width()
    figure = charts.for_screen(figure, width)
    file_name = view.file_name(name) if view is not None else charts.slug(name)
    config = charts.image_config(file_name, figure, width)
    if figure.layout.geo and figure.data and figure.data[0].type == "scattergeo":
        config["topojsonURL"] = "/app/static/topojson/"
    event = st.plotly_chart(figure, config=config, key=key, on_select=on_select, selection_mode="points", width="stretch")
    st.download_button(
        "Download the data (CSV)", csv_bytes(table, charts.csv_about(figure) or None),
        file_name=f"{file_name}.csv",
        mime="text/csv", key=f"{key}_csv",
    )
    return event


# How the columns of release_table show; a page may override one.
_RELEASE_COLUMNS = {
    "release": st.column_config.LinkColumn("release", display_text=RELEASE_LINK_TEXT, width=230,
                                           help="Open the release on the Releases page"),
    "published": st.column_config.DateColumn("published", format="YYYY-MM-DD"),
    "web_page": st.column_config.LinkColumn("web page", width=230, help="The release on the web"),
    "source": st.column_config.TextColumn("source", width=230,
                                          help="The release's file, or the archive line it was read from"),
}
_SOURCE_COLUMNS = ("web_page", "source")  # each left out where no row has one


def release_table(rows: pd.DataFrame, columns: list[str], key: str, row_height: int | None = None,
                  **column_config) -> None:
    """Rows that each belong to a release (release_id, title, source, published), in the columns
    given. "release" (first, unless placed) opens the release on the Releases page, in a new tab,
    and shows its name in the release list; a click on a row opens it in this tab, at the row's
    sentence (report_id) where it has one. A source shows as "web_page", a link, or as
    "source", plain text."""
    view = {param: st.query_params[param] for param in FILTER_PARAMS if param in st.query_params}
    shown = with_release_links(rows, view)
    columns = [column for column in (columns if "release" in columns else ["release", *columns])
               if not (column in _SOURCE_COLUMNS and shown[column].isna().all())]
    event = st.dataframe(shown[columns], hide_index=True, width="stretch", key=key, row_height=row_height,
                         column_config={**_RELEASE_COLUMNS, **column_config}, on_select="rerun",
                         selection_mode="single-row")
    picked = list(event.selection.rows) if event and event.selection else []
    if picked and picked[0] < len(rows):
        row = rows.iloc[picked[0]]
        target = {"release": str(int(row["release_id"])), **view}
        if "report_id" in rows and pd.notna(row["report_id"]):
            target["report"] = str(int(row["report_id"]))
        st.switch_page("pages/releases.py", query_params=target)


# the release before the wide sentence, so that it is in sight
_REPORT_COLUMNS = ["date", "country", "place", "location_raw", "strikes", "engagements", "release", "release_check",
                   "sentence", *_SOURCE_COLUMNS]
_OPTIONAL_COLUMNS = ("engagements", "sentence", "release_check")  # left out where no report has one
RELEASE_DIFFERS = "totals and lines differ (Data quality)"


NOT_ITEMISED_LABEL = "(not itemised)"


def show_strike_reports(reports: pd.DataFrame, key: str) -> None:
    """The strike reports behind a figure, one row each with its release and sentence."""
    if not reports.empty and reports["sentence"].isna().all():
        st.caption("These strike reports come from the starter data, which keeps the facts but not the release "
                   "text: “as written” is the place as the release named it, and the release link opens the release.")
    if "itemised" in reports and not reports["itemised"].all():
        # the part of a stated total no line places: its sentence is the one stating the total
        reports = reports.assign(place=reports["place"].where(reports["itemised"], NOT_ITEMISED_LABEL))
    if "release_differs" in reports:
        # a number that rests on a release that does not add up says so, row by row
        reports = reports.assign(release_check=reports["release_differs"].map({True: RELEASE_DIFFERS}))
    else:
        reports = reports.assign(release_check=None)
    columns = [column for column in _REPORT_COLUMNS
               if not (column in _OPTIONAL_COLUMNS and reports[column].isna().all())]
    st.caption("Click a row, or press Enter on it, to read its release here, at its sentence; the release link "
               "opens it in a new tab.")
    release_table(
        reports, columns, key,
        # rows tall enough for a sentence to wrap over three lines instead of being cut
        row_height=84 if "sentence" in columns else None,
        date=st.column_config.DateColumn("date"),
        location_raw=st.column_config.TextColumn("as written"),
        release_check=st.column_config.TextColumn("release check", help="Where the release's stated totals and its lines "
                                                  "differ: Data quality lists it, with the reason"),
        sentence=st.column_config.TextColumn("sentence", width="large"),
    )
