"""The Timeline's ways to compare groups, on frames counted by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.series import difference, every_group_every_period, largest_groups, shares

JAN, FEB, MAR = date(2017, 1, 1), date(2017, 2, 1), date(2017, 3, 1)
SERIES = pd.DataFrame({
    "period": [JAN, JAN, FEB, MAR],
    "group": ["Iraq", "Syria", "Syria", "Iraq"],
    "strikes": [30, 10, 25, 0],
})


def test_shares_of_each_period():
    frame = shares(SERIES, "strikes")
    # Jan: 30 of 40 and 10 of 40; Feb: Syria all 25, Iraq none; Mar: a total of 0 has no shares
    assert list(frame.itertuples(index=False, name=None)) == [
        (JAN, "Iraq", 75.0), (JAN, "Syria", 25.0), (FEB, "Iraq", 0.0), (FEB, "Syria", 100.0)]
    # a group whose engagements are not reported has no share of them: empty, not 0
    engagements = SERIES.assign(engagements=[6.0, None, 4.0, None])
    assert shares(engagements, "engagements").fillna(-1).values.tolist() == [
        [JAN, "Iraq", 100.0], [JAN, "Syria", -1], [FEB, "Iraq", 0.0], [FEB, "Syria", 100.0]]


def test_every_group_has_a_row_in_every_period():
    """A line per group with a point at every period: Plotly's shared hover took Syria's
    neighbouring value at a period Syria had no row for (Mar: Syria 25, February's)."""
    series = SERIES.assign(engagements=[6.0, None, 4.0, None], reports=[3, 1, 2, 0])
    frame = every_group_every_period(series)
    assert list(frame.columns) == list(series.columns)
    assert list(frame.fillna({"engagements": -1}).itertuples(index=False, name=None)) == [
        (JAN, "Iraq", 30, 6.0, 3), (JAN, "Syria", 10, -1, 1),  # -1: empty, not reported
        (FEB, "Iraq", 0, 0.0, 0), (FEB, "Syria", 25, 4.0, 2),
        # Mar: no group reports engagements, so Syria's stay not reported
        (MAR, "Iraq", 0, -1, 0), (MAR, "Syria", 0, -1, 0),
    ]
    assert frame["strikes"].dtype == "int64" and frame["reports"].dtype == "int64"
    assert every_group_every_period(SERIES.iloc[:0]).empty


def test_difference_of_two_groups():
    frame = difference(SERIES, "strikes", "Syria", "Iraq")
    # Jan 10 - 30; Feb 25 - 0 (Iraq reports nothing that month); Mar 0 - 0
    assert list(frame.itertuples(index=False, name=None)) == [
        (JAN, "Syria − Iraq", -20), (FEB, "Syria − Iraq", 25), (MAR, "Syria − Iraq", 0)]


def test_largest_groups():
    assert largest_groups(SERIES, "strikes") == ["Syria", "Iraq"]  # 35 against 30


def test_data_quality_words_say_what_a_flag_costs():
    from dashboard.quality import cost_of_places, kind_name, totals_breakdown
    from db.queries import AS_PUBLISHED, COPY_CUT, Headline

    unresolved = pd.DataFrame({"location_raw": ["Albu Hayat", "Tamakh"], "mentions": [73, 5], "strikes": [86, 6]})
    headline = Headline(strikes=9_200, engagements=None, releases=10, places=5, reports=100)
    # 86 + 6 = 92 strikes of 9,200: 1.0%
    assert cost_of_places(unresolved, headline) == (
        "78 place mentions unresolved (2 names): 92 strikes, 1.0% of the period's 9,200, off the map.")
    assert kind_name("unknown_place") == "Place names not on the map"
    totals = pd.DataFrame({"reason": [COPY_CUT, COPY_CUT, AS_PUBLISHED]})
    assert totals_breakdown(totals) == "3 releases, each under its first reason: 2 copy stops inside a list, 1 does not add up as published."


def test_every_kind_of_diagnostic_has_a_name_for_a_reader():
    """Three kinds the parser records were shown on Data quality by their code alone."""
    from dashboard.quality import KINDS
    from loaders.records import DIAGNOSTIC_KINDS

    assert set(KINDS) == set(DIAGNOSTIC_KINDS)
    assert all(name and cost for name, cost in KINDS.values())
