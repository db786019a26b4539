"""Releases: search the releases, open one (also from the URL, ?release=ID) and read its text
with each parsed sentence marked, its stated against parsed totals, its strike reports and
targets, its diagnostics and its versions."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard.data import load
from dashboard.frame import page_context, scroll_to, write_params
from dashboard.page_data.releases import load_release, load_release_list
from dashboard.record import plain, source_markdown
from dashboard.release_labels import release_label
from dashboard.source_text import highlighted_html
from dashboard.view_state import ReleasesView
from loaders.records import DIAGNOSTIC_KINDS

view = page_context("Releases")
filters = view.filters
asked = ReleasesView.from_params(view.params)

# --- the list -----------------------------------------------------------------------------

search = st.text_input(
    "Search the releases", value=asked.search, key="releases_search", type="search",
    placeholder="a word of the title, file name or text, or a place reported, e.g. Raqqa", icon=":material/search:",
).strip()

releases = load(load_release_list, filters, search)
dated = "" if not (filters.start or filters.end) else " published in the chosen period"
st.caption(
    f"{len(releases):,} current release{'s' if len(releases) != 1 else ''}{dated}"
    + (f" matching “{plain(search)}”" if search else "")
    + (" (the first 500)" if len(releases) >= 500 else "")
    + ". Select a row to open a release; the country, place and target filters do not apply to this list."
)
event = st.dataframe(
    # a new table after Close (see below): the closed release's row is no longer ticked
    releases, hide_index=True, width="stretch", height=300,
    key=f"releases_table_{st.session_state.get('releases_table_generation', 0)}",
    on_select="rerun", selection_mode="single-row",
    column_order=["published", "title", "source", "format", "strikes", "reports", "diagnostics", "id"],
    column_config={
        "published": st.column_config.DateColumn("published", format="YYYY-MM-DD", width=90),
        "title": st.column_config.TextColumn("title", width=240),
        "source": st.column_config.LinkColumn("source", width=150),
        "format": st.column_config.TextColumn("format", width=55),
        "strikes": st.column_config.NumberColumn("strikes", help="Sum of the release's strike reports, all blocks",
                                                 width=60),
        "reports": st.column_config.NumberColumn("reports", help="Strike reports parsed from the release", width=60),
        "diagnostics": st.column_config.NumberColumn("diagnostics", help="Things the parser flagged in the release",
                                                     width=80),
        "id": st.column_config.NumberColumn("id", format="%d", width=50),
    },
)

# A new click in the table opens that release; otherwise the URL's ?release= stays in force.
rows = tuple(event.selection.rows) if event and event.selection else ()
chosen = replace(asked, search=search)
if rows and rows != st.session_state.get("releases_last_rows") and rows[0] < len(releases):
    chosen = ReleasesView(search, int(releases.iloc[rows[0]]["id"]), None)
st.session_state["releases_last_rows"] = rows
write_params(chosen.to_params())

release_id = chosen.release
if release_id is None:
    st.session_state.pop("releases_on_screen", None)  # the next release opened is brought into view
    st.info("Select a release in the list to read it with its parsed sentences marked.", icon=":material/article:")
    st.stop()

opened = load(load_release, release_id)
if opened is None:
    st.warning(f"There is no release with id {release_id}.")
    st.stop()
detail = opened.detail

# --- one release --------------------------------------------------------------------------

release = detail.release
# opened by this run (a row clicked, a link followed), not a rerun of the release on screen
just_opened = st.session_state.get("releases_on_screen") != release_id
st.session_state["releases_on_screen"] = release_id
st.divider()
heading, close = st.columns([6, 1], vertical_alignment="center")
# the name the list gives it, so the reader sees the release they clicked
heading.header(plain(release_label(release.title, release.source_url or release.source, release.published)),
               anchor="release")
if close.button("Close", key="releases_close", icon=":material/close:", width="stretch"):
    write_params(ReleasesView(search).to_params())
    # the table's selection stays in the browser: a new table, so a click on that row opens it again
    st.session_state["releases_table_generation"] = st.session_state.get("releases_table_generation", 0) + 1
    st.session_state["releases_last_rows"] = ()
    st.rerun()
if not release.is_current:
    current = next((version for version in detail.versions if version.is_current), None)
    st.warning(
        "This version is not counted: a later version of the release replaced it"
        + (f" ([open the counted version](releases?release={current.id}))." if current else ".")
    )

if release.period_start and release.period_end and release.period_start != release.period_end:
    period_text = f"{release.period_start:%d %b} – {release.period_end:%d %b %Y}"
elif release.period_start:
    period_text = f"{release.period_start:%d %b %Y}"
else:
    period_text = "–"
period_text += opened.undated_note()
facts = [
    f"**Published** {release.published:%d %b %Y}" if release.published else "**Published** –",
    f"**Strikes on** {period_text}",
    f"**Format** {release.format}",
    f"**Strike reports** {len(detail.reports):,}",
    f"**Diagnostics** {len(detail.diagnostics):,}",
]
st.markdown(" &nbsp;·&nbsp; ".join(facts))
if release.source_url:
    st.markdown(f"**Source** {source_markdown(release.source_url, release.source_url)}")
st.caption(f"File: {plain(release.source)} · release id {release.id}")

st.subheader("Stated and parsed totals")
st.dataframe(
    opened.totals, hide_index=True, width="content", key="releases_totals",
    column_config={
        "scope": st.column_config.TextColumn("country"),
        "stated_strikes": st.column_config.NumberColumn("stated strikes"),
        "parsed_strikes": st.column_config.NumberColumn("parsed strikes"),
        "stated_engagements": st.column_config.NumberColumn("stated engagements"),
        "parsed_engagements": st.column_config.NumberColumn("parsed engagements"),
    },
)
st.caption("Stated: the totals the release gives. Parsed: the sum of its strike reports in the main list "
           "(late “Additionally …” blocks report earlier days and are not in the stated totals). None: the release "
           "states no such total, or no parsed line states engagements.")


reports = opened.reports

st.subheader("Source text")
# the sentence behind the row the release was opened from, outlined (none without the text)
focus = opened.number_of(chosen.report) if release.raw_text is not None else None
if release.raw_text is None:
    st.info(
        "The text of this release is not bundled: it was loaded from the starter facts, which keep the parsed "
        "numbers but not the release itself. Ingesting the release file (`python3 manage.py ingest FILE`) adds "
        "its text, with each parsed sentence marked.",
        icon=":material/description:",
    )
else:
    st.caption("Highlighted: the sentences that gave a strike report; hover over one to see what was read from it."
               + (f" Outlined: the sentence behind the row you opened it from (#{focus})." if focus else ""))
    st.html(highlighted_html(release.raw_text, opened.spans(), focus))
    if focus:
        scroll_to(f"report-{focus}")
if just_opened and not focus:
    # below the list, a release opened at 720 px lay under the fold: its heading into view
    scroll_to("release")

st.subheader("Strike reports")
if reports.empty:
    st.caption("No strike reports were parsed from this release.")
else:
    st.dataframe(
        reports, hide_index=True, width="stretch", key="releases_reports", height=min(38 + 35 * len(reports), 600),
        column_config={
            "#": st.column_config.NumberColumn("#", help="The number of the highlighted sentence", width=40),
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", width=95),
            "until": st.column_config.DateColumn("until", format="YYYY-MM-DD", width=95,
                                                 help="The last day of a span of days the report is counted over"),
            "day": st.column_config.TextColumn("day", width=80, help="Whether the release states the day; if not, "
                                               "the report is counted over the span its release or block names, "
                                               "else on the release's first day or the day before publication"),
            "country": st.column_config.TextColumn("country", width=70),
            "place": st.column_config.TextColumn("place", width=130),
            "strikes": st.column_config.NumberColumn("strikes", width=65),
            "engagements": st.column_config.NumberColumn("engagements", width=95),
            "targets": st.column_config.TextColumn("targets", width="large"),
            "block": st.column_config.TextColumn("block", help="main list, or a late block reporting earlier days",
                                                 width=60),
        },
    )

st.subheader("Diagnostics")
if not detail.diagnostics:
    st.caption("The parser flagged nothing in this release.")
else:
    st.dataframe(
        pd.DataFrame([{"kind": d.kind, "message": d.message, "text": d.text} for d in detail.diagnostics],
                     columns=["kind", "message", "text"]),
        hide_index=True, width="stretch", key="releases_diagnostics",
        column_config={"kind": st.column_config.TextColumn("kind", width=140),
                       "message": st.column_config.TextColumn("message", width="medium"),
                       "text": st.column_config.TextColumn("text", width="large")},
    )
    kinds = dict.fromkeys(d.kind for d in detail.diagnostics)
    st.caption(" · ".join(f"**{kind}**: {DIAGNOSTIC_KINDS.get(kind, 'see the Data quality page')}" for kind in kinds))

st.subheader("Versions")
versions = pd.DataFrame(
    [
        {
            "release": f"releases?release={version.id}",
            "counted": ("counted" if version.is_current else "replaced") + (" (shown)" if version.id == release.id else ""),
            "format": version.format,
            "loaded": version.created_at,
            "source": version.source,
        }
        for version in detail.versions
    ],
    columns=["release", "counted", "format", "loaded", "source"],
)
st.dataframe(
    versions, hide_index=True, width="stretch", key="releases_versions",
    column_config={
        "release": st.column_config.LinkColumn("release", display_text=r"release=(\d+)", width=70,
                                               help="Open this version"),
        "counted": st.column_config.TextColumn("counted", width=140),
        "format": st.column_config.TextColumn("format", width=70),
        "loaded": st.column_config.DatetimeColumn("loaded", format="YYYY-MM-DD HH:mm", width=140),
        "source": st.column_config.TextColumn("source", width="large"),
    },
)
st.caption("Only the counted version enters the charts; a re-imported or corrected copy of a release replaces "
           "the earlier one.")
