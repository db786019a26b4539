"""Files of published totals: one row per total the coalition itself stated (the columns of
../shared/corpus/published_totals.csv), read into PublishedFigure records. A file with a bad
row is refused whole, with every bad row named."""

from __future__ import annotations

import csv
import io
from datetime import date

from loaders.records import SCOPES, PublishedFigure
from loaders.web_addresses import is_clean_web_address

PUBLISHED_TOTAL_COLUMNS = ("as_of_date", "period_start", "scope", "strikes", "engagements", "who_stated", "url", "quote")
REQUIRED_COLUMNS = {"as_of_date", "period_start", "scope", "strikes"}
_MAX_REPORTED = 5  # bad rows named in a refusal


class BadPublishedTotals(ValueError):
    """The file cannot be read as published totals; the message names the bad rows."""


def is_published_totals_header(columns: set[str]) -> bool:
    return columns >= REQUIRED_COLUMNS


def _day(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"{column} {value!r} is not a date (YYYY-MM-DD)") from error


def _count(value: str, column: str, required: bool) -> int | None:
    value = value.strip().replace(",", "")
    if not value and not required:
        return None
    if not value.isdigit() or len(value) > 9:
        raise ValueError(f"{column} {value!r} is not a whole number of at most 9 digits")
    return int(value)


def _figure(row: dict[str, str]) -> PublishedFigure:
    scope = {name.lower(): name for name in SCOPES}.get(row.get("scope", "").strip().lower())
    if scope is None:
        raise ValueError(f"scope {row.get('scope', '')!r} is not one of {', '.join(SCOPES)}")
    as_of = _day(row.get("as_of_date", ""), "as_of_date")
    start = _day(row.get("period_start", ""), "period_start")
    if start > as_of:
        raise ValueError(f"period_start {start} is after as_of_date {as_of}")
    url = (row.get("url") or "").strip() or None
    if url is not None and not is_clean_web_address(url):
        raise ValueError(f"url {url[:80]!r} is not a plain http(s) address")
    return PublishedFigure(
        scope=scope, period_start=start, as_of=as_of,
        strikes=_count(row.get("strikes", ""), "strikes", required=True),
        engagements=_count(row.get("engagements", ""), "engagements", required=False),
        sentence=(row.get("quote") or "").strip(), span=None,
        who_stated=(row.get("who_stated") or "").strip()[:300], url=url,
    )


def read_published_totals(text: str) -> list[PublishedFigure]:
    """Return the totals of a published-totals CSV; BadPublishedTotals names what is wrong."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    missing = REQUIRED_COLUMNS - columns
    if missing:
        raise BadPublishedTotals(f"published totals lack the columns {', '.join(sorted(missing))}")
    figures, problems = [], []
    for number, row in enumerate(reader, start=2):  # line 1 is the header
        row = {key.strip().lower(): value or "" for key, value in row.items() if key}
        if not any(value.strip() for value in row.values()):
            continue
        try:
            figures.append(_figure(row))
        except ValueError as error:
            problems.append(f"line {number}: {error}")
    if problems:
        more = f" (and {len(problems) - _MAX_REPORTED} more)" if len(problems) > _MAX_REPORTED else ""
        raise BadPublishedTotals("; ".join(problems[:_MAX_REPORTED]) + more)
    if not figures:
        raise BadPublishedTotals("published totals file has a header but no rows")
    return figures
