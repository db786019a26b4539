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
# a rise or fall in strikes is neither good nor bad: neutral colours
columns[0].metric("Strikes", f"{current.strikes:,}", delta(current.strikes, previous.strikes if previous else None), delta_color="off",
                  help="The strikes of the reports that name such a target, counted whole: a release gives its counts by "
                       "place, not by target (the Targets page counts the targets)." if filters.has_target_filter else None)
columns[1].metric("Engagements", f"{current.engagements:,}", delta(current.engagements, previous.engagements if previous else None),
                  help="Reported from 2017 on; earlier releases counted strikes only.", delta_color="off")
columns[2].metric("Releases", f"{current.releases:,}", delta(current.releases, previous.releases if previous else None), delta_color="off")
columns[3].metric("Places", f"{current.places:,}", delta(current.places, previous.places if previous else None), delta_color="off")
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
