"""Data quality: what the parser flagged, by kind and over time; the places and phrases not
resolved; the releases whose totals differ from their lines; the strikes without a day."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db import queries
from db.queries import Filters, Headline, TargetCounts


@dataclass(frozen=True)
class QualityData:
    """Diagnostics (by_kind, over_time, totals, unparsed) are read for the releases of the
    period: dates only. The rest follows every filter."""

    by_kind: pd.DataFrame
    over_time: pd.DataFrame
    totals: pd.DataFrame  # releases whose stated totals differ from their lines, with a reason code
    unparsed: pd.DataFrame  # sentences with numbers that gave no row
    unresolved: pd.DataFrame
    unclassified: pd.DataFrame
    undated: pd.DataFrame
    headline: Headline
    target_counts: TargetCounts

    def count_of(self, kind: str, column: str = "diagnostics") -> int:
        counts = self.by_kind.set_index("kind")[column] if not self.by_kind.empty else pd.Series(dtype=int)
        return int(counts.get(kind, 0))


def load_quality(db: Session, filters: Filters) -> QualityData:
    release_filters = filters.dates_only()
    return QualityData(
        by_kind=queries.diagnostics_by_kind(db, release_filters),
        over_time=queries.diagnostics_over_time(db, release_filters),
        totals=queries.totals_check(db, release_filters),
        unparsed=queries.diagnostics_list(db, release_filters, kind="unparsed_sentence"),
        unresolved=queries.unresolved_places(db, filters),
        unclassified=queries.unclassified_targets(db, filters),
        undated=queries.undated_reports(db, filters),
        headline=queries.headline(db, filters),
        target_counts=queries.target_counts(db, filters),
    )


def load_diagnostics(db: Session, filters: Filters, kind: str) -> pd.DataFrame:
    """Every diagnostic of one kind in the releases of the period (dates only), newest first."""
    return queries.diagnostics_list(db, filters.dates_only(), kind=kind)
