"""Timeline: the chart of strikes or engagements per period (with the bars that tower because
their release states no day), the days each release covers, and the whole record: the data's
running total against the totals the coalition published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from dashboard import charts
from dashboard.page_data.common import bars_and_spans, with_flagged
from dashboard.series import TallBar, top_groups, undated_tall_bars
from dashboard.view_state import TimelineView
from db import queries
from db.queries import CrossingSpan, Filters, PublishedComparison
from loaders.campaign import CAMPAIGN_START

_CAMPAIGN_DAY = f"{CAMPAIGN_START.day} {CAMPAIGN_START:%b %Y}"  # 8 Aug 2014


@dataclass(frozen=True)
class TimelineChart:
    series: pd.DataFrame  # period, group and the measure; the largest groups, the rest as "other"
    days: pd.DataFrame  # the days a release covers, with or without counts
    tall_bars: list[TallBar]  # bars that tower because their release states no day
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
    series = top_groups(queries.strikes_over_time(db, filters, grain=view.grain, split=view.split),
                        view.measure, charts.MOST_GROUPS)
    # overlapping categories would add up to more than the period's strikes: its total decides
    whole = queries.strikes_over_time(db, filters, grain=view.grain, split="none") if view.overlapping else series
    tall_bars, shown = undated_tall_bars(
        whole, view.measure, lambda day: queries.undated_totals(db, filters.in_period(day, view.grain))[view.measure],
    )
    spans = queries.spans_over_time(db, filters, grain=view.grain, split=view.split)
    if view.split in ("none", "country") and view.measure == "strikes" and not series.empty:
        series = with_flagged(series, queries.strikes_on_flagged_releases(db, filters, view.grain, view.split))
    return TimelineChart(series, queries.coverage_days(db, filters), tall_bars, shown, spans,
                         queries.spans_crossing(db, filters))


@dataclass(frozen=True)
class WholeRecord:
    scope: str
    held: pd.DataFrame  # the data's running total of strikes
    cumulative: pd.DataFrame  # the campaign totals the coalition published, for the scope
    latest_held: int | None  # the data's total on the day of the newest such total
    shorter: list[PublishedComparison]  # totals for shorter periods within the dates in view

    # The coalition published totals by country only: the running total follows the view's one
    # country (its scope) and nothing else of it, every day from the campaign's first and every
    # place and target; its title, subtitle and CSV say so, whatever filters the page has.

    @property
    def filters(self) -> Filters:
        """The filters the running total's numbers obey: the scope's country alone."""
        return Filters(countries=() if self.scope == "all" else (self.scope,))

    @property
    def title(self) -> str:
        where = "" if self.scope == "all" else f" in {self.scope}"
        return f"Strikes in the data against the coalition's own totals{where}, since {_CAMPAIGN_DAY}"

    @property
    def subtitle(self) -> str:
        where = "both countries" if self.scope == "all" else self.scope
        return " · ".join((f"all dates from {_CAMPAIGN_DAY}",
                           f"{where}; every place and target (the coalition published totals by country only)",
                           "◆ a total the coalition published"))

    @property
    def table(self) -> pd.DataFrame:
        """What the chart's line plots, as its CSV holds it: strikes per month and their running total."""
        return self.held


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
