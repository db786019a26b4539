"""The overview's headline figures against the period of equal length just before the one shown,
compared only where the data reach. Plain functions, no Streamlit: tests call them directly."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from db.queries import Filters

CHOOSE_DATES = "Choose a start and end date to compare with the previous period of the same length."


@dataclass(frozen=True)
class Comparison:
    """What the shown period's figures are compared with, and what to say about it."""

    previous: Filters | None  # the previous period's filters; None: show no change
    days: int  # the length of the shown period, and so of the previous one
    note: str | None  # a caption: why there is no comparison, or what it leaves out
    data_from: date | None = None  # the data's first day, where the previous period starts before it

    def change(self, now: int, before: int | None) -> str | None:
        """The figure's change, e.g. "+12 vs previous 30 days"; None without a comparison."""
        if self.previous is None or before is None:
            return None
        return f"{now - before:+,} vs previous {_days(self.days)}" if now != before else f"no change vs previous {_days(self.days)}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count:,} days"


def compare_with_previous_period(filters: Filters, period: tuple[date | None, date | None],
                                 first_data_day: date | None) -> Comparison:
    """The comparison for a shown period (its open ends resolved to the data's): none without
    chosen dates or when the previous period lies wholly before the first day the data hold;
    a note when it starts before that day, so part of it has no data and the change is not a
    like-for-like one."""
    start, end = period
    if not (filters.start or filters.end) or not (start and end):
        return Comparison(None, 0, CHOOSE_DATES)
    days = (end - start).days + 1
    if first_data_day is None:
        return Comparison(None, days, "There are no data to compare with.")
    previous = replace(filters, start=start, end=end).previous_period()
    span = f"{previous.start:%d %b %Y}" + (f" – {previous.end:%d %b %Y}" if previous.end != previous.start else "")
    if previous.end < first_data_day:
        return Comparison(None, days, f"There are no data before {first_data_day:%d %b %Y} to compare with "
                                      f"the previous {_days(days)} ({span}).")
    if previous.start < first_data_day:
        covered = (previous.end - first_data_day).days + 1
        return Comparison(previous, days, f"The previous {_days(days)} ({span}) start before the data do, on "
                                          f"{first_data_day:%d %b %Y}: the change compares with {_days(covered)} of data.",
                          first_data_day)
    return Comparison(previous, days, None)
