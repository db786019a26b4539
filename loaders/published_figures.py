"""Published figures inside a release: totals the coalition states for a longer period than the
release's own, read as reference figures and never counted as the release's strikes.

    "To date, U.S. Central Command has conducted 198 airstrikes across Iraq against ISIL."
    "During the first 24 days of May, the coalition conducted 184 strikes with 231 engagements."
    "... a 147 percent increase over the 74 strikes conducted in March, ... and surpassed OIR's
    strike tempo of 183 strikes recorded for all of April."
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from loaders.campaign import CAMPAIGN_START
from loaders.dates import month_end, month_number
from loaders.numbers import COUNT_PATTERN, parse_count
from loaders.records import PublishedFigure

_MONTH_NAME = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar\.|April|Apr\.|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
# patterns used with .match(text, pos) are anchored at pos by match itself
_COUNT_OF_STRIKES = re.compile(rf"\b(?P<count>{COUNT_PATTERN})\s+(?:air\s?)?strikes\b", re.IGNORECASE)
_ENGAGEMENTS_AFTER = re.compile(rf",?\s*(?:with|consisting\s+of|in)\s+(?P<count>{COUNT_PATTERN})\s+engagements",
                                re.IGNORECASE)
# "... 74 strikes conducted in March", "183 strikes recorded for all of April", "in April 2018"
_MONTH_AFTER = re.compile(
    rf"\s*(?:conducted|recorded)?\s*(?:in|for\s+all\s+of|during)\s+(?P<month>{_MONTH_NAME})(?:,?\s+(?P<year>\d{{4}}))?\b"
)
# "During the first 24 days of May," / "During the month of May," before the count
_FIRST_DAYS_BEFORE = re.compile(rf"\bfirst\s+(?P<days>\w+)\s+days\s+of\s+(?P<month>{_MONTH_NAME})(?:,?\s+(?P<year>\d{{4}}))?")
_MONTH_BEFORE = re.compile(
    rf"\b[Dd]uring\s+(?:the\s+month\s+of\s+|all\s+of\s+)?(?P<month>{_MONTH_NAME})(?:,?\s+(?P<year>\d{{4}}))?\b"
)
_SINCE_START = re.compile(r"\b(?:to\s+date|a\s+total\s+of|across\s+(?:Iraq|Syria)|since\s+(?:Aug\.?\w*\s+8|the\s+start))",
                          re.IGNORECASE)
# "in Iraq", never the first country of "in Iraq and Syria" (both: scope all)
_SCOPE = re.compile(r"\b(?:in|across)\s+(?P<country>Iraq|Syria)\b(?!\s+and\s+(?:Iraq|Syria)\b)")
# "225 strikes this month", "So far this month": from the first of the release's month
_THIS_MONTH = re.compile(r"\bthis\s+month\b", re.IGNORECASE)


def _month_year(month: int, year_text: str | None, published: date | None) -> int | None:
    """The year of a month a release names: as written, else the latest on or before publication."""
    if year_text:
        return int(year_text)
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def _period(text: str, count_start: int, count_end: int, published: date | None) -> tuple[date, date | None] | None:
    """(first day, last day or None for "to the release's day") of the figure whose count is at
    text[count_start:count_end]; None if the sentence gives it no period we know."""
    after = _MONTH_AFTER.match(text, count_end)
    before = text[:count_start]
    first_days = None if after else _last(_FIRST_DAYS_BEFORE, before)
    during = None if after or first_days else _last(_MONTH_BEFORE, before)
    for match in (after, first_days, during):
        if match is None:
            continue
        month = month_number(match["month"])
        year = _month_year(month, match["year"], published) if month else None
        if year is None:
            return None
        first = date(year, month, 1)
        if match is first_days:
            days = parse_count(match["days"])
            if not days:
                return None
            return first, min(first + timedelta(days=days - 1), month_end(first))
        return first, month_end(first)
    if _THIS_MONTH.search(text):
        return (published.replace(day=1), None) if published else None
    if _SINCE_START.search(text):
        return CAMPAIGN_START, None
    return None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    match = None
    for match in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return match


def published_figures(text: str, span: tuple[int, int], published: date | None) -> list[PublishedFigure]:
    """The published figures one sentence states, empty if it states none we can read. A "to
    date" figure counts to the release's last strike day, which the caller fills in (as_of None)."""
    figures = []
    scope_match = _SCOPE.search(text)
    scope = scope_match["country"] if scope_match else "all"
    for match in _COUNT_OF_STRIKES.finditer(text):
        strikes = parse_count(match["count"])
        period = _period(text, match.start(), match.end(), published)
        if strikes is None or period is None:
            continue
        first, last = period
        engagements = _ENGAGEMENTS_AFTER.match(text, match.end())
        figures.append(PublishedFigure(
            scope, first, last, strikes, parse_count(engagements["count"]) if engagements else None, text, span,
        ))
    return figures
