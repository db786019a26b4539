"""Overview: the headline figures against the previous period, the monthly trend, the top
target types, what the data cover and the coalition's own totals for the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.comparison import Comparison, compare_with_previous_period
from dashboard.record import scope_of
from db import queries
from db.queries import Coverage, Filters, Headline, PublishedComparison


@dataclass(frozen=True)
class OverviewData:
    current: Headline
    previous: Headline | None  # the previous period of equal length, where the data reach it
    comparison: Comparison
    published: list[PublishedComparison]  # the coalition's totals for the period, with the data's
    trend: pd.DataFrame  # strikes per month by country
    top_targets: pd.DataFrame  # the ten target types hit most
    coverage: Coverage


def load_overview(db: Session, filters: Filters, period: tuple[date | None, date | None],
                  first_data_day: date | None) -> OverviewData:
    comparison = compare_with_previous_period(filters, period, first_data_day)
    return OverviewData(
        current=queries.headline(db, filters),
        previous=queries.headline(db, comparison.previous) if comparison.previous else None,
        comparison=comparison,
        published=queries.published_coverage(db, start=period[0], end=period[1], scope=scope_of(filters)),
        trend=queries.strikes_over_time(db, filters, grain="month", split="country"),
        top_targets=queries.targets_by_type(db, filters).head(10),
        coverage=queries.coverage(db, filters),
    )
