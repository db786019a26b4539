"""Overview: headline figures for the filtered period against the previous period of equal
length, a small trend, and what the data covers."""

import streamlit as st

from dashboard import charts
from dashboard.data import load
from dashboard.frame import page_context, show_chart
from dashboard.page_data.overview import load_overview
from dashboard.record import (
    crossing_note,
    not_itemised_note,
    published_rows,
    record_note,
    releases_note,
    source_markdown,
)
from dashboard.summary import written_summary

view = page_context("Coalition strikes against ISIS, 2014–2019")
filters = view.filters
st.caption(view.subtitle())
# against the period of equal length before the one shown, as far as the data reach back
shown = load(load_overview, filters, view.period, view.frame.options["bounds"][0])
current, previous, comparison = shown.current, shown.previous, shown.comparison

columns = st.columns(4)
figures = [
    ("Strikes", "The strikes of the reports that name such a target, counted whole: a release gives its counts by "
                "place, not by target (the Targets page counts the targets)." if filters.has_target_filter else
                "What the releases in the data state, place by place, and where their lines do not reach a total "
                "they state, that total (not itemised)."),
    ("Engagements", "Counted by the releases from Jan 2017 on; earlier releases counted strikes only."),
    ("Releases", "The counted releases that report strikes in view (under the filters in force). Releases published "
                 "in these dates that report none in view, such as summaries without counts, are not among them: "
                 "“What the data covers” below counts those too."),
    ("Places", None),
]
for column, (label, help_text) in zip(columns, figures, strict=True):
    now = getattr(current, label.lower())
    if now is None:  # no release in view states any: not reported, not zero
        column.metric(label, "not reported", help=help_text)
        continue
    before = getattr(previous, label.lower()) if previous else None
    # a rise or fall in strikes is neither good nor bad: neutral colours, and no arrow for no change
    column.metric(label, f"{now:,}", comparison.change(now, before), delta_color="off", help=help_text,
                  delta_arrow="off" if now == before else "auto")
if comparison.note:
    st.caption(comparison.note)
# the whole record: what the data hold of the totals the coalition itself published
held = record_note(shown.reference, shown.latest, filters)
if held:
    quoted = shown.source_of_record
    st.info(f"{held} Source: {source_markdown(quoted.who_stated, quoted.url)}.", icon=":material/fact_check:")
for note in (not_itemised_note(current), crossing_note(shown.crossing)):
    if note:
        st.caption(note)
with st.expander("The view in words, to paste into a brief", expanded=True, icon=":material/notes:"):
    # a code block: plain text with a copy button, the figures those above and below
    st.code(written_summary(shown.summary), language=None, wrap_lines=True)
    st.caption(f"The figures are this page's. {view.source}.")

left, right = st.columns([3, 2])
with left:
    title = view.chart_title("Strikes per month, by country")
    figure = charts.timeline(shown.trend, "strikes", "month", True, title, view.subtitle(), view.source,
                             period=view.period, colours=charts.COUNTRY_COLOURS, spans=shown.trend_spans)
    show_chart(figure, shown.trend_table, title, key="overview_trend")
with right:
    title = view.chart_title("Top target types")
    figure = charts.bar_ranking(shown.top_targets, "type", "targets", title, view.subtitle("targets hit"),
                                view.source, color="category")
    show_chart(figure, shown.top_targets, title, key="overview_targets")

coverage = shown.coverage
st.subheader("What the data covers")
if coverage.first_day:
    st.caption(f"Strike days from {coverage.first_day:%d %b %Y} to {coverage.last_day:%d %b %Y}; "
               f"{coverage.days_in_period:,} days in the period shown.")
cols = st.columns(3)
cols[0].metric("Days with counts", f"{coverage.days_with_counts:,}",
               help="Days a release in the data gives strike counts for.")
cols[1].metric("Days in a summary only", f"{coverage.days_without_counts:,}",
               help="Days only a narrative summary covers: it says strikes were made, but not how many.")
cols[2].metric("Days without a release", f"{coverage.days_not_covered:,}",
               help="Days in the period no release in the data covers: a gap in reporting, not a lull in strikes.")
st.caption(releases_note(current, coverage))
if coverage.releases and coverage.releases_with_text < coverage.releases:
    st.caption(
        f"{coverage.releases - coverage.releases_with_text:,} of the {coverage.releases:,} releases published in these "
        "dates are starter facts, without their text: their numbers open to the release and its web page where one is known, not to the "
        "sentence. Data staff add the sentences by importing the release files (Upload page, or "
        "`python3 manage.py ingest FILES`)."
    )
shorter = [item for item in shown.published if not item.cumulative]
if shorter:
    with st.expander(f"Totals the coalition published for {len(shorter)} shorter period"
                     f"{'' if len(shorter) == 1 else 's'} in view, beside the data's count"):
        st.dataframe(
            published_rows(shorter, with_scope=True),
            hide_index=True, width="stretch", key="overview_published",
            column_config={"share": st.column_config.ProgressColumn("share", format="percent", min_value=0, max_value=1),
                           "source": st.column_config.LinkColumn("source")},
        )
