"""What every page's frame needs (the filter bar's choices and the source line), and the
strike reports behind a number, listed under several pages' charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db import queries
from db.queries import Filters, Headline
from loaders.campaign import CAMPAIGN_LAST_DAY, CAMPAIGN_START

# Before any data: the campaign's own span, so the date picker still opens on it.
CAMPAIGN_SPAN = (CAMPAIGN_START, CAMPAIGN_LAST_DAY)


@dataclass(frozen=True)
class FrameData:
    """The filter bar's choices (filter_options), the releases in the whole data and the
    day of the latest import (for the source line)."""

    options: dict
    releases: int
    last_import: date | None

    @property
    def bounds(self) -> tuple[date, date]:
        """The data's first and last strike day (the campaign's span before any data)."""
        first, last = self.options["bounds"]
        return (first, last) if first else CAMPAIGN_SPAN

    def period_of(self, filters: Filters) -> tuple[date | None, date | None]:
        """The period a view covers: its dates, or the data's first and last day (None before
        any data)."""
        first, last = self.options["bounds"]
        return filters.start or first, filters.end or last


def load_frame(db: Session) -> FrameData:
    return FrameData(queries.filter_options(db), queries.counted_releases(db), queries.last_import_day(db))


@dataclass(frozen=True)
class ReportsBehind:
    """The strike reports behind a figure (the first `limit`), with their totals."""

    totals: Headline
    reports: pd.DataFrame

    @property
    def cut(self) -> bool:
        return self.totals.reports > len(self.reports)


def load_reports_behind(db: Session, filters: Filters, limit: int = 300) -> ReportsBehind:
    return ReportsBehind(queries.headline(db, filters), queries.strike_reports(db, filters, limit=limit))


def bars_and_spans(series: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """What a time chart plots, as its CSV holds it: a row per period and group (the bars), then
    a row per span of days no one period holds (period: its first day, last_day: its last)."""
    if spans.empty:
        return series
    return pd.concat([series.assign(last_day=None), spans.rename(columns={"first": "period", "last": "last_day"})],
                     ignore_index=True)


def with_flagged(series: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """series with a column "flagged": of each bar's strikes, those whose release does not add
    up (Data quality lists it); 0 for the others."""
    merged = series.merge(flagged, on=["period", "group"], how="left") if not flagged.empty else \
        series.assign(flagged=0)
    merged["flagged"] = merged["flagged"].fillna(0).astype(int)
    return merged

