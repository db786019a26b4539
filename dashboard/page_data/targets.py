"""Targets: the counts (lower bounds), types and categories, actions, and the phrases the
taxonomy does not know; and one type over time."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from db import queries
from db.queries import Filters, Headline, TargetCounts


@dataclass(frozen=True)
class TargetsData:
    headline: Headline
    counts: TargetCounts
    by_type: pd.DataFrame  # category, type, targets, mentions: largest first
    by_action: pd.DataFrame
    unclassified: pd.DataFrame  # phrases without a type, with an example as written


def load_targets(db: Session, filters: Filters) -> TargetsData:
    return TargetsData(
        headline=queries.headline(db, filters),
        counts=queries.target_counts(db, filters),
        by_type=queries.targets_by_type(db, filters),
        by_action=queries.targets_by_action(db, filters),
        unclassified=queries.unclassified_targets(db, filters),
    )


def load_type_trend(db: Session, filters: Filters, target_type: str) -> pd.DataFrame:
    """Targets of one type per month, by action."""
    return queries.target_type_trend(db, filters, target_type=target_type, grain="month")
