"""The Timeline's ways to compare groups, on frames counted by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.series import difference, largest_groups, shares

JAN, FEB, MAR = date(2017, 1, 1), date(2017, 2, 1), date(2017, 3, 1)
SERIES = pd.DataFrame({
    "period": [JAN, JAN, FEB, MAR],
    "group": ["Iraq", "Syria", "Syria", "Iraq"],
    "strikes": [30, 10, 25, 0],
})


def test_shares_of_each_period():
    frame = shares(SERIES, "strikes")
    # Jan: 30 of 40 and 10 of 40; Feb: Syria all 25; Mar: a total of 0 has no shares
    assert list(frame.itertuples(index=False, name=None)) == [(JAN, "Iraq", 75.0), (JAN, "Syria", 25.0), (FEB, "Syria", 100.0)]


def test_difference_of_two_groups():
    frame = difference(SERIES, "strikes", "Syria", "Iraq")
    # Jan 10 - 30; Feb 25 - 0 (Iraq reports nothing that month); Mar 0 - 0
    assert list(frame.itertuples(index=False, name=None)) == [
        (JAN, "Syria − Iraq", -20), (FEB, "Syria − Iraq", 25), (MAR, "Syria − Iraq", 0)]


def test_largest_groups():
    assert largest_groups(SERIES, "strikes") == ["Syria", "Iraq"]  # 35 against 30
