"""Overview: headline figures for the filtered period against the previous period of equal
length, a small trend, and what the data covers."""

import streamlit as st

from dashboard import charts, data
from dashboard.comparison import compare_with_previous_period
from dashboard.frame import filter_bar, page_frame, period_of, show_chart, source_text
from dashboard.record import not_itemised_note, record_note, scope_of, source_markdown

page_frame()
filters = filter_bar()
period = period_of(filters)
st.title("Coalition strikes against ISIS, 2014–2019")
st.caption(charts.subtitle(period, filters.describe()))

current = data.query("headline", filters)
# against the period of equal length before the one shown, as far as the data reach back
first_data_day = data.query("filter_options")["bounds"][0]
comparison = compare_with_previous_period(filters, period, first_data_day)
previous = data.query("headline", comparison.previous) if comparison.previous else None
delta = comparison.change

columns = st.columns(4)
figures = [
    ("Strikes", "The strikes of the reports that name such a target, counted whole: a release gives its counts by "
                "place, not by target (the Targets page counts the targets)." if filters.has_target_filter else
                "What the releases in the data state, place by place, and where their lines do not reach a total "
                "they state, that total (not itemised)."),
    ("Engagements", "Counted by the releases from Jan 2017 on; earlier releases counted strikes only."),
    ("Releases", None),
    ("Places", None),
]
for column, (label, help_text) in zip(columns, figures, strict=True):
    now = getattr(current, label.lower())
    if now is None:  # no release in view states any: not reported, not zero
        column.metric(label, "not reported", help=help_text)
        continue
    before = getattr(previous, label.lower()) if previous else None
    # a rise or fall in strikes is neither good nor bad: neutral colours, and no arrow for no change
    column.metric(label, f"{now:,}", delta(now, before), delta_color="off", help=help_text,
                  delta_arrow="off" if now == before else "auto")
if comparison.note:
    st.caption(comparison.note)
# the whole record: what the data hold of the totals the coalition itself published
published = data.query("published_coverage", start=period[0], end=period[1], scope=scope_of(filters))
held = record_note(published, filters)
if held:
    latest = [item for item in published if item.cumulative][-1]
    st.info(f"{held} Source: {source_markdown(latest.who_stated, latest.url)}.", icon=":material/fact_check:")
unplaced = not_itemised_note(current)
if unplaced:
    st.caption(unplaced)

left, right = st.columns([3, 2])
with left:
    trend = data.query("strikes_over_time", filters, grain="month", split="country")
    title = "Strikes per month, by country"
    figure = charts.timeline(trend, "strikes", "month", True, title, charts.subtitle(period, filters.describe()), source_text(),
                             period=period, colours=charts.COUNTRY_COLOURS)
    show_chart(figure, trend, title, key="overview_trend")
with right:
    top = data.query("targets_by_type", filters).head(10)
    title = "Top target types"
    figure = charts.bar_ranking(top, "type", "targets", title, charts.subtitle(period, filters.describe(), "targets hit"), source_text(), color="category")
    show_chart(figure, top, title, key="overview_targets")

coverage = data.query("coverage", filters)
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
if coverage.releases and coverage.releases_with_text < coverage.releases:
    st.caption(
        f"{coverage.releases - coverage.releases_with_text:,} of the {coverage.releases:,} releases in view are starter "
        "facts, without their text: their numbers open to the release and its web page where one is known, not to the "
        "sentence. Data staff add the sentences by importing the release files (Upload page, or "
        "`python3 manage.py ingest FILES`)."
    )
shorter = [item for item in published if not item.cumulative]
if shorter:
    with st.expander(f"Totals the coalition published for {len(shorter)} shorter period"
                     f"{'' if len(shorter) == 1 else 's'} in view, beside the data's count"):
        st.dataframe(
            [{"from": item.period_start, "to": item.as_of, "scope": item.scope, "published": item.published,
              "in the data": item.held, "share": item.share, "stated by": item.who_stated, "source": item.url}
             for item in shorter],
            hide_index=True, width="stretch", key="overview_published",
            column_config={"share": st.column_config.ProgressColumn("share", format="percent", min_value=0, max_value=1),
                           "source": st.column_config.LinkColumn("source")},
        )
