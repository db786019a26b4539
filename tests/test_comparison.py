"""The overview's comparison with the previous period: made only where the data reach back."""

from __future__ import annotations

from datetime import date

from dashboard.comparison import CHOOSE_DATES, compare_with_previous_period
from db.queries import Filters

FIRST_DATA_DAY = date(2014, 8, 8)


def compare(start: date | None, end: date | None, first_data_day: date | None = FIRST_DATA_DAY,
            last_data_day: date = date(2019, 1, 14)):
    """The comparison for chosen dates, open ends resolved to the data's as the page does."""
    filters = Filters(start=start, end=end, countries=("Iraq",))
    return compare_with_previous_period(filters, (start or first_data_day, end or last_data_day), first_data_day)


def test_a_previous_period_inside_the_data_is_compared_without_a_note():
    comparison = compare(date(2015, 3, 1), date(2015, 3, 30))
    assert comparison.previous == Filters(date(2015, 1, 30), date(2015, 2, 28), countries=("Iraq",))
    assert comparison.note is None
    assert comparison.change(130, 100) == "+30 vs previous 30 days"


def test_a_previous_period_wholly_before_the_data_is_not_compared():
    # 8-17 Aug 2014: the ten days before lie wholly before the first day in the data
    comparison = compare(FIRST_DATA_DAY, date(2014, 8, 17))
    assert comparison.previous is None
    assert comparison.change(123, 0) is None
    assert comparison.note.startswith("There are no data before 08 Aug 2014 to compare with")
    assert "29 Jul 2014 – 07 Aug 2014" in comparison.note


def test_a_previous_period_ending_the_day_before_the_data_is_not_compared():
    comparison = compare(date(2014, 8, 9), date(2014, 8, 9), first_data_day=date(2014, 8, 9))
    assert comparison.previous is None
    assert "no data before 09 Aug 2014" in comparison.note
    assert "(08 Aug 2014)" in comparison.note  # one day named once


def test_a_previous_period_partly_before_the_data_is_compared_with_a_note():
    # 1-30 Sep 2014: the previous 30 days, 2-31 Aug, start before the data (8 Aug)
    comparison = compare(date(2014, 9, 1), date(2014, 9, 30))
    assert comparison.previous == Filters(date(2014, 8, 2), date(2014, 8, 31), countries=("Iraq",))
    assert comparison.change(50, 20) == "+30 vs previous 30 days"
    assert "start before the data do, on 08 Aug 2014" in comparison.note
    assert "24 days of data" in comparison.note  # 8-31 Aug


def test_an_open_start_resolves_to_the_first_day_so_nothing_comes_before():
    comparison = compare(None, date(2015, 1, 31))
    assert comparison.previous is None
    assert "no data before 08 Aug 2014" in comparison.note


def test_without_chosen_dates_there_is_no_comparison():
    comparison = compare(None, None)
    assert comparison.previous is None
    assert comparison.note == CHOOSE_DATES
    assert comparison.change(5, 3) is None


def test_an_empty_database_has_nothing_to_compare_with():
    filters = Filters(start=date(2015, 3, 1), end=date(2015, 3, 30))
    comparison = compare_with_previous_period(filters, (filters.start, filters.end), None)
    assert comparison.previous is None
    assert comparison.note == "There are no data to compare with."


def test_no_change_says_so():
    comparison = compare_with_previous_period(Filters(date(2015, 3, 1), date(2015, 3, 30)),
                                              (date(2015, 3, 1), date(2015, 3, 30)), date(2014, 9, 15))
    assert comparison.change(7, 7) == "no change vs previous 30 days"
    long = compare_with_previous_period(Filters(date(2015, 1, 1), date(2018, 11, 16)),
                                        (date(2015, 1, 1), date(2018, 11, 16)), date(2010, 1, 1))
    assert long.change(9, 7) == "+2 vs previous 1,416 days"
