"""Tables as the CSV files readers download, and the open-data export of a view."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.open_data import export, neutralised
from db.queries import Filters


def csv_bytes(table: pd.DataFrame, about: list[str] | None = None) -> bytes:
    """The table as UTF-8 CSV, each text cell a spreadsheet would run as a formula prefixed
    with an apostrophe (shown as text); numbers stay numbers. `about` (a chart's title, period
    and filters, source) comes first, a "# " line each, so a number pasted into a slide can be
    traced (pandas: read_csv(path, skiprows=len(about)))."""
    safe = table.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_datetime64_any_dtype(safe[column]):
            safe[column] = safe[column].map(neutralised)
    head = "".join(f"# {neutralised(line)}\n" for line in about or [])
    return (head + safe.to_csv(index=False)).encode("utf-8")


def export_bytes(engine: Engine, fmt: str, filters: Filters) -> bytes:
    """The open-data export (db.open_data.export) of the filters in one format, as the bytes a
    download button serves: made when the reader clicks, not on every page run."""
    out = io.BytesIO()
    with Session(engine) as session:
        export(session, fmt, filters, out)
    return out.getvalue()
