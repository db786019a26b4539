"""Overview: headline figures for the filtered period against the previous period of equal
length, a small trend, and what the data covers."""

import streamlit as st

from dashboard import charts, data
from dashboard.comparison import compare_with_previous_period
from dashboard.frame import filter_bar, page_frame, period_of, show_chart, source_text

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
                "place, not by target (the Targets page counts the targets)." if filters.has_target_filter else None),
    ("Engagements", "Reported from 2017 on; earlier releases counted strikes only."),
    ("Releases", None),
    ("Places", None),
]
# before Feb 2017 no release counted engagements: a 0 there is "not reported", not none
engagements_unreported = bool(period[1] and period[1] < charts.ENGAGEMENTS_REPORTED_FROM and not current.engagements)
for column, (label, help_text) in zip(columns, figures, strict=True):
    if label == "Engagements" and engagements_unreported:
        column.metric(label, "not reported", help=help_text)
        continue
    now = getattr(current, label.lower())
    before = getattr(previous, label.lower()) if previous else None
    # a rise or fall in strikes is neither good nor bad: neutral colours, and no arrow for no change
    column.metric(label, f"{now:,}", delta(now, before), delta_color="off", help=help_text,
                  delta_arrow="off" if now == before else "auto")
if comparison.note:
    st.caption(comparison.note)

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
cols = st.columns(4)
cols[0].metric("First strike day", f"{coverage.first_day:%d %b %Y}" if coverage.first_day else "–")
cols[1].metric("Last strike day", f"{coverage.last_day:%d %b %Y}" if coverage.last_day else "–")
cols[2].metric("Days with a release", f"{coverage.days_with_release:,}")
cols[3].metric("Days without a release", f"{coverage.days_without_release:,}",
               help="Days in the period with no release in the data: a gap in reporting, not a lull in strikes.")
