"""Timeline: strikes or engagements by day, week or month, stacked or side by side by
country, province, place or target category, with the days that have a release below."""

import datetime as dt

import streamlit as st

from dashboard import charts, data
from dashboard.frame import filter_bar, page_frame, period_of, scroll_to, show_chart, show_strike_reports, source_text
from dashboard.record import scope_of
from dashboard.series import SHOW_MODES, difference, largest_groups, shares
from dashboard.view_state import bar_from_params, clicked_period, grain_from_params, period_label, split_from_params
from db.queries import GRAINS, SPLITS
from loaders.published_figures import CAMPAIGN_START

page_frame()
filters = filter_bar()
period = period_of(filters)
params = st.query_params.to_dict()
st.title("Timeline")


def _choose_bar() -> None:
    chosen = st.session_state.get("timeline_bar")
    if isinstance(chosen, dt.date):
        st.query_params["bar"] = chosen.isoformat()
    elif "bar" in st.query_params:
        del st.query_params["bar"]


controls = st.columns([1, 1, 1, 1, 1.3])
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
show = controls[4].segmented_control(
    "Show", SHOW_MODES, default=params.get("show") if params.get("show") in SHOW_MODES else "bars", key="timeline_show",
    help="lines: one per group; share: each group's percent of the period's total; difference: the first group "
         "less the second") or "bars"
st.query_params.update({"grain": grain, "split": split, "measure": measure, "show": show})

series = charts.top_groups(data.query("strikes_over_time", filters, grain=grain, split=split), measure)
days = data.query("coverage_days", filters)
title = f"{measure.capitalize()} per {grain}" + ("" if split == "none" else f", by {split}")
extra = " · ".join(note for note in (
    "engagements are counted from Jan 2017 on" if measure == "engagements" else "",
    "a report counts in each category it hit: the bars overlap" if overlapping else "",
) if note)
tall_bars, shown = charts.undated_tall_bars(
    data.query("strikes_over_time", filters, grain=grain, split="none") if overlapping else series, measure,
    lambda day: data.query("undated_totals", filters.in_period(day, grain))[measure],
)
sub = charts.subtitle(period, filters.describe(), extra)
if show == "bars" or split == "none":
    figure = charts.timeline(series, measure, grain, stacked, title, sub, source_text(), days, tall_bars, shown,
                             period, charts.split_colours(split))
    table = series
elif show == "lines":
    figure = charts.trend_lines(series, "period", measure, "group", grain, title, sub, source_text(),
                                f"{measure} per {grain}", measure, charts.split_colours(split))
    table = series
elif show == "share":
    table = shares(series, measure)
    title = f"Share of the {measure} per {grain}, by {split}"
    figure = charts.trend_lines(table, "period", "share", "group", grain, title, sub, source_text(),
                                f"percent of the {grain}'s {measure}", measure, charts.split_colours(split), percent=True)
else:
    first, second = (largest_groups(series, measure) + ["", ""])[:2]
    table = difference(series, measure, first, second)
    title = f"{measure.capitalize()} per {grain}: {first} less {second}"
    figure = charts.difference_bars(table, grain, title, sub, source_text(), measure)
event = show_chart(figure, table, title, key=f"timeline_chart_{show}", on_select="rerun")
if show != "bars" and split == "none":
    st.caption("Choose a split (by country, province ...) to compare its groups as lines, shares or a difference.")
st.caption("Under the bars, each day a release covers: dark where it gives counts, orange where only a summary without "
           "counts does; a blank is a day no release in the data covers, a gap in the record, not a lull in strikes.")

st.subheader("Behind the numbers", anchor="behind-the-numbers")
# the period to list: a click on a bar, or the list below (the keyboard's way); kept in the URL
# (bar=its first day), so a shared address opens the same list
periods = sorted(set(series["period"])) if not series.empty else []
points = (event.selection.points if event and event.selection else []) if hasattr(event, "selection") else []
clicked = clicked_period(points[0]["x"], grain) if points else None
if clicked and clicked != st.session_state.get("timeline_last_click"):
    st.query_params["bar"] = clicked.isoformat()
    scroll_to("behind-the-numbers")
st.session_state["timeline_last_click"] = clicked
chosen = bar_from_params(st.query_params.to_dict(), grain, periods)
if chosen is None and "bar" in st.query_params:
    del st.query_params["bar"]  # a period this view does not show
ALL_PERIODS = "all of the filtered period"
options = [ALL_PERIODS, *periods]
st.session_state["timeline_bar"] = chosen or ALL_PERIODS
st.selectbox("Period to list", options, key="timeline_bar", on_change=_choose_bar,
             format_func=lambda option: option if option == ALL_PERIODS else period_label(option, grain),
             help="The same as a click on its bar.")
if chosen:
    drill = filters.in_period(chosen, grain)
    st.caption(f"Strike reports from {drill.start:%d %b %Y} to {drill.end:%d %b %Y}")
else:
    drill = filters
    st.caption("Click a bar, or choose its period above, to list the strike reports behind it; below, the first "
               "reports of the filtered period.")
totals = data.query("headline", drill)
st.markdown(f"**{totals.reports:,} strike reports, {totals.strikes:,} strikes** in {totals.releases:,} "
            f"release{'' if totals.releases == 1 else 's'}")
reports = data.query("strike_reports", drill, limit=300)
show_strike_reports(reports, "timeline_reports")
if not reports.empty:
    st.page_link("pages/releases.py", label="Open the releases page to read a release in full", icon=":material/article:")

# --- the whole record: the data's running total against what the coalition published ---------
scope = scope_of(filters)
held = data.query("running_held", scope=scope)
published = data.query("published_totals")
cumulative = published[(published["scope"] == scope) & (published["period_start"] == CAMPAIGN_START)] \
    if not published.empty else published
record = data.query("published_coverage", start=None, end=cumulative["as_of"].max() if not cumulative.empty else None,
                    scope=scope)
latest = [item for item in record if item.cumulative]
title = "Strikes in the data against the coalition's own totals" + ("" if scope == "all" else f", {scope}")
sub = " · ".join(("from 8 Aug 2014", f"{'both countries' if scope == 'all' else scope}; every place and target",
                  "◆ a total the coalition published (its source on hover)"))
figure = charts.running_total(held, cumulative, title, sub, source_text(), latest[-1].held if latest else None)
show_chart(figure, held, title, key="timeline_running_total")
shorter = [item for item in data.query("published_coverage", start=period[0], end=period[1], scope=scope)
           if not item.cumulative]
if shorter:
    st.caption(f"Totals the coalition published for shorter periods of the dates in view ({scope if scope != 'all' else 'both countries'}), "
               "beside the strikes the data count for the same days.")
    st.dataframe(
        [{"from": item.period_start, "to": item.as_of, "published": item.published, "in the data": item.held,
          "share": item.share, "stated by": item.who_stated, "source": item.url} for item in shorter],
        hide_index=True, width="stretch", key="timeline_published",
        column_config={"share": st.column_config.ProgressColumn("share", format="percent", min_value=0, max_value=1),
                       "source": st.column_config.LinkColumn("source")},
    )
