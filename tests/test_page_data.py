"""The seam between pages and database: each page's loader (dashboard/page_data) called as the
page calls it, on SQLite and PostgreSQL; the cache in front of them; and each page's URL state
(dashboard/view_state), read and written back.

Expected figures are counted by hand from tests/sample_releases.py:
DAY_ONE (strikes on 20 July 2017): Syria 5 (Raqqa 4 + Abu Kamal 1), Iraq 2 (Mosul): 7;
it states 9 engagements (Syria 6, Iraq 3) that no line itemises.
DAY_TWO (strikes on 21 July 2017): Iraq 3 (Mosul).
Mosul 2 + 3 = 5, Raqqa 4, Abu Kamal 1: 10 strikes in all.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import streamlit as st
from hypothesis import given, strategies
from sample_releases import DAY_ONE, DAY_TWO

from dashboard.page_data.areas import load_area_figures, load_areas, load_place_trend
from dashboard.page_data.common import CAMPAIGN_SPAN, load_frame, load_reports_behind
from dashboard.page_data.data_quality import load_diagnostics, load_quality
from dashboard.page_data.overview import load_overview
from dashboard.page_data.releases import NOT_ITEMISED, load_release, load_release_list
from dashboard.page_data.targets import load_targets, load_type_trend
from dashboard.page_data.timeline import load_timeline_chart, load_whole_record
from dashboard.page_data.upload import undoable_imports
from dashboard.view_state import (
    FILTER_PARAMS,
    Area,
    AreasView,
    ReleasesView,
    TargetsView,
    TimelineView,
    filters_from_params,
)
from db import queries
from db.ingest import ingest_files
from db.queries import Filters

D20, D21, D22 = date(2017, 7, 20), date(2017, 7, 21), date(2017, 7, 22)


@pytest.fixture
def two_days(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    return factory


def run(factory, loader, *args):
    with factory() as session:
        return loader(session, *args)


# --- the loaders ----------------------------------------------------------------------------


def test_the_frame_knows_the_data_span_and_its_releases(factory):
    empty = run(factory, load_frame)
    assert empty.releases == 0 and empty.bounds == CAMPAIGN_SPAN  # the date picker still opens on the campaign
    assert empty.period_of(Filters()) == (None, None)
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    frame = run(factory, load_frame)
    assert frame.releases == 2 and frame.bounds == (D20, D21)
    assert frame.period_of(Filters(start=D21)) == (D21, D21)
    assert frame.options["countries"] == ["Iraq", "Syria"]


def test_overview_compares_with_the_previous_day(two_days):
    shown = run(two_days, load_overview, Filters(start=D21, end=D21), (D21, D21), D20)
    assert (shown.current.strikes, shown.previous.strikes) == (3, 7)
    assert shown.comparison.change(3, 7) == "-4 vs previous 1 day"
    assert shown.trend["strikes"].sum() == 3
    assert list(shown.top_targets["type"])[:2] in (["tactical unit", "vehicle"], ["vehicle", "tactical unit"])


def test_timeline_chart_per_day_by_country(two_days):
    chart = run(two_days, load_timeline_chart, Filters(), TimelineView(grain="day", split="country"))
    by_day = chart.series.groupby(["period", "group"])["strikes"].sum().to_dict()
    assert by_day == {(D20, "Iraq"): 2, (D20, "Syria"): 5, (D21, "Iraq"): 3}
    assert chart.periods == [D20, D21]
    assert chart.tall_bars == []  # two bars: nothing towers
    assert set(chart.days["day"]) >= {D20, D21}


def test_timeline_record_without_published_totals(two_days):
    record = run(two_days, load_whole_record, "Iraq", (D20, D21))
    assert record.scope == "Iraq" and record.latest_held is None and record.shorter == []
    assert record.held["strikes"].iloc[-1] == 5  # Iraq: 2 + 3, the running total on its last day


def test_the_running_total_says_the_filters_its_numbers_obey(two_days):
    # the coalition published totals by country only: the running total follows the country
    # alone, every day and place, and its title, subtitle and CSV rows say so
    record = run(two_days, load_whole_record, "Iraq", (D21, D21))
    assert record.filters == Filters(countries=("Iraq",))
    assert record.title == "Strikes in the data against the coalition's own totals in Iraq, since 8 Aug 2014"
    assert record.subtitle.startswith("all dates from 8 Aug 2014 · Iraq; every place and target")
    with two_days() as session:
        whole = queries.headline(session, record.filters).strikes
    assert record.table["running"].iloc[-1] == whole == 5  # the 20th's strikes too, outside the dates in view
    assert "both countries; every place and target" in run(two_days, load_whole_record, "all", (D21, D21)).subtitle


def test_the_reports_behind_a_place(two_days):
    behind = run(two_days, load_reports_behind, Filters(places=("Mosul",)))
    assert (behind.totals.strikes, behind.totals.reports, behind.cut) == (5, 2, False)
    assert list(behind.reports["strikes"]) == [2, 3]
    first = run(two_days, load_reports_behind, Filters(), 1)
    assert first.cut and len(first.reports) == 1


def test_areas_place_every_strike_and_rank_the_places(two_days):
    areas = run(two_days, load_areas, Filters())
    assert areas.headline.strikes == 10
    assert (areas.mapped_strikes, areas.unplaced_strikes, areas.unnamed_strikes) == (10, 0, 0)
    assert areas.ranked("place") == ["Mosul", "Raqqa", "Abu Kamal"]
    in_view = areas.areas_in_view()
    assert in_view[-3:] == [Area("place", "Mosul"), Area("place", "Raqqa"), Area("place", "Abu Kamal")]
    assert all(area.kind == "province" for area in in_view[:-3])
    assert run(two_days, load_area_figures, Filters(), Area("place", "Mosul")).strikes == 5
    assert run(two_days, load_area_figures, Filters(countries=("Syria",)), Area("place", "Mosul")).strikes == 0
    trend = run(two_days, load_place_trend, Filters(), ("Raqqa", "Mosul"))
    assert trend.groupby("place")["strikes"].sum().to_dict() == {"Mosul": 5, "Raqqa": 4}


def test_an_area_outside_the_filters_reads_zero(two_days):
    # a place filter is narrowed, never replaced, by the area compared or listed: Mosul under
    # the filter Raqqa read Mosul's own 5 strikes, more than the 4 in view
    assert Area("place", "Mosul").narrow(Filters(places=("Raqqa",))) is None
    assert Area("province", "Nineveh").narrow(Filters(provinces=("Ar-Raqqah",))) is None
    assert Area("place", "Mosul").narrow(Filters(places=("Raqqa", "Mosul"))) == Filters(places=("Mosul",))
    assert run(two_days, load_area_figures, Filters(places=("Raqqa",)), Area("place", "Mosul")).strikes == 0
    assert run(two_days, load_area_figures, Filters(places=("Raqqa",)), Area("place", "Raqqa")).strikes == 4
    assert run(two_days, load_area_figures, Filters(provinces=("Ar-Raqqah",)), Area("province", "Nineveh")).strikes == 0


@given(whole=strategies.integers(0, 10**6), part=strategies.integers(0, 10**6))
def test_no_share_of_the_view_exceeds_all_of_it(whole, part):
    """An area's share of the strikes in view: refused, not drawn as "356.2%", when the area
    holds more than the view (its figures were not taken under the view's filters)."""
    from dashboard.page_data.areas import share_of_view

    if part > whole:
        with pytest.raises(ValueError, match="more strikes than the view"):
            share_of_view(part, whole)
    else:
        assert 0 <= share_of_view(part, whole) <= 1
        assert share_of_view(part, whole) == (part / whole if whole else 0)
    with pytest.raises(ValueError):
        share_of_view(-1, whole)


def test_targets_and_one_type_over_time(two_days):
    hit = run(two_days, load_targets, Filters())
    # Raqqa: 3 tactical units, 2 fighting positions; Abu Kamal: an oil storage tank; Mosul (20th):
    # a vehicle bomb factory and a building; Mosul (21st): a tactical unit and 2 vehicles
    assert hit.headline.strikes == 10
    counted = dict(zip(hit.by_type["type"], hit.by_type["targets"], strict=True))
    assert (counted["tactical unit"], counted["fighting position"], counted["vehicle"]) == (4, 2, 2)
    assert hit.counts.mentions == 7 and hit.counts.targets == 11
    trend = run(two_days, load_type_trend, Filters(), "vehicle")
    assert trend["targets"].sum() == 2


def test_one_release_as_plain_values(two_days):
    listed = run(two_days, load_release_list, Filters(), "")
    assert list(listed["published"]) == [D22, D21]
    release_id = int(listed["id"].iloc[1])
    opened = run(two_days, load_release, release_id)
    assert opened.detail.release.published == D21 and opened.detail.release.raw_text == DAY_ONE
    assert list(opened.reports["place"]) == ["Raqqa", "Abu Kamal", "Mosul", NOT_ITEMISED, NOT_ITEMISED]
    assert list(opened.reports["#"]) == [1, 2, 3, 4, 5]
    assert opened.undated == 0
    raqqa = opened.detail.reports[0]
    assert opened.number_of(raqqa.id) == 1 and opened.number_of(None) is None
    start, end, summary = opened.spans()[0]
    assert "Near Raqqa, four strikes" in DAY_ONE[start:end] and summary.startswith("#1: ")
    assert run(two_days, load_release, 10**9) is None
    with pytest.raises(AttributeError):
        opened.detail.release.title = "changed"  # frozen: nothing bound to a session to write back


def test_the_search_finds_a_release_by_a_place(two_days):
    assert list(run(two_days, load_release_list, Filters(), "Abu Kamal")["published"]) == [D21]


def test_data_quality_applies_only_the_dates_to_diagnostics(two_days):
    everything = run(two_days, load_quality, Filters())
    in_syria = run(two_days, load_quality, Filters(countries=("Syria",)))
    assert everything.by_kind.equals(in_syria.by_kind)  # per release: the country does not apply
    assert (everything.headline.strikes, in_syria.headline.strikes) == (10, 5)
    assert everything.count_of("no such kind") == 0
    assert run(two_days, load_diagnostics, Filters(), "unparsed_sentence").empty


def test_undoable_imports_newest_first():
    log = pd.DataFrame({"id": [1, 2, 3, 4], "origin": ["starter", "upload", "undo", "cli"],
                        "undone": [None, pd.Timestamp("2026-01-01"), None, None]})
    assert undoable_imports(log) == [4, 1]
    assert undoable_imports(log.iloc[0:0]) == []


# --- the cache in front of them -------------------------------------------------------------


def test_load_is_served_from_the_cache_until_the_data_change(monkeypatch, tmp_path):
    from dashboard import data
    from db.engine import default_engine, make_engine, session_factory

    url = f"sqlite:///{tmp_path / 'cached.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    default_engine.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        calls = []

        def counted(db, filters):
            calls.append(filters)
            return load_areas(db, filters)

        assert data.load(counted, Filters()).headline.strikes == 0
        assert data.load(counted, Filters()).headline.strikes == 0
        assert len(calls) == 1  # the second from the cache
        engine = make_engine(url)
        ingest_files(session_factory(engine), [("day1.txt", DAY_ONE.encode())])
        engine.dispose()
        st.session_state.pop("data_version", None)
        assert data.load(counted, Filters()).headline.strikes == 7  # a new data version: loaded again
        assert len(calls) == 2
    finally:
        default_engine.cache_clear()
        st.cache_resource.clear()
        st.cache_data.clear()


# --- each page's URL state ------------------------------------------------------------------


def test_the_shared_filters_have_one_mapping_to_the_url():
    filters = filters_from_params({"country": "Syria,Iraq", "place": "Mosul", "start": "2017-07-21",
                                   "end": "2017-07-20", "type": "vehicle"})
    assert filters == Filters(start=D20, end=D21, countries=("Iraq", "Syria"), places=("Mosul",), types=("vehicle",))
    assert FILTER_PARAMS == ("start", "end", "country", "province", "place", "category", "type", "action")


def test_timeline_view_round_trips_and_ignores_what_it_does_not_know():
    view = TimelineView(grain="month", split="province", measure="engagements", stacked=False, show="share",
                        bar=date(2017, 7, 1), milestones=False, strip=False)
    assert TimelineView.from_params(view.to_params()) == view
    assert TimelineView.from_params({"grain": "year", "split": "x", "measure": "bombs", "show": "pie",
                                     "bar": "not a day"}) == TimelineView()
    # a day inside a week names that week; a bar the chart does not show is not listed
    asked = TimelineView.from_params({"grain": "week", "bar": "2017-07-20"})
    assert asked.bar == date(2017, 7, 17)
    assert asked.shown_bar([date(2017, 7, 17)]) == date(2017, 7, 17) and asked.shown_bar([]) is None
    # categories overlap: never stacked, and the switch is not in the address
    assert "stacked" not in TimelineView(split="category").to_params()


def test_areas_view_round_trips():
    view = AreasView(drill=Area("place", "Deir ez-Zor"), trend=("Mosul", "Raqqa"), compare_a="province:Ninawa",
                     compare_b="place:Mosul")
    assert AreasView.from_params(view.to_params()) == view
    assert AreasView.from_params({}).trend is None  # none named: the page picks the largest places
    assert AreasView.from_params({"trend": ""}).trend == ()  # all removed by the reader: stays empty
    assert AreasView.from_params({"drill": "region:Mosul"}).drill is None  # an unknown kind is ignored
    assert Area.parse("place:Mosul: old city") == Area("place", "Mosul: old city")
    assert Area("province", "Ninawa").narrow(Filters(countries=("Iraq",))) == Filters(countries=("Iraq",),
                                                                                      provinces=("Ninawa",))


def test_releases_and_targets_views_round_trip():
    view = ReleasesView(search="Raqqa", release=12, report=40)
    assert ReleasesView.from_params(view.to_params()) == view
    assert ReleasesView.from_params({"release": "12abc", "report": ""}) == ReleasesView()
    assert ReleasesView().to_params() == {"q": None, "release": None, "report": None}
    assert TargetsView.from_params(TargetsView("vehicle").to_params()) == TargetsView("vehicle")


def test_a_charts_files_are_named_by_its_title_period_and_filters():
    from dashboard.frame import PageContext
    from dashboard.page_data.common import FrameData

    frame = FrameData({"bounds": (D20, D21)}, 2, None)
    chosen = Filters(start=date(2015, 1, 1), end=date(2015, 6, 30), countries=("Syria",))
    view = PageContext(chosen, frame.period_of(chosen), "source", frame, {})
    assert view.file_name("Strikes per week, by country") == \
        "strikes-per-week-by-country-2015-01-01-to-2015-06-30-syria"
    everything = PageContext(Filters(), frame.period_of(Filters()), "source", frame, {})
    assert everything.file_name("Top target types") == "top-target-types"
    since = PageContext(Filters(start=D21, places=("Mosul",)), (D21, D21), "source", frame, {})
    assert since.file_name("Strikes by place") == "strikes-by-place-2017-07-21-to-2017-07-21-mosul"


def test_two_areas_are_compared_among_each_area_once(two_days, factory):
    """Area B's list offered "Ar-Raqqah (province)" twice: the provinces in view were not taken
    out of the rest (an operator's precedence)."""
    with factory() as session:
        areas = load_areas(session, Filters(places=("Mosul",)))
        options = areas.compare_options(load_frame(session).options)
    assert len(options) == len(set(options))
    assert options[:2] == ["province:Nineveh", "place:Mosul"]  # in view first
    assert {"province:Ar-Raqqah", "place:Raqqa", "place:Abu Kamal"} <= set(options[2:])
