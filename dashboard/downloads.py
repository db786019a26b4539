"""Tables as the CSV files readers download."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs ("=2+5",
# "+cmd|' /C calc'!A0"): the text of a release or a file could put one there.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value):
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV, each text cell a spreadsheet would run as a formula prefixed
    with an apostrophe (shown as text); numbers stay numbers."""
    safe = table.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_datetime64_any_dtype(safe[column]):
            safe[column] = safe[column].map(_as_text)
    return safe.to_csv(index=False).encode("utf-8")
