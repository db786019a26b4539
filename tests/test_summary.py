"""The view in words (dashboard.summary): its figures are the Overview's own, and its wording
stays true at the edges (no strikes, one country, before engagements were counted, a period the
data barely cover, no previous period).

On the hand-counted releases of tests/sample_releases.py: DAY_ONE, strikes on 20 July 2017,
7 strikes (Syria 5: Raqqa 4, Abu Kamal 1; Iraq 2: Mosul) and 9 engagements; DAY_TWO, strikes on
21 July, 3 strikes at Mosul (engaged a tactical unit, destroyed 2 vehicles) and 3 engagements.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from sample_releases import DAY_ONE, DAY_TWO

from dashboard.comparison import compare_with_previous_period
from dashboard.page_data.overview import load_overview
from dashboard.summary import SummaryFacts, period_words, written_summary
from db.ingest import ingest_files
from db.queries import Coverage, Filters, Headline, PublishedComparison

D20, D21 = date(2017, 7, 20), date(2017, 7, 21)
MAY = (date(2017, 5, 1), date(2017, 5, 31))


@pytest.fixture(scope="module")
def starter_factory(tmp_path_factory):
    """A SQLite file holding the bundled starter data, loaded once for the module."""
    from db.engine import make_engine, session_factory
    from db.schema import upgrade
    from db.starter import load_starter_data

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('starter') / 'starter.db'}")
    upgrade(engine)
    assert load_starter_data(session_factory(engine)) > 0
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def two_days(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    return factory


def overview(factory, filters: Filters, period, first_day=D20):
    with factory() as session:
        return load_overview(session, filters, period, first_day)


def test_one_day_against_the_day_before(two_days):
    shown = overview(two_days, Filters(start=D21, end=D21), (D21, D21))
    assert written_summary(shown.summary) == (
        "On 21 July 2017 the releases in the data report 3 strikes and 3 engagements, 57% fewer than on the "
        "previous day (20 July 2017). The place with the most strikes was Mosul (3). The target type hit most "
        "often was “vehicle” (2 targets, a lower bound)."
    )


def test_both_days_split_by_country(two_days):
    shown = overview(two_days, Filters(start=D20, end=D21), (D20, D21))
    assert written_summary(shown.summary) == (
        # the two days before lie wholly before the data's first day: no change is given
        "From 20 to 21 July 2017 the releases in the data report 10 strikes (Iraq 5, Syria 5) and 12 engagements. "
        "The places with the most strikes were Mosul (5) and Raqqa (4). The target type hit most often was "
        "“tactical unit” (4 targets, a lower bound)."
    )


def test_the_figures_are_the_overviews_own(two_days):
    for filters in (Filters(), Filters(countries=("Syria",)), Filters(start=D21), Filters(types=("vehicle",))):
        shown = overview(two_days, filters, (filters.start or D20, filters.end or D21))
        facts = shown.summary
        assert facts.current == shown.current and facts.previous == shown.previous
        trend = shown.trend.groupby("group")["strikes"].sum().to_dict() if not shown.trend.empty else {}
        assert facts.by_country == trend and sum(facts.by_country.values()) == shown.current.strikes
        if not shown.top_targets.empty:
            assert facts.top_target == (shown.top_targets["type"].iloc[0], shown.top_targets["targets"].iloc[0])
        text = written_summary(facts)
        assert f"{shown.current.strikes:,} strike" in text


def test_the_figures_on_the_starter_data(starter_factory):
    may = Filters(start=MAY[0], end=MAY[1])
    shown = overview(starter_factory, may, MAY, date(2014, 8, 8))
    text = written_summary(shown.summary)
    counts = shown.trend.groupby("group")["strikes"].sum()
    assert text.startswith(f"From 1 to 31 May 2017 the releases in the data report {shown.current.strikes:,} strikes "
                           f"(Syria {counts['Syria']:,}, Iraq {counts['Iraq']:,}")
    assert f"and {shown.current.engagements:,} engagements" in text
    previous = shown.previous.strikes
    change = abs(shown.current.strikes - previous) / previous
    assert f"{change:.0%} {'more' if shown.current.strikes > previous else 'fewer'} than in the previous 31 days" in text
    with starter_factory() as session:
        from db.queries import ranking

        top = ranking(session, may, by="place", limit=2)
    assert f"were {top['name'].iloc[0]} ({top['strikes'].iloc[0]:,}) and {top['name'].iloc[1]}" in text


def _facts(**changes) -> SummaryFacts:
    filters = Filters(start=MAY[0], end=MAY[1])
    facts = SummaryFacts(
        filters=filters, period=MAY, current=Headline(812, 1000, 30, 40, 300),
        previous=Headline(920, 1100, 30, 40, 310),
        comparison=compare_with_previous_period(filters, MAY, date(2014, 8, 8)),
        by_country={"Syria": 640, "Iraq": 172}, top_places=[("Raqqa", 301), ("Mosul", 122), ("Tabqa", 50)],
        top_target=("tactical unit", 410), coverage=Coverage(MAY[0], MAY[1], 30, 31, 31, 31, 0, 30), reference=None,
    )
    return replace(facts, **changes)


def test_a_month_with_its_published_total():
    total = PublishedComparison("all", MAY[0], MAY[1], 846, 812, "CJTF-OIR", None)
    assert written_summary(_facts(reference=total)) == (
        "From 1 to 31 May 2017 the releases in the data report 812 strikes (Syria 640, Iraq 172) and 1,000 "
        "engagements, 12% fewer than in the previous 31 days (31 March to 30 April 2017). The places with the most "
        "strikes were Raqqa (301) and Mosul (122). The target type hit most often was “tactical unit” (410 targets, "
        "a lower bound). The data hold 96% of the 846 strikes the coalition reported from 1 to 31 May 2017 (the shortest "
        "published period that covers this one)."
    )


def test_a_place_held_against_a_total_of_every_place_says_so():
    """The coalition published totals by country only: a view of one place is compared with all
    places' strikes, and the sentence says that is what it holds."""
    total = PublishedComparison("all", MAY[0], MAY[1], 846, 812, "CJTF-OIR", None)
    mosul = Filters(start=MAY[0], end=MAY[1], places=("Mosul",))
    assert written_summary(_facts(reference=total, filters=mosul)).endswith(
        "The data hold 96% of the 846 strikes the coalition reported from 1 to 31 May 2017 (the shortest published "
        "period that covers this one). Counted for all places: the coalition published no totals by place or target.")
    vehicles = Filters(start=MAY[0], end=MAY[1], categories=("vehicles",))
    assert written_summary(_facts(reference=total, filters=vehicles)).endswith(
        "Counted for all targets: the coalition published no totals by place or target.")
    assert "Counted for all" not in written_summary(_facts(reference=total))


def test_a_period_the_data_barely_cover_says_so_first():
    total = PublishedComparison("Syria", MAY[0], MAY[1], 6000, 640, "CJTF-OIR", None)
    text = written_summary(_facts(reference=total, filters=Filters(start=MAY[0], end=MAY[1], countries=("Syria",)),
                                  by_country={"Syria": 640}))
    assert text.startswith("The data barely cover this period: they hold 11% of the 6,000 strikes the coalition "
                           "reported in Syria from 1 to 31 May 2017 (the shortest published period that covers this "
                           "one), so every figure below undercounts. ")
    assert "report 812 strikes and 1,000 engagements in Syria," in text  # one country: no split
    assert "The data hold" not in text  # said once, first
    few_days = _facts(coverage=Coverage(MAY[0], MAY[1], 3, 9, 31, 9, 0, 3))
    assert written_summary(few_days).startswith("The data barely cover this period: releases in the data give counts "
                                                "for 9 of its 31 days")


def test_before_engagements_were_counted():
    early = _facts(period=(date(2016, 3, 1), date(2016, 3, 31)), current=Headline(576, None, 30, 40, 300))
    assert "engagement" not in written_summary(early)
    spanning = _facts(period=(date(2016, 12, 1), date(2017, 1, 31)))
    assert "and 1,000 engagements (counted from January 2017 on)" in written_summary(spanning)


def test_no_strikes_and_no_data():
    empty = _facts(current=Headline(0, None, 0, 0, 0), by_country={}, top_places=[], top_target=None,
                   filters=Filters(start=MAY[0], end=MAY[1], places=("Tabqa",)))
    assert written_summary(empty) == "From 1 to 31 May 2017 the data hold no strikes near Tabqa."
    uncovered = replace(empty, coverage=Coverage(None, None, 0, 0, 31, 0, 0, 0))
    assert written_summary(uncovered) == "No release in the data gives strike counts from 1 to 31 May 2017 near Tabqa."
    assert written_summary(_facts(period=(None, None))) == "There are no data yet."


def test_the_change_in_words():
    assert ", as many as in the previous 31 days" in written_summary(_facts(previous=Headline(812, 0, 0, 0, 0)))
    assert ", against none in the previous 31 days" in written_summary(_facts(previous=Headline(0, 0, 0, 0, 0)))
    no_dates = _facts(filters=Filters(), comparison=compare_with_previous_period(Filters(), MAY, date(2014, 8, 8)))
    assert "previous" not in written_summary(no_dates)  # no dates chosen: nothing to compare with


def test_period_words():
    assert period_words(D20, D20) == "on 20 July 2017"
    assert period_words(date(2017, 4, 28), date(2017, 5, 3)) == "from 28 April to 3 May 2017"
    assert period_words(date(2016, 12, 30), date(2017, 1, 2)) == "from 30 December 2016 to 2 January 2017"


# Views whose words once quoted a period inside them: the default view held against May 2018,
# Syria 2017 against 2 Oct 2017, Syria over the whole campaign against the 2019 summary's span.
FIRST, LAST = date(2014, 9, 15), date(2019, 1, 13)  # the starter data's days
QUOTED = re.compile(r"the coalition reported(?: in \w+)? (?:from (\d+ \w+(?: \d{4})?) to (\d+ \w+ \d{4})|on (\d+ \w+ \d{4}))")


def _quoted_periods(text: str) -> list[tuple[date, date]]:
    from datetime import datetime

    periods = []
    for start, end, day in QUOTED.findall(text):
        end = datetime.strptime(end or day, "%d %B %Y").date()
        start = datetime.strptime(start if start.count(" ") == 2 else f"{start} {end.year}", "%d %B %Y").date() \
            if start else end
        periods.append((start, end))
    return periods


@pytest.mark.parametrize(("filters", "period"), [
    (Filters(), (FIRST, LAST)),
    (Filters(start=date(2017, 1, 1), end=date(2017, 12, 31), countries=("Syria",)), (date(2017, 1, 1), date(2017, 12, 31))),
    (Filters(countries=("Syria",)), (FIRST, LAST)),
    (Filters(start=date(2015, 1, 1), end=date(2015, 12, 31), places=("Mosul",)), (date(2015, 1, 1), date(2015, 12, 31))),
    (Filters(start=date(2019, 1, 1), end=date(2019, 3, 31)), (date(2019, 1, 1), date(2019, 3, 31))),
    (Filters(start=date(2018, 5, 7), end=date(2018, 5, 13)), (date(2018, 5, 7), date(2018, 5, 13))),
])
def test_a_view_is_held_only_against_a_published_period_that_covers_it(starter_factory, filters, period):
    from dashboard.record import record_note

    shown = overview(starter_factory, filters, period, FIRST)
    text = written_summary(shown.summary)
    for start, end in _quoted_periods(text):
        assert start <= period[0] and end >= period[1], (text, start, end)
    reference = shown.reference
    note = record_note(shown.reference, shown.latest, filters)
    if reference is not None:
        # the words (where they speak of the period's strikes) and the box quote the same figure
        assert text.startswith("No release in the data gives strike counts") or \
            f"{reference.share:.0%} of the {reference.published:,} strikes" in text
        assert f"The data hold {reference.held:,} of the {reference.published:,} strikes" in note
        assert f"({reference.share:.0%})" in note
    else:
        assert "no total it published covers the whole of this view" in (note or "no total it published covers the "
                                                                                "whole of this view")
        assert "the coalition reported" not in text


def test_the_default_view_is_held_against_the_total_that_covers_it(starter_factory):
    shown = overview(starter_factory, Filters(), (FIRST, LAST), FIRST)
    assert (shown.reference.period_start, shown.reference.as_of, shown.reference.published) == \
        (date(2014, 8, 8), date(2019, 3, 31), 34_464)
    assert "of the 34,464 strikes the coalition reported from 8 August 2014 to 31 March 2019" in \
        written_summary(shown.summary)
    # a quarter between two cumulative totals: their difference, named as such
    quarter = overview(starter_factory, Filters(start=date(2019, 1, 1), end=date(2019, 3, 31)),
                       (date(2019, 1, 1), date(2019, 3, 31)), FIRST)
    assert quarter.reference.published == 34_464 - 32_397 and quarter.reference.since == date(2018, 12, 31)
    assert written_summary(quarter.summary).startswith(
        "The data barely cover this period: they hold 0% of the 2,067 strikes the coalition reported from 1 January "
        "to 31 March 2019 (the shortest published period that covers this one: its total to 31 March 2019 less its "
        "total to 31 December 2018)")


def test_a_previous_period_partly_before_the_data_gives_no_percentage(starter_factory):
    year = Filters(start=date(2015, 1, 1), end=date(2015, 12, 31), places=("Mosul",))
    shown = overview(starter_factory, year, (year.start, year.end), FIRST)
    text = written_summary(shown.summary)
    assert "% more than" not in text and "% fewer than" not in text
    assert (f"against {shown.previous.strikes:,} strikes in the previous 365 days (1 January to 31 December 2014), of "
            "which the data reach only the last 108 (they start on 15 September 2014)") in text
