"""Areas: where the strikes were. A map of places sized by strikes, rankings of provinces and
places, the monthly trend of a few places side by side, two areas compared, and the strike
reports behind any place or bar chosen on the map or in a ranking."""

from dataclasses import replace

import streamlit as st

from dashboard import charts, data
from dashboard.frame import filter_bar, page_frame, period_of, scroll_to, show_chart, show_strike_reports, source_text
from dashboard.record import itemised_share_note, plain
from db.queries import Filters

page_frame()
filters = filter_bar()
period = period_of(filters)
params = st.query_params.to_dict()
source = source_text()
st.title("Areas")
st.caption(charts.subtitle(period, filters.describe()))
st.caption(itemised_share_note(data.query("headline", filters), "the places, provinces and rankings"))

UNKNOWN = {"unknown", "unresolved"}


def narrowed(kind: str, name: str) -> Filters:
    """The page's filters narrowed to one province or place."""
    return replace(filters, provinces=(name,)) if kind == "province" else replace(filters, places=(name,))


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
    st.session_state["areas_drill"] = (kind, str(name)) if name else None
    _drill_to_url()
    st.session_state["areas_scroll"] = bool(name)


def _drill_to_url() -> None:
    """The area whose reports are listed, in the URL (drill=place:Mosul): a shared address opens it."""
    drill = st.session_state.get("areas_drill")
    if drill:
        st.query_params["drill"] = f"{drill[0]}:{drill[1]}"
    elif "drill" in st.query_params:
        del st.query_params["drill"]


def _choose_drill() -> None:
    """The keyboard's way to the list: the select under "Behind the numbers"."""
    chosen = st.session_state.get("areas_drill_choice")
    st.session_state["areas_drill"] = tuple(chosen.split(":", 1)) if chosen and ":" in chosen else None
    _drill_to_url()


# --- (a) the map --------------------------------------------------------------------------
places = data.query("places_summary", filters)
located = places.dropna(subset=["lat", "lon"])
unplaced = places[places["lat"].isna() | places["lon"].isna()]
headline = data.query("headline", filters)
extra = "circle area ∝ strikes"
title = "Strikes by place"
figure = charts.fit_source(charts.place_map(located, title, charts.subtitle(period, filters.describe(), extra), source), 14)
map_table = located[["place", "country", "province", "lat", "lon", "strikes", "reports"]]
show_chart(figure, map_table, title, key="areas_map", on_select=lambda: remember_selection("areas_map", "place"))
mapped_strikes = int(located["strikes"].sum()) if not located.empty else 0
unplaced_strikes = int(unplaced["strikes"].sum()) if not unplaced.empty else 0
unnamed_strikes = headline.strikes - headline.unitemised - mapped_strikes - unplaced_strikes
off_the_map = [
    f"{unplaced_strikes:,} at {len(unplaced)} region{'s' * (len(unplaced) != 1)} without coordinates (a border area, "
    "a valley)" if unplaced_strikes else "",
    f"{unnamed_strikes:,} at no place the gazetteer knows: a country's total without places, or a place name it "
    "does not know (the Data quality page lists those names)" if unnamed_strikes else "",
    f"{headline.unitemised:,} stated by their release but not itemised by place" if headline.unitemised else "",
]
st.caption(
    f"{mapped_strikes:,} of {headline.strikes:,} strikes in view are at a place with coordinates"
    + "".join(f"; {part}" for part in off_the_map if part) + ". Click a circle to list the strike reports behind it."
)

# --- (b) rankings -------------------------------------------------------------------------
st.subheader("Rankings")
by_province, by_place = st.tabs(["Provinces", "Places"])
ranked: dict[str, list[str]] = {}
for tab, by in ((by_province, "province"), (by_place, "place")):
    with tab:
        ranking = data.query("ranking", filters, by=by, limit=1000)  # the query the lists below share
        ranked[by] = [name for name in ranking["name"] if name not in UNKNOWN]
        top = ranking.head(20)
        title = f"Strikes by {by} (top {min(len(top), 20)})"
        extra = "“unknown”: no place or province resolved" if (top["name"].isin(UNKNOWN)).any() else ""
        figure = charts.fit_source(
            charts.bar_ranking(top, "name", "strikes", title, charts.subtitle(period, filters.describe(), extra), source))
        show_chart(figure, top, title, key=f"areas_rank_{by}", on_select=lambda key=f"areas_rank_{by}", kind=by: remember_selection(key, kind))
st.caption("Click a bar to list the strike reports behind it.")
ranked_provinces, ranked_places = ranked["province"], ranked["place"]

# --- (e) drill-down -----------------------------------------------------------------------
st.subheader("Behind the numbers", anchor="behind-the-numbers")
if "areas_drill" not in st.session_state and params.get("drill", "").partition(":")[0] in ("province", "place"):
    st.session_state["areas_drill"] = tuple(params["drill"].split(":", 1))  # from a shared address
if st.session_state.pop("areas_scroll", False):
    scroll_to("behind-the-numbers")
drill = st.session_state.get("areas_drill")
NO_AREA = "none: click a circle or a bar"
drill_options = [NO_AREA] + [f"province:{name}" for name in ranked_provinces] + [f"place:{name}" for name in ranked_places]
st.session_state["areas_drill_choice"] = f"{drill[0]}:{drill[1]}" if drill else NO_AREA
if st.session_state["areas_drill_choice"] not in drill_options:
    drill_options.append(st.session_state["areas_drill_choice"])
st.selectbox("List the strike reports of", drill_options, key="areas_drill_choice", on_change=_choose_drill,
             format_func=lambda option: option if option == NO_AREA else f"{option.partition(':')[2]} ({option.partition(':')[0]})",
             help="The same as a click on its circle or bar.")
if drill and drill[1] in UNKNOWN:
    st.info(f"“{drill[1]}” gathers the strike reports whose {drill[0]} was not resolved; the Data quality page "
            "lists their place names as written.")
elif drill:
    kind, name = drill
    if st.button("Clear the selection", key="areas_drill_clear", icon=":material/close:"):
        st.session_state["areas_drill"] = None
        _drill_to_url()
        st.rerun()
    drill_filters = narrowed(kind, name)
    reports = data.query("strike_reports", drill_filters, limit=300)
    totals = data.query("headline", drill_filters)
    shown = f"; the first {len(reports):,} are listed" if totals.reports > len(reports) else ""
    st.markdown(f"**{kind.capitalize()}: {plain(name)}** — {totals.strikes:,} strikes in {totals.reports:,} strike reports "
                f"from {totals.releases:,} releases{shown}.")
    if reports.empty:
        st.caption("No strike reports for it under the current filters.")
    else:
        show_strike_reports(reports, "areas_reports")
        st.page_link("pages/releases.py", label="Open the releases page to read a release in full", icon=":material/article:")
else:
    st.caption("Click a circle on the map or a bar in a ranking to list the strike reports behind it.")

# --- (c) trend of a few places ------------------------------------------------------------
st.subheader("Trend of a place")
place_ranking = data.query("ranking", filters, by="place", limit=1000)
place_options = [name for name in place_ranking["name"] if name not in UNKNOWN]
TREND_KEY = "areas_trend_places"
if TREND_KEY in st.session_state:
    # keep only places still in view (a filter change can remove some)
    st.session_state[TREND_KEY] = [name for name in st.session_state[TREND_KEY] if name in place_options]
    chosen = st.multiselect("Places", place_options, key=TREND_KEY, max_selections=8,
                            placeholder="Choose places to compare")
else:
    from_url = [name for name in params.get("trend", "").split(",") if name in place_options]
    default = from_url if "trend" in params else place_options[:3]
    chosen = st.multiselect("Places", place_options, default=default, key=TREND_KEY, max_selections=8,
                            placeholder="Choose places to compare")
st.query_params["trend"] = ",".join(chosen)
trend = data.query("place_trend", filters, places=tuple(chosen), grain="month")
title = "Strikes per month, by place"
extra = "breaks: months with no strike report at all in the data"
figure = charts.trend_lines(trend, "period", "strikes", "place", "month", title,
                            charts.subtitle(period, filters.describe(), extra), source, "strikes per month", "strikes")
if chosen:
    show_chart(figure, trend, title, key="areas_trend")
else:
    st.caption("Choose one or more places to draw their monthly strikes.")

# --- (d) compare two areas ------------------------------------------------------------------
st.subheader("Compare two areas")
province_ranking = data.query("ranking", filters, by="province", limit=1000)
# the areas in view first, by strikes; then every other area of the data, so that a choice made
# before a filter changed stays what it was (and says it lies outside the filters)
in_view = [f"province:{name}" for name in province_ranking["name"] if name not in UNKNOWN]
in_view += [f"place:{name}" for name in place_options]
everywhere = data.query("filter_options")
area_options = in_view + sorted(
    {f"province:{name}" for name in everywhere["provinces"]} | {f"place:{name}" for name in everywhere["places"]}
    - set(in_view), key=lambda option: (option.partition(":")[2], option))


def area_label(option: str) -> str:
    kind, _, name = option.partition(":")
    return f"{name} ({kind})"


def area_default(param: str, fallback: int) -> int:
    wanted = params.get(param)
    if wanted in area_options:
        return area_options.index(wanted)
    return min(fallback, len(area_options) - 1)


if len(area_options) < 2:
    st.caption("The filters leave fewer than two areas to compare.")
else:
    for key in ("areas_compare_a", "areas_compare_b"):
        if key in st.session_state and st.session_state[key] not in area_options:
            del st.session_state[key]
    widths = [2, 2, 1.4]
    # one column per area, each headed by its name: on a phone the columns stack, and every
    # figure still says whose it is
    column_a, column_b, difference = st.columns(widths)
    first = column_a.selectbox("Area A", area_options, index=area_default("cmp_a", 0), format_func=area_label,
                               key="areas_compare_a")
    second = column_b.selectbox("Area B", area_options, index=area_default("cmp_b", 1), format_func=area_label,
                                key="areas_compare_b")
    st.query_params.update({"cmp_a": first, "cmp_b": second})
    a, b = (data.query("headline", narrowed(*option.split(":", 1))) for option in (first, second))
    measures = (
        ("Strikes", "strikes", None),
        ("Engagements", "engagements", "Counted by the releases from Jan 2017 on; earlier releases counted strikes "
                                       "only: “not reported”, not zero."),
        ("Strike reports", "reports", "Sentences of the releases naming strikes at a place on a day."),
        ("Releases", "releases", "Releases with at least one strike report for the area."),
    )
    for column, letter, option, values in ((column_a, "A", first, a), (column_b, "B", second, b)):
        column.markdown(f"**{letter}: {plain(area_label(option))}**")
        for label, attribute, help_text in measures:
            value = getattr(values, attribute)
            column.metric(label, "not reported" if value is None else f"{value:,}", help=help_text)
        share = values.strikes / headline.strikes if headline.strikes else 0
        column.caption(f"{share:.1%} of the {headline.strikes:,} strikes in view")
    difference.markdown("**Difference, A − B**")
    for label, attribute, _help_text in measures:
        first_value, second_value = getattr(a, attribute), getattr(b, attribute)
        if first_value is None or second_value is None:
            difference.metric(label, "–", help="Not reported for one of the areas: no difference to take.")
        else:
            gap = first_value - second_value
            difference.metric(label, f"{gap:+,}".replace("-", "−") if gap else "0")
    for option, values in ((first, a), (second, b)):
        if option not in in_view and not values.strikes:
            st.caption(f"{plain(option.partition(':')[2])} has no strikes under the filters in force ({filters.describe()}).")
    if first == second:
        st.caption("Choose two different areas.")
    elif first.startswith("province:") != second.startswith("province:"):
        st.caption("A place and a province: if the place lies in the province, its strikes count in both.")
