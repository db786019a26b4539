"""Overview: the headline figures against the previous period, the monthly trend, the top
target types, what the data cover and the coalition's own totals for the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.comparison import Comparison, compare_with_previous_period
from dashboard.page_data.areas import UNKNOWN
from dashboard.page_data.common import bars_and_spans, with_flagged
from dashboard.record import scope_of
from dashboard.summary import SummaryFacts
from db import queries
from db.queries import Coverage, CrossingSpan, Filters, Headline, PublishedComparison


@dataclass(frozen=True)
class OverviewData:
    current: Headline
    previous: Headline | None  # the previous period of equal length, where the data reach it
    comparison: Comparison
    published: list[PublishedComparison]  # the coalition's totals for the period, with the data's
    reference: PublishedComparison | None  # the published figure that covers the view (covering_total)
    latest: PublishedComparison | None  # the coalition's latest cumulative total by the view's end
    trend: pd.DataFrame  # strikes per month by country
    trend_spans: pd.DataFrame  # strikes over spans of days no one month holds, by country
    crossing: list[CrossingSpan]  # spans of days the dates cut: counted in no total of the view
    top_targets: pd.DataFrame  # the ten target types hit most
    coverage: Coverage
    summary: SummaryFacts  # the same figures, for the summary in words

    @property
    def source_of_record(self) -> PublishedComparison | None:
        """The published figure the record note quotes (its source is the note's)."""
        return self.reference or self.latest

    @property
    def trend_table(self) -> pd.DataFrame:
        """The monthly chart's numbers, as its CSV holds them (bars_and_spans)."""
        return bars_and_spans(self.trend, self.trend_spans)


def _strikes_by_group(*frames: pd.DataFrame) -> dict[str, int]:
    """Strikes per group of the bars and the spans together: the view's whole count, by group."""
    parts = [frame[["group", "strikes"]] for frame in frames if not frame.empty]
    if not parts:
        return {}
    return {str(group): int(strikes) for group, strikes in pd.concat(parts).groupby("group")["strikes"].sum().items()}


def load_overview(db: Session, filters: Filters, period: tuple[date | None, date | None],
                  first_data_day: date | None) -> OverviewData:
    comparison = compare_with_previous_period(filters, period, first_data_day)
    current = queries.headline(db, filters)
    previous = queries.headline(db, comparison.previous) if comparison.previous else None
    scope = scope_of(filters)
    published = queries.published_coverage(db, start=period[0], end=period[1], scope=scope)
    reference = queries.covering_total(db, period[0], period[1], scope) if period[0] and period[1] else None
    latest = queries.latest_cumulative(db, period[1], scope)
    trend = queries.strikes_over_time(db, filters, grain="month", split="country")
    if not trend.empty:
        trend = with_flagged(trend, queries.strikes_on_flagged_releases(db, filters, "month", "country"))
    trend_spans = queries.spans_over_time(db, filters, grain="month", split="country")
    crossing = queries.spans_crossing(db, filters)
    top_targets = queries.targets_by_type(db, filters).head(10)
    coverage = queries.coverage(db, filters)
    places = queries.ranking(db, filters, by="place", limit=3)
    summary = SummaryFacts(
        filters=filters, period=period, current=current, previous=previous, comparison=comparison,
        by_country=_strikes_by_group(trend, trend_spans),
        top_places=[(str(name), int(strikes)) for name, strikes in zip(places["name"], places["strikes"], strict=True)
                    if name not in UNKNOWN],
        top_target=(str(top_targets["type"].iloc[0]), int(top_targets["targets"].iloc[0])) if not top_targets.empty
        else None,
        coverage=coverage, reference=reference,
    )
    return OverviewData(current, previous, comparison, published, reference, latest, trend, trend_spans, crossing, top_targets, coverage,
                        summary)
