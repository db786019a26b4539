"""The queries behind the pages, on SQLite and PostgreSQL, against numbers counted by hand
from the sample releases in tests/sample_releases.py.

What the samples say (read off the texts, not from the code):

DAY_ONE, published 2017-07-21, strikes "yesterday" = 2017-07-20 (a Thursday):
  Syria, Raqqa (Ar-Raqqah):       4 strikes; engaged 3 tactical units, destroyed 2 fighting positions
  Syria, Abu Kamal (Deir ez-Zor): 1 strike;  destroyed 1 oil storage tank
  Iraq,  Mosul (Nineveh):         2 strikes; destroyed 1 vehicle bomb factory, 1 (ISIS-held) building
  stated: all 7 = Syria 5 + Iraq 2; the list adds up (4 + 1 + 2 = 7): no diagnostic.
DAY_TWO, published 2017-07-22, strikes on 2017-07-21 (a Friday):
  Iraq,  Mosul (Nineveh):         3 strikes; engaged 1 tactical unit, destroyed 2 vehicles
DAY_TWO_CORRECTED: DAY_TWO with 4 strikes near Mosul instead of 3.
No strike line states its own engagements ("consisting of N engagements" is only said per
country and overall): the count of record keeps each country's as not itemised (a row without a
place, strikes 0): DAY_ONE Syria 6 and Iraq 3, DAY_TWO Iraq 3, 12 in all.

DAY_THREE (written here), published 2017-08-01, strikes on 2017-07-31 (a Monday):
  Iraq,  Tal Afar (Nineveh):      3 strikes; destroyed fighting positions (no number: counts 1),
                                  destroyed 2 vehicles
  stated 4 strikes overall and in Iraq, the list adds up to 3: one totals_mismatch diagnostic,
  and the fourth strike (with the 4 engagements) counted as not itemised: a not_itemised one.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import plan_of
from sample_releases import AGGREGATE, DAY_ONE, DAY_TWO, DAY_TWO_CORRECTED
from sqlalchemy import func, select

from db import models, queries
from db.ingest import ingest_files
from db.queries import Filters
from db.versions import NEW, REVISION

DAY_THREE = """Strikes continue against ISIS

SOUTHWEST ASIA, August 1, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting 4 strikes consisting of 4 engagements, officials reported today.

Strikes in Iraq

In Iraq, coalition military forces conducted 4 strikes consisting of 4 engagements against ISIS targets:

-- Near Tal Afar, three strikes destroyed ISIS fighting positions and two ISIS vehicles.

Part of Operation Inherent Resolve
"""

D20, D21, D22 = date(2017, 7, 20), date(2017, 7, 21), date(2017, 7, 22)
D31, AUG1 = date(2017, 7, 31), date(2017, 8, 1)

UNITS = "units and personnel"
POSITIONS = "positions, routes and terrain"
OIL = "oil and revenue"
BUILDINGS = "buildings and facilities"
VEHICLES = "vehicles"


def _ingest(factory, *texts: tuple[str, str]):
    result = ingest_files(factory, [(name, text.encode()) for name, text in texts])
    return result


@pytest.fixture
def two_days(factory):
    """DAY_ONE and DAY_TWO loaded."""
    result = _ingest(factory, ("day1.txt", DAY_ONE), ("day2.txt", DAY_TWO))
    assert [f.outcome for f in result.files] == [NEW, NEW]
    return factory


@pytest.fixture
def three_days(two_days):
    """DAY_ONE, DAY_TWO and DAY_THREE loaded."""
    result = _ingest(two_days, ("day3.txt", DAY_THREE))
    assert [f.outcome for f in result.files] == [NEW]
    return two_days


@pytest.fixture
def corrected(two_days):
    """DAY_ONE and DAY_TWO, then DAY_TWO_CORRECTED as a revision of DAY_TWO."""
    result = _ingest(two_days, ("day2-corrected.txt", DAY_TWO_CORRECTED))
    assert [f.outcome for f in result.files] == [REVISION]
    return two_days


def q(factory, name, *args, **kwargs):
    with factory() as session:
        return getattr(queries, name)(session, *args, **kwargs)


def rows(frame, *columns) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in frame[list(columns)].itertuples(index=False, name=None)]


def _plain(value):
    """numpy scalars to Python, and a missing value (NaN) to None, so comparisons read plainly."""
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and value != value else value


def _release_ids(factory) -> dict[date, int]:
    with factory() as session:
        return {
            r.published: r.id
            for r in session.scalars(select(models.Release).where(models.Release.is_current.is_(True)))
        }


# --- headline -----------------------------------------------------------------------------


def test_headline_all(two_days):
    h = q(two_days, "headline", Filters())
    assert h.strikes == 10  # 7 (4 + 1 + 2) + 3
    assert h.engagements == 12  # stated per country, no line gives its own: 6 + 3 + 3
    assert h.unitemised == 0  # both lists add up to their stated strikes
    assert h.releases == 2
    assert h.places == 3  # Raqqa, Abu Kamal, Mosul (twice)
    assert h.reports == 4  # 3 lines + 1 line


NO_STRIKES = ("SOUTHWEST ASIA, July 24, 2017 — Coalition military forces conducted no strikes against ISIS "
              "targets yesterday, officials reported today.\n")


def test_the_whole_data_counts_the_releases_that_report_strikes(corrected):
    """The whole data's releases reporting strikes come from each release's count of its reports
    (release.report_count): DAY_ONE and DAY_TWO's correction, not DAY_TWO it replaced, nor a
    release reporting no strikes; the same as through the releases' days, in a view of every day,
    and after a reparse."""
    from db.maintenance import reparse_all

    _ingest(corrected, ("none.txt", NO_STRIKES))
    everything = Filters(start=date(2017, 7, 1), end=date(2017, 7, 31))
    assert q(corrected, "headline", Filters()).releases == q(corrected, "headline", everything).releases == 2
    assert q(corrected, "counted_releases") == 3  # the source line's releases: every counted one
    reparse_all(corrected)
    assert q(corrected, "headline", Filters()).releases == 2


def test_the_whole_datas_releases_reporting_are_counted_from_their_partial_index(two_days):
    """The count reads ix_release_reporting alone, never a release row (each holds its text):
    without the count among the index's columns, SQLite read every row the index named."""
    from conftest import plan_of

    engine = two_days.kw["bind"]
    plan = plan_of(engine, lambda: q(two_days, "headline", Filters()), naming="report_count")
    read = "COVERING INDEX" if engine.dialect.name == "sqlite" else "Index Only Scan using"
    assert f"{read} ix_release_reporting" in plan, plan


@pytest.mark.parametrize(
    ("filters", "strikes", "releases", "places", "reports"),
    [
        (Filters(countries=("Iraq",)), 5, 2, 1, 2),  # Mosul 2 (day one) + Mosul 3 (day two)
        (Filters(countries=("Syria",)), 5, 1, 2, 2),  # Raqqa 4 + Abu Kamal 1
        (Filters(countries=("Iraq", "Syria")), 10, 2, 3, 4),
        (Filters(places=("Raqqa",)), 4, 1, 1, 1),
        (Filters(places=("Mosul", "Abu Kamal")), 6, 2, 2, 3),  # 2 + 3 + 1
        (Filters(provinces=("Nineveh",)), 5, 2, 1, 2),  # Mosul is in Nineveh: 2 + 3
        (Filters(provinces=("Ar-Raqqah", "Deir ez-Zor")), 5, 1, 2, 2),  # 4 + 1
        (Filters(start=D21, end=D21), 3, 1, 1, 1),  # only day two's strikes fell on the 21st
        (Filters(start=D20, end=D20), 7, 1, 3, 3),
        (Filters(end=D20), 7, 1, 3, 3),
        (Filters(start=D22), 0, 0, 0, 0),  # no strike on the 22nd (that is a release day)
        (Filters(start=D20, end=D20, countries=("Iraq",)), 2, 1, 1, 1),
        (Filters(countries=("Jordan",)), 0, 0, 0, 0),
    ],
)
def test_headline_strike_filters(two_days, filters, strikes, releases, places, reports):
    h = q(two_days, "headline", filters)
    assert (h.strikes, h.releases, h.places, h.reports) == (strikes, releases, places, reports)


@pytest.mark.parametrize(
    ("filters", "strikes"),
    [
        (Filters(categories=(VEHICLES,)), 3),  # only day two's Mosul line hit vehicles
        (Filters(categories=(UNITS,)), 7),  # Raqqa 4 (tactical units) + Mosul day two 3
        (Filters(categories=(OIL,)), 1),  # Abu Kamal
        (Filters(categories=(BUILDINGS,)), 2),  # Mosul day one: factory + building, counted once
        (Filters(categories=(OIL, BUILDINGS)), 3),  # 1 + 2
        (Filters(types=("building",)), 2),
        (Filters(types=("tactical unit",)), 7),  # 4 + 3
        (Filters(actions=("engaged",)), 7),  # Raqqa 4 + Mosul day two 3
        (Filters(actions=("destroyed",)), 10),  # every line destroyed something
        (Filters(categories=(UNITS,), actions=("destroyed",)), 0),  # tactical units were only engaged
        (Filters(categories=(VEHICLES,), countries=("Syria",)), 0),
        (Filters(types=("tactical unit",), countries=("Syria",)), 4),
    ],
)
def test_headline_target_filters_narrow_the_reports(two_days, filters, strikes):
    assert q(two_days, "headline", filters).strikes == strikes


def test_only_the_current_version_counts(corrected):
    h = q(corrected, "headline", Filters())
    assert (h.strikes, h.releases, h.reports) == (11, 2, 4)  # 7 + 4 (corrected), not 7 + 3 + 4
    assert q(corrected, "headline", Filters(countries=("Iraq",))).strikes == 6  # 2 + 4
    by_day = q(corrected, "strikes_over_time", Filters(), grain="day", split="none")
    assert rows(by_day, "period", "strikes") == [(D20, 7), (D21, 4)]
    listed = q(corrected, "releases_list", Filters())
    assert rows(listed, "published", "strikes", "reports") == [(D22, 4, 1), (D21, 7, 3)]
    reports = q(corrected, "strike_reports", Filters(start=D21))
    # the corrected line, and the 4 engagements Iraq states that no line places
    assert rows(reports, "strikes", "engagements", "itemised") == [(4, None, True), (0, 4, False)]
    assert "four strikes engaged" in reports.iloc[0]["sentence"]
    types = {t: (n, m) for t, n, m in rows(q(corrected, "targets_by_type", Filters()), "type", "targets", "mentions")}
    assert types["tactical unit"] == (4, 2)  # 3 + 1, once: the old version's targets are not counted
    assert types["vehicle"] == (2, 1)


# --- over time ----------------------------------------------------------------------------


def test_strikes_over_time_by_day_and_country(two_days):
    frame = q(two_days, "strikes_over_time", Filters(), grain="day", split="country")
    assert list(frame.columns) == ["period", "group", "strikes", "engagements", "reports", "unitemised"]
    got = sorted(rows(frame, "period", "group", "strikes", "engagements", "reports", "unitemised"))
    assert got == [
        (D20, "Iraq", 2, 3, 1, 0),  # Mosul; Iraq's 3 engagements
        (D20, "Syria", 5, 6, 2, 0),  # Raqqa 4 + Abu Kamal 1; Syria's 6 engagements
        (D21, "Iraq", 3, 3, 1, 0),  # Mosul
    ]
    assert list(frame["period"]) == sorted(frame["period"])  # ordered by period


def test_strikes_over_time_week_and_month(two_days):
    # 20 and 21 July 2017 are a Thursday and a Friday: both in the week of Monday 17 July
    week = q(two_days, "strikes_over_time", Filters(), grain="week", split="none")
    assert rows(week, "period", "group", "strikes", "reports") == [(date(2017, 7, 17), "all", 10, 4)]
    month = q(two_days, "strikes_over_time", Filters(), grain="month", split="none")
    assert rows(month, "period", "group", "strikes", "reports") == [(date(2017, 7, 1), "all", 10, 4)]
    month_country = q(two_days, "strikes_over_time", Filters(), grain="month", split="country")
    assert sorted(rows(month_country, "period", "group", "strikes")) == [
        (date(2017, 7, 1), "Iraq", 5),  # 2 + 3
        (date(2017, 7, 1), "Syria", 5),  # 4 + 1
    ]


def test_week_starts_on_monday(three_days):
    # Monday 31 July opens its own week; the month is still July
    # day three states 4 strikes and lists 3: the fourth is counted, as not itemised
    week = q(three_days, "strikes_over_time", Filters(), grain="week", split="none")
    assert rows(week, "period", "strikes", "unitemised") == [(date(2017, 7, 17), 10, 0), (D31, 4, 1)]
    month = q(three_days, "strikes_over_time", Filters(), grain="month", split="none")
    assert rows(month, "period", "strikes", "unitemised") == [(date(2017, 7, 1), 14, 1)]  # 10 + 4
    day = q(three_days, "strikes_over_time", Filters(), grain="day", split="none")
    assert rows(day, "period", "strikes") == [(D20, 7), (D21, 3), (D31, 4)]


def test_strikes_over_time_by_province_and_place(two_days):
    provinces = q(two_days, "strikes_over_time", Filters(), grain="month", split="province")
    # the engagements each country states and no line places are a group of their own: 6 + 3 + 3
    # (no line states engagements of its own: not reported, by province or place)
    assert sorted(rows(provinces, "group", "strikes", "engagements")) == [
        ("Ar-Raqqah", 4, None), ("Deir ez-Zor", 1, None), ("Nineveh", 5, None), ("not itemised", 0, 12)]
    places = q(two_days, "strikes_over_time", Filters(countries=("Syria",)), grain="day", split="place")
    assert sorted(rows(places, "period", "group", "strikes", "engagements")) == [
        (D20, "Abu Kamal", 1, None), (D20, "Raqqa", 4, None), (D20, "not itemised", 0, 6)]


def test_strikes_over_time_by_place_keeps_what_no_line_places_apart(three_days):
    places = q(three_days, "strikes_over_time", Filters(start=D31), grain="day", split="place")
    # day three: Tal Afar 3 of the 4 stated strikes; the fourth, and the 4 engagements, not itemised
    assert rows(places, "period", "group", "strikes", "engagements") == [
        (D31, "Tal Afar", 3, None), (D31, "not itemised", 1, 4)]
    ranking = q(three_days, "ranking", Filters(start=D31), by="place")
    assert rows(ranking, "name", "strikes") == [("Tal Afar", 3)]
    assert q(three_days, "headline", Filters(start=D31)).unitemised == 1


def test_strikes_over_time_by_category_counts_a_report_once_per_category(two_days):
    frame = q(two_days, "strikes_over_time", Filters(), grain="day", split="category")
    assert sorted(rows(frame, "period", "group", "strikes")) == sorted([
        (D20, UNITS, 4),  # Raqqa: tactical units ...
        (D20, POSITIONS, 4),  # ... and fighting positions: the 4 strikes count in both
        (D20, OIL, 1),  # Abu Kamal
        (D20, BUILDINGS, 2),  # Mosul: factory and building, one category, counted once
        (D20, "not itemised", 0),  # the countries' engagements, no line's
        (D21, UNITS, 3),  # Mosul day two: a tactical unit ...
        (D21, VEHICLES, 3),  # ... and vehicles
        (D21, "not itemised", 0),
    ])
    narrowed = q(two_days, "strikes_over_time", Filters(categories=(VEHICLES,)), grain="day", split="category")
    assert rows(narrowed, "period", "group", "strikes") == [(D21, VEHICLES, 3)]


def test_strikes_over_time_narrowed_and_empty(two_days):
    iraq = q(two_days, "strikes_over_time", Filters(countries=("Iraq",)), grain="day", split="none")
    assert rows(iraq, "period", "strikes") == [(D20, 2), (D21, 3)]
    engaged = q(two_days, "strikes_over_time", Filters(actions=("engaged",)), grain="day", split="country")
    assert sorted(rows(engaged, "period", "group", "strikes")) == [(D20, "Syria", 4), (D21, "Iraq", 3)]
    nothing = q(two_days, "strikes_over_time", Filters(countries=("Jordan",)), grain="week", split="country")
    assert nothing.empty
    with pytest.raises(ValueError):
        q(two_days, "strikes_over_time", Filters(), grain="year")


def test_release_days(two_days):
    assert rows(q(two_days, "release_days", Filters()), "day", "releases") == [(D21, 1), (D22, 1)]
    # the end date lets in the release published the day after (it reports that day's strikes)
    assert rows(q(two_days, "release_days", Filters(start=D21, end=D21)), "day", "releases") == [(D21, 1), (D22, 1)]
    assert rows(q(two_days, "release_days", Filters(start=D22)), "day", "releases") == [(D22, 1)]


# --- areas --------------------------------------------------------------------------------


def test_places_summary(two_days):
    frame = q(two_days, "places_summary", Filters())
    assert list(frame.columns) == ["place", "country", "province", "lat", "lon", "precision", "strikes", "reports"]
    assert rows(frame, "place", "country", "province", "strikes", "reports") == [
        ("Mosul", "Iraq", "Nineveh", 5, 2),  # 2 + 3
        ("Raqqa", "Syria", "Ar-Raqqah", 4, 1),
        ("Abu Kamal", "Syria", "Deir ez-Zor", 1, 1),
    ]
    assert frame["lat"].notna().all() and frame["lon"].notna().all()
    # Mosul ~36.3N 43.1E, Raqqa ~35.9N 39.0E, Abu Kamal ~34.5N 40.9E: all between 30-38N, 38-45E
    assert frame["lat"].between(30, 38).all() and frame["lon"].between(38, 45).all()
    syria = q(two_days, "places_summary", Filters(countries=("Syria",), start=D20, end=D20))
    assert rows(syria, "place", "strikes") == [("Raqqa", 4), ("Abu Kamal", 1)]
    oil = q(two_days, "places_summary", Filters(categories=(OIL,)))
    assert rows(oil, "place", "strikes") == [("Abu Kamal", 1)]


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("province", [("Nineveh", 5, 2), ("Ar-Raqqah", 4, 1), ("Deir ez-Zor", 1, 1)]),  # 2 + 3; 4; 1
        ("place", [("Mosul", 5, 2), ("Raqqa", 4, 1), ("Abu Kamal", 1, 1)]),
        ("country", [("Iraq", 5, 2), ("Syria", 5, 2)]),  # a tie (2 + 3 = 4 + 1): by name
    ],
)
def test_ranking(two_days, by, expected):
    frame = q(two_days, "ranking", Filters(), by=by)
    assert rows(frame, "name", "strikes", "reports") == expected


def test_ranking_limit_and_filters(two_days):
    assert rows(q(two_days, "ranking", Filters(), by="place", limit=2), "name", "strikes") == [("Mosul", 5), ("Raqqa", 4)]
    day_two = q(two_days, "ranking", Filters(start=D21), by="province")
    assert rows(day_two, "name", "strikes") == [("Nineveh", 3)]


# --- targets ------------------------------------------------------------------------------


def test_targets_by_type(two_days):
    frame = q(two_days, "targets_by_type", Filters())
    assert list(frame.columns) == ["category", "type", "targets", "mentions"]
    assert sorted(rows(frame, "category", "type", "targets", "mentions")) == sorted([
        (UNITS, "tactical unit", 4, 2),  # 3 (Raqqa) + 1 (Mosul day two)
        (POSITIONS, "fighting position", 2, 1),
        (VEHICLES, "vehicle", 2, 1),
        (OIL, "oil storage tank", 1, 1),
        (BUILDINGS, "vehicle bomb factory", 1, 1),
        (BUILDINGS, "building", 1, 1),  # "an ISIS-held building"
    ])
    assert frame["targets"].sum() == 11  # 4 + 2 + 2 + 1 + 1 + 1
    assert frame.iloc[0]["type"] == "tactical unit"  # the most hit comes first
    assert list(frame["targets"]) == sorted(frame["targets"], reverse=True)


def test_targets_plural_without_a_number_counts_one(three_days):
    frame = q(three_days, "targets_by_type", Filters())
    got = {t: (n, m) for t, n, m in rows(frame, "type", "targets", "mentions")}
    assert got["fighting position"] == (3, 2)  # 2 (Raqqa) + "fighting positions" near Tal Afar counted as 1
    assert got["vehicle"] == (4, 2)  # 2 (Mosul day two) + 2 (Tal Afar)
    tal_afar = q(three_days, "targets_by_type", Filters(places=("Tal Afar",)))
    assert sorted(rows(tal_afar, "type", "targets", "mentions")) == [("fighting position", 1, 1), ("vehicle", 2, 1)]


def test_targets_by_type_with_target_filters_keeps_only_matching_targets(two_days):
    vehicles = q(two_days, "targets_by_type", Filters(categories=(VEHICLES,)))
    # the Mosul day-two line also engaged a tactical unit: not a vehicle, so not listed
    assert rows(vehicles, "category", "type", "targets") == [(VEHICLES, "vehicle", 2)]
    buildings = q(two_days, "targets_by_type", Filters(categories=(BUILDINGS,)))
    assert sorted(rows(buildings, "type", "targets")) == [("building", 1), ("vehicle bomb factory", 1)]
    engaged = q(two_days, "targets_by_type", Filters(actions=("engaged",)))
    assert rows(engaged, "type", "targets", "mentions") == [("tactical unit", 4, 2)]  # 3 + 1
    syria = q(two_days, "targets_by_type", Filters(countries=("Syria",)))
    assert sorted(rows(syria, "type", "targets")) == [("fighting position", 2), ("oil storage tank", 1), ("tactical unit", 3)]


def test_targets_by_action(two_days):
    frame = q(two_days, "targets_by_action", Filters())
    assert rows(frame, "category", "action", "targets") == [  # ordered by category, action
        (BUILDINGS, "destroyed", 2),  # factory + building
        (OIL, "destroyed", 1),
        (POSITIONS, "destroyed", 2),
        (UNITS, "engaged", 4),  # 3 + 1
        (VEHICLES, "destroyed", 2),
    ]


def test_target_type_over_time(two_days):
    frame = q(two_days, "target_type_over_time", Filters(), "tactical unit", grain="day")
    assert rows(frame, "period", "action", "targets") == [(D20, "engaged", 3), (D21, "engaged", 1)]
    month = q(two_days, "target_type_over_time", Filters(), "tactical unit", grain="month")
    assert rows(month, "period", "action", "targets") == [(date(2017, 7, 1), "engaged", 4)]


def test_no_unclassified_targets_or_unresolved_places(two_days):
    assert q(two_days, "unclassified_targets", Filters()).empty  # every phrase is in the taxonomy
    assert q(two_days, "unresolved_places", Filters()).empty  # Raqqa, Abu Kamal, Mosul are known


# --- drill-down and releases ---------------------------------------------------------------


def test_strike_reports_return_the_sentences(two_days):
    frame = q(two_days, "strike_reports", Filters())
    assert list(frame.columns) == [
        "report_id", "release_id", "published", "date", "country", "place", "location_raw",
        "strikes", "engagements", "sentence", "source", "title", "itemised", "release_differs",
    ]
    # the lines, and after each release's lines the engagements each country states
    assert rows(frame, "date", "country", "place", "strikes", "itemised") == [
        (D20, "Syria", "Raqqa", 4, True),
        (D20, "Syria", "Abu Kamal", 1, True),
        (D20, "Iraq", "Mosul", 2, True),
        (D20, "Syria", None, 0, False),
        (D20, "Iraq", None, 0, False),
        (D21, "Iraq", "Mosul", 3, True),
        (D21, "Iraq", None, 0, False),
    ]
    assert frame.iloc[3]["sentence"].startswith("In Syria, coalition military forces conducted 5 strikes consisting of 6")
    frame = frame[frame["itemised"]]
    sentences = list(frame["sentence"])
    assert sentences[0].startswith("Near Raqqa, four strikes engaged three ISIS tactical units and destroyed two fighting positions")
    assert sentences[1].startswith("Near Abu Kamal, a strike destroyed an ISIS oil storage tank")
    assert sentences[2].startswith("Near Mosul, two strikes destroyed a vehicle bomb factory and an ISIS-held building")
    assert sentences[3].startswith("Near Mosul, three strikes engaged an ISIS tactical unit and destroyed two ISIS vehicles")
    ids = _release_ids(two_days)
    assert list(frame["release_id"]) == [ids[D21]] * 3 + [ids[D22]]
    assert list(frame["source"]) == ["day1.txt"] * 3 + ["day2.txt"]


def test_strike_reports_filtered_and_limited(two_days):
    iraq = q(two_days, "strike_reports", Filters(countries=("Iraq",)))
    assert rows(iraq, "date", "strikes", "engagements") == [(D20, 2, None), (D20, 0, 3), (D21, 3, None), (D21, 0, 3)]
    vehicles = q(two_days, "strike_reports", Filters(categories=(VEHICLES,)))
    assert rows(vehicles, "date", "place", "strikes") == [(D21, "Mosul", 3)]
    assert len(q(two_days, "strike_reports", Filters(), limit=2)) == 2
    assert q(two_days, "strike_reports", Filters(places=("Kobani",))).empty


def test_undated_reports_are_listed_with_the_day_they_are_counted_on(two_days):
    assert q(two_days, "undated_reports", Filters()).empty  # every line of the two days names its day
    _ingest(two_days, ("aggregate.txt", AGGREGATE))
    undated = q(two_days, "undated_reports", Filters())
    assert rows(undated, "published", "source", "counted_on", "reports", "strikes") == [
        (date(2019, 1, 15), "aggregate.txt", date(2019, 1, 14), 1, 575),  # the day before publication
    ]
    assert q(two_days, "undated_reports", Filters(countries=("Iraq",))).empty
    assert q(two_days, "undated_reports", Filters(end=date(2019, 1, 13))).empty


def test_undated_totals_count_what_rests_on_an_assumed_day(two_days):
    assert q(two_days, "undated_totals", Filters()) == {"strikes": 0, "engagements": 0}
    _ingest(two_days, ("aggregate.txt", AGGREGATE))
    assert q(two_days, "undated_totals", Filters()) == {"strikes": 575, "engagements": 0}
    assert q(two_days, "undated_totals", Filters().in_period(date(2019, 1, 14), "day"))["strikes"] == 575
    assert q(two_days, "undated_totals", Filters().in_period(date(2019, 1, 7), "week"))["strikes"] == 0
    assert q(two_days, "undated_totals", Filters(countries=("Iraq",)))["strikes"] == 0


def test_a_period_s_filters_stay_within_the_view_s_dates():
    assert Filters().in_period(date(2016, 2, 1), "month") == Filters(date(2016, 2, 1), date(2016, 2, 29))
    assert Filters().in_period(date(2019, 1, 14), "week") == Filters(date(2019, 1, 14), date(2019, 1, 20))
    assert Filters().in_period(date(2019, 1, 14), "day") == Filters(date(2019, 1, 14), date(2019, 1, 14))
    # any day of the period names it: a click on a bar's middle is a Thursday or the 15th
    assert Filters().in_period(date(2015, 4, 23), "week") == Filters(date(2015, 4, 20), date(2015, 4, 26))
    assert Filters().in_period(date(2016, 2, 15), "month") == Filters(date(2016, 2, 1), date(2016, 2, 29))
    view = Filters(date(2016, 2, 10), date(2016, 2, 20), countries=("Iraq",))
    assert view.in_period(date(2016, 2, 1), "month") == Filters(date(2016, 2, 10), date(2016, 2, 20), countries=("Iraq",))


def test_releases_list(two_days):
    frame = q(two_days, "releases_list", Filters())
    assert list(frame.columns) == ["id", "published", "title", "source", "format", "strikes", "reports", "diagnostics"]
    assert rows(frame, "published", "source", "strikes", "reports", "diagnostics") == [
        (D22, "day2.txt", 3, 1, 0),  # newest first
        (D21, "day1.txt", 7, 3, 0),  # 4 + 1 + 2 over three lines
    ]


@pytest.mark.parametrize(
    ("search", "published"),
    [
        ("", [D22, D21]),
        ("Abu Kamal", [D21]),  # only day one mentions Abu Kamal
        ("RAQQA", [D21]),  # case does not matter
        ("mosul", [D22, D21]),
        ("two ISIS vehicles", [D22]),
        ("day2", [D22]),  # the source file name is searched too
        ("Kobani", []),
    ],
)
def test_releases_list_search(two_days, search, published):
    assert list(q(two_days, "releases_list", Filters(), search=search)["published"]) == published


def test_releases_list_search_finds_places_of_releases_without_text(two_days):
    # the starter data keep a release's facts, not its text: its places are still searched
    from sqlalchemy import update

    with two_days() as session:
        session.execute(update(models.Release).values(raw_text=None))
        session.commit()
    assert list(q(two_days, "releases_list", Filters(), search="two ISIS vehicles")["published"]) == []
    assert list(q(two_days, "releases_list", Filters(), search="raqqa")["published"]) == [D21]
    assert list(q(two_days, "releases_list", Filters(), search="Mosul")["published"]) == [D22, D21]
    assert list(q(two_days, "releases_list", Filters(), search="Kobani")["published"]) == []


def test_releases_list_by_period(two_days):
    # a release reports the day before its publication: the end date lets in the next day's
    assert list(q(two_days, "releases_list", Filters(end=D20))["published"]) == [D21]
    assert list(q(two_days, "releases_list", Filters(start=D22))["published"]) == [D22]
    assert list(q(two_days, "releases_list", Filters(start=D20, end=D21))["published"]) == [D22, D21]


def test_release_detail(two_days):
    ids = _release_ids(two_days)
    detail = q(two_days, "release_detail", ids[D21])
    assert detail.release.published == D21
    assert detail.release.raw_text == DAY_ONE
    assert [(r.location_raw, r.strikes, r.place) for r in detail.reports if r.itemised] == [
        ("Raqqa", 4, "Raqqa"), ("Abu Kamal", 1, "Abu Kamal"), ("Mosul", 2, "Mosul"),
    ]
    assert [(r.country, r.strikes, r.engagements, r.place) for r in detail.reports if not r.itemised] == [
        ("Syria", 0, 6, None), ("Iraq", 0, 3, None),
    ]
    targets = [(t.action, t.count, t.type) for t in detail.reports[0].targets]
    assert targets == [("engaged", 3, "tactical unit"), ("destroyed", 2, "fighting position")]
    assert detail.diagnostics == ()
    assert [v.id for v in detail.versions] == [ids[D21]]
    assert q(two_days, "release_detail", 10**9) is None


def test_the_source_lines_releases_are_coverages_releases_of_the_whole_data(corrected):
    """Every chart's source line names the releases counted (the frame's counted_releases), the
    Overview's coverage of the whole data the same figure: a revised release counts once."""
    from dashboard.page_data.common import load_frame

    with corrected() as session:
        frame = load_frame(session)
        total = session.scalar(select(func.count()).select_from(models.Release))
    assert total == 3
    assert frame.releases == q(corrected, "coverage", Filters()).releases == 2


def test_release_detail_lists_every_version(corrected):
    with corrected() as session:
        versions = session.scalars(
            select(models.Release).where(models.Release.published == D22).order_by(models.Release.id)
        ).all()
    assert [v.is_current for v in versions] == [False, True]
    old, new = versions
    detail = q(corrected, "release_detail", new.id)
    assert [r.strikes for r in detail.reports if r.itemised] == [4]
    assert [v.id for v in detail.versions] == [old.id, new.id]
    assert [v.id for v in q(corrected, "release_detail", old.id).versions] == [old.id, new.id]
    assert [r.strikes for r in q(corrected, "release_detail", old.id).reports if r.itemised] == [3]


# --- data quality --------------------------------------------------------------------------


def test_diagnostics_by_kind(two_days, factory):
    assert q(two_days, "diagnostics_by_kind", Filters()).empty  # both lists add up
    _ingest(factory, ("day3.txt", DAY_THREE))
    frame = q(factory, "diagnostics_by_kind", Filters())
    # stated 4, listed 3: the mismatch, and the fourth strike counted as not itemised
    assert sorted(rows(frame, "kind", "diagnostics", "releases")) == [("not_itemised", 1, 1), ("totals_mismatch", 1, 1)]
    assert q(factory, "diagnostics_by_kind", Filters(end=D21)).empty  # day three was published on 1 August
    listed = q(factory, "diagnostics_list", Filters(), kind="totals_mismatch")
    assert rows(listed, "published", "kind") == [(AUG1, "totals_mismatch")]
    assert "stated 4" in listed.iloc[0]["message"] and "parsed 3" in listed.iloc[0]["message"]
    monthly = q(factory, "diagnostics_over_time", Filters())
    assert sorted(rows(monthly, "month", "kind", "diagnostics")) == [
        (date(2017, 8, 1), "not_itemised", 1), (date(2017, 8, 1), "totals_mismatch", 1)]


def test_totals_check(two_days, factory):
    assert q(two_days, "totals_check", Filters()).empty  # 7 = 4 + 1 + 2 and 3 = 3
    _ingest(factory, ("day3.txt", DAY_THREE))
    frame = q(factory, "totals_check", Filters())
    assert list(frame.columns) == ["release_id", "published", "source", "title", "stated", "itemised", "not_itemised",
                                   "counted", "reason", "detail"]
    # day three states 4 strikes (overall and in Iraq), its one line 3: the fourth is counted,
    # not itemised; the copy reaches its closing text, so the release itself does not add up
    assert rows(frame, "published", "source", "stated", "itemised", "not_itemised", "counted", "reason") == [
        (AUG1, "day3.txt", 4, 3, 1, 4, "as published"),
    ]
    assert frame.iloc[0]["detail"] == ("Iraq, 2017-07-31: states 4 strikes, its lines account for 3; "
                                       "1 counted as not itemised (as published)")
    assert q(factory, "totals_check", Filters(end=D21)).empty


def test_the_per_release_queries_apply_the_dates_alone(three_days):
    # what the Data quality page says of them: the country, place and target filters do not apply
    narrowed = Filters(start=D20, end=AUG1, countries=("Syria",), places=("Raqqa",), categories=(VEHICLES,))
    assert narrowed.dates_only() == Filters(start=D20, end=AUG1)
    for query in ("diagnostics_by_kind", "diagnostics_over_time", "diagnostics_list", "totals_check"):
        assert not q(three_days, query, narrowed).empty, query  # day three's mismatch is in Iraq
        assert q(three_days, query, narrowed).equals(q(three_days, query, narrowed.dates_only())), query


def test_coverage(two_days):
    c = q(two_days, "coverage", Filters())
    assert (c.first_day, c.last_day) == (D20, D21)
    assert (c.releases, c.days_with_release) == (2, 2)  # published on the 21st and 22nd
    assert c.days_in_period == 2  # 20 to 21 July
    assert c.days_without_release == 0
    window = q(two_days, "coverage", Filters(start=date(2017, 7, 15), end=date(2017, 7, 24)))
    assert (window.first_day, window.last_day) == (D20, D21)
    assert (window.releases, window.days_with_release, window.days_in_period) == (2, 2, 10)  # 15..24 July
    assert window.days_without_release == 8  # 10 - 2
    syria = q(two_days, "coverage", Filters(countries=("Syria",)))
    assert (syria.first_day, syria.last_day, syria.days_in_period) == (D20, D20, 1)


def test_coverage_with_a_gap(three_days):
    c = q(three_days, "coverage", Filters())
    assert (c.first_day, c.last_day) == (D20, D31)
    assert (c.releases, c.days_with_release, c.days_in_period) == (3, 3, 12)  # 20..31 July
    assert c.days_without_release == 9  # 12 - 3


def test_coverage_empty_database(factory):
    c = q(factory, "coverage", Filters())
    assert (c.first_day, c.last_day, c.releases, c.days_with_release, c.days_in_period) == (None, None, 0, 0, 0)
    h = q(factory, "headline", Filters())
    assert (h.strikes, h.engagements, h.releases, h.places, h.reports) == (0, None, 0, 0, 0)
    assert q(factory, "strikes_over_time", Filters(), grain="week", split="country").empty
    assert q(factory, "filter_options")["countries"] == []


def test_previous_period():
    assert Filters().previous_period() is None
    assert Filters(start=D21).previous_period() is None
    one_day = Filters(start=D21, end=D21, countries=("Iraq",)).previous_period()
    assert one_day == Filters(start=D20, end=D20, countries=("Iraq",))
    week = Filters(start=date(2017, 7, 24), end=date(2017, 7, 30), types=("vehicle",)).previous_period()
    assert week == Filters(start=date(2017, 7, 17), end=date(2017, 7, 23), types=("vehicle",))


def test_previous_period_headline(two_days):
    now = Filters(start=D21, end=D21)
    before = now.previous_period()
    assert q(two_days, "headline", now).strikes == 3  # Mosul on the 21st
    assert q(two_days, "headline", before).strikes == 7  # the 20th: 4 + 1 + 2
    iraq = Filters(start=D21, end=D21, countries=("Iraq",))
    assert q(two_days, "headline", iraq.previous_period()).strikes == 2  # Mosul on the 20th
    assert q(two_days, "headline", Filters(start=D20, end=D20).previous_period()).strikes == 0


def test_filter_options(two_days):
    options = q(two_days, "filter_options")
    assert options["countries"] == ["Iraq", "Syria"]
    assert options["provinces"] == ["Ar-Raqqah", "Deir ez-Zor", "Nineveh"]
    assert options["places"] == ["Abu Kamal", "Mosul", "Raqqa"]
    assert options["categories"] == sorted([BUILDINGS, OIL, POSITIONS, UNITS, VEHICLES])
    assert options["types"] == sorted(
        ["building", "fighting position", "oil storage tank", "tactical unit", "vehicle", "vehicle bomb factory"]
    )
    assert options["actions"] == ["destroyed", "engaged"]
    assert options["bounds"] == [D20, D21]


def test_filter_options_follow_the_current_version(corrected, factory):
    _ingest(factory, ("day3.txt", DAY_THREE))
    options = q(factory, "filter_options")
    assert options["places"] == ["Abu Kamal", "Mosul", "Raqqa", "Tal Afar"]
    assert options["bounds"] == [D20, D31]


def test_describe():
    assert Filters().describe() == "all countries, places and targets"
    assert Filters(countries=("Iraq", "Syria"), types=("vehicle",)).describe() == "country: Iraq, Syria; type: vehicle"


def test_data_version_changes_with_an_import(factory):
    before = q(factory, "data_version")
    _ingest(factory, ("day1.txt", DAY_ONE))
    after = q(factory, "data_version")
    assert after != before
    _ingest(factory, ("day1-again.txt", DAY_ONE))  # a duplicate changes nothing
    assert q(factory, "headline", Filters()).strikes == 7


@pytest.mark.parametrize("query", ["undated_reports", "undated_totals"])
def test_strikes_without_a_stated_day_are_found_through_their_partial_index(two_days, query):
    """The condition must read as ix_strike_report_undated's own, or each database reads every
    strike report for the few without a day (written "IS false", neither planner used it)."""
    plan = plan_of(two_days.kw["bind"], lambda: q(two_days, query, Filters()), naming="date_stated")
    assert "ix_strike_report_undated" in plan, plan


@pytest.mark.parametrize("query", ["strikes_on_flagged_releases", "totals_check"])
def test_the_reports_no_line_places_are_found_through_their_partial_index(two_days, query):
    """The releases Data quality flags include those with strikes no line places: found by
    reading every strike report (0.11 s at 100x, on the Overview, the Timeline and Data
    quality) until ix_strike_report_unitemised; the condition must read as its own."""
    kwargs = {"grain": "month", "split": "country"} if query == "strikes_on_flagged_releases" else {}
    plan = plan_of(two_days.kw["bind"], lambda: q(two_days, query, Filters(), **kwargs), naming="itemised")
    assert "ix_strike_report_unitemised" in plan, plan
    # and the releases whose stated total differs from their lines, from their own partial index
    # (0.12 s at 100x on SQLite when it took the audit's index of every release stating a total)
    assert "ix_release_totals_differ" in plan, plan


@pytest.mark.parametrize("filters", [Filters(start=D20, end=D21, countries=("Syria",)),
                                     Filters(start=D20, end=D21, types=("vehicle",))], ids=["summaries", "details"])
def test_a_dated_view_reads_the_days_of_its_dates_only(two_days, filters):
    """A span of days counts where the dates hold it whole, a condition on its last day; with
    no bound on the first day, each database read the index of days from the view's start to
    the end of the data (a month of 2017 at 100x: 130-180 ms for each headline, 10 ms with the
    bound). The day index must be bounded on both sides."""
    engine = two_days.kw["bind"]
    # the headline's sums: over the summary of strike days, or over the reports themselves
    column, naming = ("day", "sum(strike_day.strikes)") if not filters.types else \
        ("strike_date", "sum(strike_report.strikes)")
    plan = plan_of(engine, lambda: q(two_days, "headline", filters), naming=naming)
    if engine.dialect.name == "sqlite":
        assert f"({column}>? AND {column}<?)" in plan, plan
    elif not filters.types:  # on a test's few targets PostgreSQL starts from them, the bound a filter
        assert f"Index Cond: (({column} >= " in plan and f"AND ({column} <= " in plan, plan
    else:
        assert f"({column} >= " in plan and f"({column} <= " in plan, plan


def test_repeated_lists_start_from_the_versions_not_counted(two_days):
    """Data quality's repeated lists: SQLite served the old ORDER BY by walking every counted
    release in date order, each row read whole (0.11 s at 100x); the few versions not counted
    are found through ix_release_not_counted instead, and the rows sorted after."""
    engine = two_days.kw["bind"]
    plan = plan_of(engine, lambda: q(two_days, "repeated_lists", Filters()), naming="list_key")
    # SQLite's plan lists the outer loop first: it must be the versions not counted
    driver = "SCAN release USING INDEX ix_release_not_counted" if engine.dialect.name == "sqlite" else ""
    assert "ix_release_not_counted" in plan and plan.startswith(driver), plan


def test_unresolved_places_are_looked_up_not_searched_for(two_days):
    """Data quality's unresolved places: PostgreSQL tested every strike report against the
    subquery of places without coordinates (96 ms at 100x); "no place, or one of these few" is
    a condition an index can serve. Which index serves it depends on the rows (on a test's few,
    PostgreSQL may start from the releases): what must not be is a test run for each report."""
    engine = two_days.kw["bind"]
    plan = plan_of(engine, lambda: q(two_days, "unresolved_places", Filters()), naming="location_raw")
    scan = "SCAN strike_report" if engine.dialect.name == "sqlite" else "Seq Scan on strike_report"
    assert "SubPlan" not in plan and scan not in plan, plan


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite reads the day from the row by id
def test_diagnostics_by_month_read_each_release_day_from_an_index(two_days):
    """Data quality's diagnostics by month join each diagnostic to its release's day: PostgreSQL
    read the whole release table for the day (62 ms at 100x). The index of release ids carries
    the day (revision 0021): the join reads that index alone, never a release row."""
    engine = two_days.kw["bind"]
    plan = plan_of(engine, lambda: q(two_days, "diagnostics_over_time", Filters()), naming="diagnostic.kind")
    assert "Index Only Scan using ix_release_id_current on release" in plan, plan


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a row holding its text is SQLite's
@pytest.mark.parametrize("filters", [Filters(), Filters(start=D20, end=D22)], ids=["everything", "dates"])
def test_coverage_counts_releases_without_reading_their_text(two_days, filters):
    """A SQLite release row holds its whole text: coverage read every row twice (at 100 times
    the corpus, 0.26 s of every page's first render), to count the releases that keep their
    text and to list the periods releases cover. Each now comes from an index alone: the
    partial ix_release_with_text, the release dates' and ix_release_periods. (PostgreSQL keeps
    a long text out of its row: reading the rows there does not read the texts.)"""
    engine = two_days.kw["bind"]

    def plan(naming: str) -> str:
        return plan_of(engine, lambda: q(two_days, "coverage", filters), naming=naming)

    # SQLite's plan does not say "covering" of a partial index whose condition it reads from the
    # index: 4 ms at 100x, against 80 ms through any other
    assert "USING INDEX ix_release_with_text" in plan("raw_text IS NOT NULL"), plan("raw_text IS NOT NULL")
    for naming in ("count(DISTINCT release.published)", "DISTINCT release.period_start"):
        assert "COVERING INDEX" in plan(naming), (naming, plan(naming))


def test_coverage_days_tell_counts_from_summaries_without_them(three_days):
    from db.queries import COUNTED, NO_COUNTS

    narrative = ("News | Aug. 9, 2017\n\nCJTF-OIR continues partner support to Defeat ISIS\n\n"
                 "SOUTHWEST ASIA – Combined Joint Task Force – Operation Inherent Resolve continued supporting "
                 "partner forces with precision strikes in Syria, July 30 – Aug. 5.\n")
    _ingest(three_days, ("narrative.txt", narrative))
    days = q(three_days, "coverage_days", Filters(start=D20, end=date(2017, 8, 6)))
    # strikes stated for the 20th, 21st and 31st; the summary covers 30 July - 5 Aug, the 31st
    # of which a release with counts covers too
    summary_only = [date(2017, 7, 30)] + [date(2017, 8, day) for day in range(1, 6)]
    assert rows(days, "day", "covered") == sorted(
        [(D20, COUNTED), (D21, COUNTED), (D31, COUNTED)] + [(day, NO_COUNTS) for day in summary_only])
    c = q(three_days, "coverage", Filters(start=D20, end=date(2017, 8, 6)))
    # 18 days: 3 with counts, 6 by the summary alone, 9 with no release at all
    assert (c.days_in_period, c.days_with_counts, c.days_without_counts, c.days_not_covered) == (18, 3, 6, 9)
    assert q(three_days, "headline", Filters()).strikes == 14  # the summary adds no strike: 10 + 4


# --- numbers an analyst found wrong --------------------------------------------------------

AROUND_BAGHDAD = """Strikes continue against ISIL

SOUTHWEST ASIA, March 10, 2015 — U.S. and coalition military forces continued to attack ISIL terrorists in Iraq yesterday, officials reported today.

Iraq

-- Near Baghdad, two airstrikes destroyed an ISIL vehicle.

-- Southwest of Baghdad, one airstrike struck an ISIL tactical unit.

-- Near Mosul, one airstrike destroyed an ISIL bunker.

All aircraft returned to base safely.
"""
MARCH9 = date(2015, 3, 9)


def test_a_place_is_counted_once_however_a_report_places_itself(factory):
    """'near Baghdad' and 'southwest of Baghdad' are one Baghdad: two places, Baghdad and Mosul."""
    _ingest(factory, ("baghdad.txt", AROUND_BAGHDAD))
    assert q(factory, "headline", Filters()).places == 2
    assert rows(q(factory, "places_summary", Filters()), "place", "strikes", "reports") == [
        ("Baghdad", 3, 2), ("Mosul", 1, 1)]
    assert q(factory, "filter_options")["places"] == ["Baghdad", "Mosul"]
    assert q(factory, "headline", Filters(places=("Baghdad",))).places == 1
    with factory() as session:
        precisions = sorted(session.scalars(select(models.StrikeReport.location_precision)).all())
    assert precisions == ["place", "place", "relative"]  # kept on the report


def test_engagements_no_release_counted_are_not_reported_not_zero(factory):
    """Releases before 2017 count strikes only: their engagements are unknown, never 0."""
    _ingest(factory, ("baghdad.txt", AROUND_BAGHDAD))
    assert q(factory, "headline", Filters()).engagements is None
    frame = q(factory, "strikes_over_time", Filters(), grain="day", split="country")
    assert rows(frame, "period", "group", "strikes", "engagements") == [(MARCH9, "Iraq", 4, None)]
    assert frame.to_csv(index=False).splitlines()[1].startswith("2015-03-09,Iraq,4,,")  # blank, not 0
    for split in ("province", "place", "category"):
        frame = q(factory, "strikes_over_time", Filters(), grain="month", split=split)
        assert frame["engagements"].isna().all(), split
    _ingest(factory, ("day1.txt", DAY_ONE))
    assert q(factory, "headline", Filters()).engagements == 9  # day one's 6 + 3; March 2015 adds none
    assert q(factory, "headline", Filters(end=MARCH9)).engagements is None
