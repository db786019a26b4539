"""Timeline: strikes or engagements by day, week or month, stacked or side by side by
country, province, place or target category, with the days that have a release below."""

import datetime as dt
from dataclasses import replace

import streamlit as st

from dashboard import charts
from dashboard.data import load
from dashboard.frame import page_context, scroll_to, show_chart, show_strike_reports, write_params
from dashboard.milestones import milestones_between
from dashboard.page_data.common import load_reports_behind
from dashboard.page_data.timeline import load_timeline_chart, load_whole_record
from dashboard.record import crossing_note, plain, published_rows, scope_of
from dashboard.series import SHOW_MODES, difference, every_group_every_period, largest_groups, shares
from dashboard.view_state import MEASURES, TimelineView, clicked_period, period_label
from db.queries import GRAINS, SPLITS

view = page_context("Timeline")
filters, source = view.filters, view.source
asked = TimelineView.from_params(view.params)


def _choose_bar() -> None:
    chosen = st.session_state.get("timeline_bar")
    write_params({"bar": chosen.isoformat() if isinstance(chosen, dt.date) else None})


# two rows that wrap rather than cut a label: what is counted (per, count, split), then how it is
# drawn (the toggles level with the buttons); each control as wide as its options (fixed columns
# cut them at 1280 and 1600 px)
counted = st.container(horizontal=True)
drawn = st.container(horizontal=True, vertical_alignment="bottom")
grain = counted.segmented_control("Per", GRAINS, default=asked.grain, key="timeline_grain") or asked.grain
measure = counted.segmented_control("Count", MEASURES, default=asked.measure, key="timeline_measure") or asked.measure
split = counted.selectbox("Split by", SPLITS, index=SPLITS.index(asked.split), key="timeline_split", width=170)
options = replace(asked, grain=grain, split=split, measure=measure)
show = drawn.segmented_control(
    "Show", SHOW_MODES, default=asked.show, key="timeline_show",
    help="lines: one per group; share: each group's percent of the period's total; difference: the first group "
         "less the second") or asked.show
if options.overlapping:
    drawn.toggle("Stacked", value=False, key="timeline_stacked_categories", disabled=True,
                 help="Categories overlap (a report can hit several): they are shown side by side.")
    stacked = False
else:
    stacked = drawn.toggle("Stacked", value=asked.stacked, key="timeline_stacked")
marked = drawn.toggle("Milestones", value=asked.milestones, key="timeline_milestones",
                      help="The campaign's milestones (an offensive begun, a city retaken) on the bars.")
strip = drawn.toggle("Release strip", value=asked.strip, key="timeline_strip",
                     help="Under the bars, the days each release covers; leave it out for a cleaner slide.")
options = replace(options, stacked=stacked, show=show, milestones=marked, strip=strip)

chart = load(load_timeline_chart, filters, options)
series = chart.series
title = view.chart_title(f"{measure.capitalize()} per {grain}" + ("" if split == "none" else f", by {split}"))
sub = view.subtitle(" · ".join(note for note in (
    "engagements are counted from Jan 2017 on" if measure == "engagements" else "",
    "a report counts in each category it hit: the bars overlap" if options.overlapping else "",
) if note))
colours = charts.split_colours(split)
if show == "bars" or split == "none":
    figure = charts.timeline(series, measure, grain, stacked, title, sub, source,
                             covered_days=chart.days if strip else None,
                             tall_bars=chart.tall_bars, shown=chart.shown, period=view.period, colours=colours,
                             milestones=milestones_between(*view.period) if marked else None, spans=chart.spans)
    table = chart.table
elif show == "lines":
    table = every_group_every_period(series)  # 0 for a group with no strikes in a period others have
    figure = charts.trend_lines(table, "period", measure, "group", grain, title, sub, source,
                                f"{measure} per {grain}", measure, colours)
elif show == "share":
    table = shares(series, measure)
    title = view.chart_title(f"Share of the {measure} per {grain}, by {split}")
    figure = charts.trend_lines(table, "period", "share", "group", grain, title, sub, source,
                                f"percent of the {grain}'s {measure}", measure, colours, percent=True)
else:
    first, second = (largest_groups(series, measure) + ["", ""])[:2]
    table = difference(series, measure, first, second)
    title = view.chart_title(f"{measure.capitalize()} per {grain}: {first} less {second}")
    figure = charts.difference_bars(table, grain, title, sub, source, measure, first, second, colours)
event = show_chart(figure, table, title, key=f"timeline_chart_{show}", on_select="rerun")
crossing = crossing_note(chart.crossing)
if crossing:
    st.caption(crossing)
if show != "bars" and split == "none":
    st.caption("Choose a split (by country, province ...) to compare its groups as lines, shares or a difference.")
if marked and (show == "bars" or split == "none"):
    marks = milestones_between(*view.period)
    if marks:
        st.caption("Milestones: " + "; ".join(f"{m.day:%d %b %Y} [{plain(m.name)}](<{m.source_url}>)" for m in marks)
                   + ".")
if strip:
    st.caption("Under the bars, each day a release covers: dark where it gives counts, orange where only a summary "
               "without counts does; a blank is a day no release in the data covers, a gap in the record, not a lull "
               "in strikes.")

st.subheader("Behind the numbers", anchor="behind-the-numbers")
# the period to list: a click on a bar, or the list below (the keyboard's way); kept in the URL
# (bar=its first day), so a shared address opens the same list
periods = chart.periods
points = (event.selection.points if event and event.selection else []) if hasattr(event, "selection") else []
clicked = clicked_period(points[0]["x"], grain) if points else None
if clicked and clicked != st.session_state.get("timeline_last_click"):
    options = replace(options, bar=clicked)
    scroll_to("behind-the-numbers")
st.session_state["timeline_last_click"] = clicked
chosen = options.shown_bar(periods)  # a period this view does not show is dropped
options = replace(options, bar=chosen)
write_params(options.to_params())
ALL_PERIODS = "all of the filtered period"
st.session_state["timeline_bar"] = chosen or ALL_PERIODS
st.selectbox("Period to list", [ALL_PERIODS, *periods], key="timeline_bar", on_change=_choose_bar,
             format_func=lambda option: option if option == ALL_PERIODS else period_label(option, grain),
             help="The same as a click on its bar.")
if chosen:
    drill = filters.in_period(chosen, grain)
    st.caption(f"Strike reports from {drill.start:%d %b %Y} to {drill.end:%d %b %Y}")
else:
    drill = filters
    st.caption("Click a bar, or choose its period above, to list the strike reports behind it; below, the first "
               "reports of the filtered period.")
behind = load(load_reports_behind, drill)
totals = behind.totals
st.markdown(f"**{totals.reports:,} strike reports, {totals.strikes:,} strikes** in {totals.releases:,} "
            f"release{'' if totals.releases == 1 else 's'}")
show_strike_reports(behind.reports, "timeline_reports")
if not behind.reports.empty:
    st.page_link("pages/releases.py", label="Open the releases page to read a release in full", icon=":material/article:")

# --- the whole record: the data's running total against what the coalition published ---------
record = load(load_whole_record, scope_of(filters), view.period)
scope = record.scope
figure = charts.running_total(record.held, record.cumulative, record.title, record.subtitle, source,
                              record.latest_held)
show_chart(figure, record.table, record.title, key="timeline_running_total")
if record.shorter:
    st.caption(f"Totals the coalition published for shorter periods of the dates in view ({scope if scope != 'all' else 'both countries'}), "
               "beside the strikes the data count for the same days.")
    st.dataframe(
        published_rows(record.shorter, with_scope=False),
        hide_index=True, width="stretch", key="timeline_published",
        column_config={"share": st.column_config.ProgressColumn("share", format="percent", min_value=0, max_value=1),
                       "source": st.column_config.LinkColumn("source")},
    )
