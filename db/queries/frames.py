"""Query results as DataFrames, with their date columns as dates."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select


def as_frame(session: Session, statement: Select) -> pd.DataFrame:
    result = session.execute(statement)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def with_dates(frame: pd.DataFrame, column: str = "period") -> pd.DataFrame:
    """Dates as datetime.date (SQLite returns text, PostgreSQL dates)."""
    if not frame.empty:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def as_date(value) -> date:
    """A date column's value as a date (SQLite returns text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
