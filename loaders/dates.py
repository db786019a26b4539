"""Dates as releases write them: "Nov. 1", "Sept. 14", "yesterday", "Sunday", "July 19-20"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "yesterday", "today" or a weekday: days named relative to the release date
RELATIVE_DAY_PATTERN = "yesterday|today|" + "|".join(_WEEKDAYS)

MONTH_PATTERN = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
# Every MONTH_PATTERN alternative starts with one of these, as written: a text without any of
# them holds no day for a case-sensitive pattern built on MONTH_PATTERN.
MONTH_PREFIXES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_PREFIX_RE = re.compile("|".join(MONTH_PREFIXES))  # one scan, not twelve substring tests


def month_of(day: date | None) -> date | None:
    """The first day of the day's month."""
    return day.replace(day=1) if day else None


def week_of(day: date | None) -> date | None:
    """The Monday of the day's week (as PostgreSQL's date_trunc('week') and db.queries.period_bucket)."""
    return day - timedelta(days=day.weekday()) if day else None


def next_month(day: date) -> date:
    """The first day of the month after the day's."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(day: date) -> date:
    """The last day of the day's month."""
    return next_month(day) - timedelta(days=1)


def assumed_strike_day(published: date | None) -> date | None:
    """The day a release's strikes are counted on where it names none: the day before it was
    published (the daily releases' "yesterday")."""
    return published - timedelta(days=1) if published else None


def names_a_month(text: str) -> bool:
    """True if the text holds one of MONTH_PREFIXES as written: without one it holds no day."""
    return _MONTH_PREFIX_RE.search(text) is not None

# "Nov. 1", "Nov. 1, 2015", "November 02, 2015", "July 19-20", "Aug. 28-29", "Dec. 23 – 29"
DAY_PATTERN = rf"{MONTH_PATTERN}\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+\d{{4}})?"
_DAY_RE = re.compile(
    rf"(?P<month>{MONTH_PATTERN})\s+(?P<day>\d{{1,2}})(?:\s*[-–]\s*(?P<day_end>\d{{1,2}}))?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?",
    re.IGNORECASE,
)


def month_number(word: str) -> int | None:
    """Return 1-12 for a month name or abbreviation ("Sept." -> 9), else None."""
    return _MONTHS.get(word.lower().rstrip("."))


def _infer_year(month: int, day: int, reference: date | None) -> date | None:
    if reference is None:
        return None
    year = reference.year
    # A December strike reported in a January release belongs to the year before.
    if month - reference.month > 6:
        year -= 1
    elif reference.month - month > 6:
        year += 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=8192)  # the same few days are named again and again
def parse_day(text: str, reference: date | None) -> tuple[date | None, date | None]:
    """Return (first day, last day) of the first date or range in text, the year taken from
    the text or inferred from the reference (release) date; (None, None) if none."""
    match = _DAY_RE.search(text)
    if not match:
        return None, None
    month = month_number(match["month"])
    if month is None:
        return None, None
    day = int(match["day"])
    if match["year"]:
        try:
            first = date(int(match["year"]), month, day)
        except ValueError:
            return None, None
    else:
        first = _infer_year(month, day, reference)
    if first is None:
        return None, None
    last = first
    if match["day_end"]:
        try:
            last = first.replace(day=int(match["day_end"]))
        except ValueError:
            last = first
    return first, last


def days_named(text: str, reference: date | None) -> tuple[date, date] | None:
    """(first, last) of every day and range the text names ("on May 26, June 11 and Aug. 25-26":
    May 26 to Aug. 26), None if it names none."""
    days = [day for match in _DAY_RE.finditer(text) for day in parse_day(match.group(), reference) if day]
    return (min(days), max(days)) if days else None


def relative_day(word: str, reference: date | None) -> date | None:
    """Return the date "yesterday", "today" or a weekday name means, counted back from the
    release date; None for anything else."""
    if reference is None:
        return None
    token = word.lower()
    if token == "today":
        return reference
    if token == "yesterday":
        return reference - timedelta(days=1)
    if token in _WEEKDAYS:
        back = (reference.weekday() - _WEEKDAYS.index(token)) % 7 or 7
        return reference - timedelta(days=back)
    return None
