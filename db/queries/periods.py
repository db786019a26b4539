"""Periods: the first and last day of a day, week or month, and the bucket a database puts a
day in."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (
    Date,
    Integer,
    String,
    cast,
    func,
    literal,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from db.models import (
    StrikeReport,
)
from loaders.dates import month_end, month_of, week_of


def period_start(day: date, grain: str) -> date:
    """The first day of the day, week (Monday) or month that holds `day` (see period_bucket)."""
    return {"day": day, "week": week_of(day), "month": month_of(day)}[grain]


def period_end(first_day: date, grain: str) -> date:
    """The last day of the day, week or month that starts on first_day (see period_bucket)."""
    if grain == "month":
        return month_end(first_day)
    return first_day + timedelta(days={"day": 0, "week": 6}[grain])


def period_bucket(session: Session, grain: str, column: ColumnElement | None = None) -> ColumnElement:
    """The first day of the day, week (Monday) or month a date falls in: the strike date unless
    another date column is given."""
    column = StrikeReport.strike_date if column is None else column
    if grain == "day":
        return column
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc(grain, column), Date)
    if grain == "month":
        return func.date(column, "start of month")
    # SQLite: back to the Monday of the week (strftime %w: Sunday = 0)
    days_back = (cast(func.strftime("%w", column), Integer) + 6) % 7
    return func.date(column, literal("-").concat(cast(days_back, String)).concat(" days"))


