"""Timeline: strikes or engagements by day, week or month, stacked or side by side by
country, province, place or target category, with the days that have a release below."""

import datetime as dt

import streamlit as st

from dashboard import charts, data
from dashboard.frame import filter_bar, page_frame, period_of, show_chart, show_strike_reports, source_text
from dashboard.view_state import grain_from_params, split_from_params
from db.queries import GRAINS, SPLITS

page_frame()
filters = filter_bar()
period = period_of(filters)
params = st.query_params.to_dict()
st.title("Timeline")

controls = st.columns([1, 1, 1, 1])
grain = controls[0].segmented_control("Per", GRAINS, default=grain_from_params(params), key="timeline_grain") or "week"
split = controls[1].selectbox("Split by", SPLITS, index=SPLITS.index(split_from_params(params)), key="timeline_split")
measure = controls[2].segmented_control("Count", ["strikes", "engagements"], default=params.get("measure", "strikes")
                                        if params.get("measure") in ("strikes", "engagements") else "strikes", key="timeline_measure") or "strikes"
# a report counts once in each category it hit: category bars overlap, stacked they would add up to more
overlapping = split == "category"
if overlapping:
    stacked = controls[3].toggle("Stacked", value=False, key="timeline_stacked_categories", disabled=True,
                                 help="Categories overlap (a report can hit several): they are shown side by side.")
else:
    stacked = controls[3].toggle("Stacked", value=params.get("stacked", "1") == "1", key="timeline_stacked")
    st.query_params["stacked"] = "1" if stacked else "0"
st.query_params.update({"grain": grain, "split": split, "measure": measure})

series = charts.top_groups(data.query("strikes_over_time", filters, grain=grain, split=split), measure)
days = data.query("release_days", filters)
title = f"{measure.capitalize()} per {grain}" + ("" if split == "none" else f", by {split}")
extra = " · ".join(note for note in (
    "engagements are reported from Feb 2017 on" if measure == "engagements" else "",
    "a report counts in each category it hit: the bars overlap" if overlapping else "",
) if note)
tall_bars, shown = charts.undated_tall_bars(
    data.query("strikes_over_time", filters, grain=grain, split="none") if overlapping else series, measure,
    lambda day: data.query("undated_totals", filters.in_period(day, grain))[measure],
)
figure = charts.timeline(series, measure, grain, stacked, title,
                         charts.subtitle(period, filters.describe(), extra), source_text(), days, tall_bars, shown,
                         period, charts.split_colours(split))
event = show_chart(figure, series, title, key="timeline_chart", on_select="rerun")

st.subheader("Behind the numbers")
points = (event.selection.points if event and event.selection else []) if hasattr(event, "selection") else []
if points:
    drill = filters.in_period(dt.date.fromisoformat(str(points[0]["x"])[:10]), grain)
    st.caption(f"Strike reports from {drill.start:%d %b %Y} to {drill.end:%d %b %Y}")
else:
    drill = filters
    st.caption("Click a bar to list the strike reports behind it; below, the first reports of the filtered period.")
totals = data.query("headline", drill)
st.markdown(f"**{totals.reports:,} strike reports, {totals.strikes:,} strikes** in {totals.releases:,} "
            f"release{'' if totals.releases == 1 else 's'}")
reports = data.query("strike_reports", drill, limit=300)
show_strike_reports(reports, "timeline_reports")
if not reports.empty:
    st.page_link("pages/releases.py", label="Open the releases page to read a release in full", icon=":material/article:")
