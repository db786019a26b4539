"""Timeline: the chart of strikes or engagements per period (with the bars that tower because
their release states no day), the days each release covers, and the whole record: the data's
running total against the totals the coalition published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from dashboard import charts
from dashboard.page_data.common import bars_and_spans
from dashboard.view_state import TimelineView
from db import queries
from db.queries import CrossingSpan, Filters, PublishedComparison
from loaders.published_figures import CAMPAIGN_START


@dataclass(frozen=True)
class TimelineChart:
    series: pd.DataFrame  # period, group and the measure; the largest groups, the rest as "other"
    days: pd.DataFrame  # the days a release covers, with or without counts
    tall_bars: list[charts.TallBar]  # bars that tower because their release states no day
    shown: int  # the height the y axis shows in full where a bar is cut
    # strikes stated over spans of days no one period holds: drawn across their days
    spans: pd.DataFrame = field(default_factory=pd.DataFrame)
    crossing: list[CrossingSpan] = field(default_factory=list)  # spans the dates cut: in no bar or band

    @property
    def periods(self) -> list[date]:
        return sorted(set(self.series["period"])) if not self.series.empty else []

    @property
    def table(self) -> pd.DataFrame:
        """What the chart plots, as its CSV holds it (bars_and_spans)."""
        return bars_and_spans(self.series, self.spans)


def load_timeline_chart(db: Session, filters: Filters, view: TimelineView) -> TimelineChart:
    series = charts.top_groups(queries.strikes_over_time(db, filters, grain=view.grain, split=view.split),
                               view.measure)
    # overlapping categories would add up to more than the period's strikes: its total decides
    whole = queries.strikes_over_time(db, filters, grain=view.grain, split="none") if view.overlapping else series
    tall_bars, shown = charts.undated_tall_bars(
        whole, view.measure, lambda day: queries.undated_totals(db, filters.in_period(day, view.grain))[view.measure],
    )
    spans = queries.spans_over_time(db, filters, grain=view.grain, split=view.split)
    return TimelineChart(series, queries.coverage_days(db, filters), tall_bars, shown, spans,
                         queries.spans_crossing(db, filters))


@dataclass(frozen=True)
class WholeRecord:
    scope: str
    held: pd.DataFrame  # the data's running total of strikes
    cumulative: pd.DataFrame  # the campaign totals the coalition published, for the scope
    latest_held: int | None  # the data's total on the day of the newest such total
    shorter: list[PublishedComparison]  # totals for shorter periods within the dates in view


def load_whole_record(db: Session, scope: str, period: tuple[date | None, date | None]) -> WholeRecord:
    published = queries.published_totals(db)
    cumulative = published[(published["scope"] == scope) & (published["period_start"] == CAMPAIGN_START)] \
        if not published.empty else published
    record = queries.published_coverage(db, start=None, end=cumulative["as_of"].max() if not cumulative.empty else None,
                                        scope=scope)
    latest = [item for item in record if item.cumulative]
    shorter = [item for item in queries.published_coverage(db, start=period[0], end=period[1], scope=scope)
               if not item.cumulative]
    return WholeRecord(scope, queries.running_held(db, scope=scope), cumulative,
                       latest[-1].held if latest else None, shorter)
