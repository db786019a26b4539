"""Areas: where the strikes were. A map of places sized by strikes, rankings of provinces and
places, the monthly trend of a few places side by side, two areas compared, and the strike
reports behind any place or bar chosen on the map or in a ranking."""

from dataclasses import replace

import streamlit as st

from dashboard import charts
from dashboard.data import load
from dashboard.frame import page_context, scroll_to, show_chart, show_strike_reports, write_params
from dashboard.page_data.areas import UNKNOWN, load_area_figures, load_areas, load_place_trend, share_of_view
from dashboard.page_data.common import load_reports_behind
from dashboard.record import itemised_share_note, plain
from dashboard.view_state import MOST_TREND_PLACES, Area, AreasView

view = page_context("Areas")
filters, source = view.filters, view.source
asked = AreasView.from_params(view.params)
st.caption(view.subtitle())
areas = load(load_areas, filters)
st.caption(itemised_share_note(areas.headline, "the places, provinces and rankings"))


def remember_selection(chart_key: str, kind: str) -> None:
    """on_select callback: the most recent click on any of the charts decides the drill-down."""
    state = st.session_state.get(chart_key)
    points = state["selection"]["points"] if state and state.get("selection") else []
    name = None
    if points:
        point = points[0]
        if kind == "place" and point.get("customdata"):
            name = point["customdata"][0]
        else:
            name = point.get("y") or point.get("text")
    st.session_state["areas_drill"] = Area(kind, str(name)) if name else None
    st.session_state["areas_scroll"] = bool(name)


def _choose_drill() -> None:
    """The keyboard's way to the list: the select under "Behind the numbers"."""
    st.session_state["areas_drill"] = Area.parse(st.session_state.get("areas_drill_choice"))


# --- (a) the map --------------------------------------------------------------------------
located, headline = areas.located, areas.headline
title = view.chart_title("Strikes by place")
figure = charts.fit_source(charts.place_map(located, title, view.subtitle("circle area ∝ strikes"), source), 14)
map_table = located[["place", "country", "province", "lat", "lon", "strikes", "reports"]]
show_chart(figure, map_table, title, key="areas_map", on_select=lambda: remember_selection("areas_map", "place"))
regions = len(areas.without_coordinates)
off_the_map = [
    f"{areas.unplaced_strikes:,} at {regions} region{'s' * (regions != 1)} without coordinates (a border area, "
    "a valley)" if areas.unplaced_strikes else "",
    f"{areas.unnamed_strikes:,} at no place the gazetteer knows: a country's total without places, or a place name it "
    "does not know (the Data quality page lists those names)" if areas.unnamed_strikes else "",
    f"{headline.unitemised:,} stated by their release but not itemised by place" if headline.unitemised else "",
]
st.caption(
    f"{areas.mapped_strikes:,} of {headline.strikes:,} strikes in view are at a place with coordinates"
    + "".join(f"; {part}" for part in off_the_map if part) + ". Click a circle to list the strike reports behind it."
)

# --- (b) rankings -------------------------------------------------------------------------
st.subheader("Rankings")
by_province, by_place = st.tabs(["Provinces", "Places"])
for tab, by, ranking in ((by_province, "province", areas.provinces_ranked), (by_place, "place", areas.places_ranked)):
    with tab:
        top = ranking.head(20)
        title = view.chart_title(f"Strikes by {by} (top {min(len(top), 20)})")
        extra = "“unknown”: no place or province resolved" if (top["name"].isin(UNKNOWN)).any() else ""
        figure = charts.fit_source(charts.bar_ranking(top, "name", "strikes", title, view.subtitle(extra), source))
        show_chart(figure, top, title, key=f"areas_rank_{by}",
                   on_select=lambda key=f"areas_rank_{by}", kind=by: remember_selection(key, kind))
st.caption("Click a bar to list the strike reports behind it.")
place_options = areas.ranked("place")

# --- (e) drill-down -----------------------------------------------------------------------
st.subheader("Behind the numbers", anchor="behind-the-numbers")
if "areas_drill" not in st.session_state and asked.drill:
    st.session_state["areas_drill"] = asked.drill  # from a shared address
if st.session_state.pop("areas_scroll", False):
    scroll_to("behind-the-numbers")
drill = st.session_state.get("areas_drill")
NO_AREA = "none: click a circle or a bar"
drill_options = [NO_AREA] + [str(area) for area in areas.areas_in_view()]
st.session_state["areas_drill_choice"] = str(drill) if drill else NO_AREA
if st.session_state["areas_drill_choice"] not in drill_options:
    drill_options.append(st.session_state["areas_drill_choice"])
st.selectbox("List the strike reports of", drill_options, key="areas_drill_choice", on_change=_choose_drill,
             format_func=lambda option: option if option == NO_AREA else Area.parse(option).label,
             help="The same as a click on its circle or bar.")
if drill and drill.name in UNKNOWN:
    st.info(f"“{drill.name}” gathers the strike reports whose {drill.kind} was not resolved; the Data quality page "
            "lists their place names as written.")
elif drill and drill.narrow(filters) is None:
    st.caption(f"{plain(drill.name)} lies outside the filters in force ({filters.describe()}): no strike reports "
               "of it are in view. Choose another area above, or change the filters.")
elif drill:
    if st.button("Clear the selection", key="areas_drill_clear", icon=":material/close:"):
        st.session_state["areas_drill"] = None
        st.rerun()
    behind = load(load_reports_behind, drill.narrow(filters))
    totals = behind.totals
    listed = f"; the first {len(behind.reports):,} are listed" if behind.cut else ""
    st.markdown(f"**{drill.kind.capitalize()}: {plain(drill.name)}** — {totals.strikes:,} strikes in "
                f"{totals.reports:,} strike reports from {totals.releases:,} releases{listed}.")
    if behind.reports.empty:
        st.caption("No strike reports for it under the current filters.")
    else:
        show_strike_reports(behind.reports, "areas_reports")
        st.page_link("pages/releases.py", label="Open the releases page to read a release in full", icon=":material/article:")
else:
    st.caption("Click a circle on the map or a bar in a ranking to list the strike reports behind it.")

# --- (c) trend of a few places ------------------------------------------------------------
st.subheader("Trend of a place")
TREND_KEY = "areas_trend_places"
if TREND_KEY in st.session_state:
    # keep only places still in view (a filter change can remove some)
    st.session_state[TREND_KEY] = [name for name in st.session_state[TREND_KEY] if name in place_options]
    chosen = st.multiselect("Places", place_options, key=TREND_KEY, max_selections=MOST_TREND_PLACES,
                            placeholder="Choose places to compare")
else:
    default = [name for name in asked.trend if name in place_options] if asked.trend is not None else place_options[:3]
    chosen = st.multiselect("Places", place_options, default=default, key=TREND_KEY, max_selections=MOST_TREND_PLACES,
                            placeholder="Choose places to compare")
trend = load(load_place_trend, filters, tuple(chosen))
title = view.chart_title("Strikes per month, by place")
figure = charts.trend_lines(trend, "period", "strikes", "place", "month", title,
                            view.subtitle("breaks: months with no strike report at all in the data"), source,
                            "strikes per month", "strikes")
if chosen:
    show_chart(figure, trend, title, key="areas_trend")
else:
    st.caption("Choose one or more places to draw their monthly strikes.")

# --- (d) compare two areas ------------------------------------------------------------------
st.subheader("Compare two areas")
in_view = [str(area) for area in areas.areas_in_view()]
area_options = areas.compare_options(view.frame.options)


def label(option: str) -> str:
    return Area.parse(option).label


def area_default(wanted: str | None, fallback: int) -> int:
    if wanted in area_options:
        return area_options.index(wanted)
    return min(fallback, len(area_options) - 1)


# what the URL keeps (drill=place:Mosul, trend=..., cmp_a=...): a shared address opens the same view
shown = replace(asked, drill=drill, trend=tuple(chosen))
if len(area_options) < 2:
    st.caption("The filters leave fewer than two areas to compare.")
else:
    for key in ("areas_compare_a", "areas_compare_b"):
        if key in st.session_state and st.session_state[key] not in area_options:
            del st.session_state[key]
    # one column per area, each headed by its name: on a phone the columns stack, and every
    # figure still says whose it is
    column_a, column_b, difference = st.columns([2, 2, 1.4])
    first = column_a.selectbox("Area A", area_options, index=area_default(asked.compare_a, 0), format_func=label,
                               key="areas_compare_a")
    second = column_b.selectbox("Area B", area_options, index=area_default(asked.compare_b, 1), format_func=label,
                                key="areas_compare_b")
    shown = replace(shown, compare_a=first, compare_b=second)
    a, b = (load(load_area_figures, filters, Area.parse(option)) for option in (first, second))
    measures = (
        ("Strikes", "strikes", None),
        ("Engagements", "engagements", "Counted by the releases from Jan 2017 on; earlier releases counted strikes "
                                       "only: “not reported”, not zero."),
        ("Strike reports", "reports", "Sentences of the releases naming strikes at a place on a day."),
        ("Releases", "releases", "Releases with at least one strike report for the area."),
    )
    for column, letter, option, values in ((column_a, "A", first, a), (column_b, "B", second, b)):
        column.markdown(f"**{letter}: {plain(label(option))}**")
        for name, attribute, help_text in measures:
            value = getattr(values, attribute)
            column.metric(name, "not reported" if value is None else f"{value:,}", help=help_text)
        column.caption(f"{share_of_view(values.strikes, headline.strikes):.1%} of the {headline.strikes:,} strikes in view")
    difference.markdown("**Difference, A − B**")
    for name, attribute, _help_text in measures:
        first_value, second_value = getattr(a, attribute), getattr(b, attribute)
        if first_value is None or second_value is None:
            difference.metric(name, "–", help="Not reported for one of the areas: no difference to take.")
        else:
            gap = first_value - second_value
            difference.metric(name, f"{gap:+,}".replace("-", "−") if gap else "0")
    for option, values in ((first, a), (second, b)):
        if option not in in_view and not values.strikes:
            st.caption(f"{plain(Area.parse(option).name)} has no strikes under the filters in force ({filters.describe()}).")
    if first == second:
        st.caption("Choose two different areas.")
    elif first.startswith("province:") != second.startswith("province:"):
        st.caption("A place and a province: if the place lies in the province, its strikes count in both.")
write_params(shown.to_params())
