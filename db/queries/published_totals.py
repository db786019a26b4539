"""The totals the coalition itself published, and what the data hold of them: the reference
every total of ours is held against (table published_total)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import PublishedTotal, Release, StrikeDay
from loaders.campaign import CAMPAIGN_START

_COLUMNS = ["as_of", "period_start", "scope", "strikes", "engagements", "who_stated", "url", "quote", "release_id"]


@dataclass(frozen=True)
class PublishedComparison:
    """A published total beside the strikes the data count for the same days and scope."""

    scope: str  # all, Iraq, Syria
    period_start: date
    as_of: date
    published: int
    held: int
    who_stated: str
    url: str | None
    # where the period is the difference of two cumulative totals: the day of the earlier one
    # (the period runs from the day after it to as_of)
    since: date | None = None

    @property
    def cumulative(self) -> bool:
        return self.period_start == CAMPAIGN_START

    @property
    def excess(self) -> int:
        """The strikes the data count above the published figure: never coverage, a flag (the
        audit's published-totals check lists each on Data quality)."""
        return max(0, self.held - self.published)

    @property
    def share(self) -> float:
        """What the data hold of the published figure, 0 to 1 (1 where they count more: see excess)."""
        return min(1.0, self.held / self.published) if self.published else 0.0


def published_totals(session: Session) -> pd.DataFrame:
    """Columns as_of, period_start, scope, strikes, engagements, who_stated, url, quote, release_id:
    one row per figure, from the reference rows and from the releases counted now that quote one
    (a figure both state is listed once, with the reference's source), oldest first."""
    statement = (
        select(PublishedTotal.as_of_date.label("as_of"), PublishedTotal.period_start, PublishedTotal.scope,
               PublishedTotal.strikes, PublishedTotal.engagements, PublishedTotal.who_stated, PublishedTotal.url,
               PublishedTotal.quote, PublishedTotal.release_id)
        .outerjoin(Release, Release.id == PublishedTotal.release_id)
        .where(or_(PublishedTotal.release_id.is_(None), Release.is_current.is_(True)))
        # reference rows first: of a figure stated twice, the first row is kept
        .order_by(PublishedTotal.as_of_date, PublishedTotal.scope, PublishedTotal.release_id.is_not(None),
                  PublishedTotal.id)
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=_COLUMNS)
    if frame.empty:
        return frame
    for column in ("as_of", "period_start"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame = frame.drop_duplicates(["as_of", "period_start", "scope", "strikes"], keep="first")
    return frame.reset_index(drop=True)


def strikes_held(session: Session, start: date, end: date, scope: str) -> int:
    """The strikes the data count from start to end, in one country or both (scope all)."""
    # a span of days counts where the period holds it whole (docs/COUNTING.md)
    statement = select(func.coalesce(func.sum(StrikeDay.strikes), 0)).where(
        StrikeDay.day >= start, StrikeDay.day <= end, func.coalesce(StrikeDay.last_day, StrikeDay.day) <= end)
    if scope != "all":
        statement = statement.where(StrikeDay.country == scope)
    return int(session.scalar(statement) or 0)


def _text(value) -> str | None:
    """A text cell of a frame, None where it is missing (pandas gives NaN for a NULL)."""
    return value if isinstance(value, str) and value else None


def _comparison(session: Session, row) -> PublishedComparison:
    return PublishedComparison(
        row.scope, row.period_start, row.as_of, int(row.strikes),
        strikes_held(session, row.period_start, row.as_of, row.scope), _text(row.who_stated) or "", _text(row.url),
    )


def published_coverage(session: Session, start: date | None, end: date | None, scope: str = "all") -> list[PublishedComparison]:
    """What the data hold of the published totals for a period: first the latest cumulative
    total on or before its end, then each total of a shorter period that lies within it (a
    month, a week, a day), oldest first; each beside the data's strikes for the same days."""
    totals = published_totals(session)
    if totals.empty:
        return []
    totals = totals[totals["scope"] == scope]
    if end is not None:
        totals = totals[totals["as_of"] <= end]
    cumulative = totals[totals["period_start"] == CAMPAIGN_START]
    shorter = totals[totals["period_start"] != CAMPAIGN_START]
    if start is not None:
        shorter = shorter[shorter["period_start"] >= start]
    comparisons = [_comparison(session, row) for row in cumulative.tail(1).itertuples()]
    comparisons += [_comparison(session, row) for row in shorter.itertuples()]
    return comparisons


def covering_total(session: Session, start: date, end: date, scope: str = "all") -> PublishedComparison | None:
    """The coalition's figure for the shortest period that holds the whole of start..end, beside
    the data's strikes for that period: a total published for such a period (a month for a
    week in it), or the difference of its cumulative totals on the last day before start and on
    the first day from end on (from the campaign's start where none precedes start). None
    where no published figure covers the whole view: a period inside a view never judges it."""
    totals = published_totals(session)
    if totals.empty:
        return None
    totals = totals[totals["scope"] == scope]
    candidates = []
    for row in totals.itertuples():
        if row.period_start != CAMPAIGN_START and row.period_start <= start and row.as_of >= end:
            candidates.append((row.period_start, row.as_of, int(row.strikes), row, None))
    cumulative = totals[totals["period_start"] == CAMPAIGN_START]
    after = cumulative[cumulative["as_of"] >= end]
    if not after.empty:
        upper = after.iloc[0]
        before = cumulative[cumulative["as_of"] < start]
        if before.empty:
            candidates.append((CAMPAIGN_START, upper.as_of, int(upper.strikes), upper, None))
        else:
            lower = before.iloc[-1]
            published = int(upper.strikes) - int(lower.strikes)
            if published > 0:
                candidates.append((lower.as_of + timedelta(days=1), upper.as_of, published, upper, lower.as_of))
    if not candidates:
        return None
    # the shortest; of equal ones a total published for the period itself
    first, last, published, row, since = min(candidates, key=lambda item: ((item[1] - item[0]).days, item[4] is not None))
    return PublishedComparison(scope, first, last, published, strikes_held(session, first, last, scope),
                               _text(row.who_stated) or "", _text(row.url), since)


def latest_cumulative(session: Session, end: date | None, scope: str = "all") -> PublishedComparison | None:
    """The coalition's latest total since the campaign began, on or before end, beside the data's."""
    return next((item for item in reversed(published_coverage(session, None, end, scope)) if item.cumulative), None)


def running_held(session: Session, scope: str = "all") -> pd.DataFrame:
    """Columns period, strikes, running: the data's strikes per month since the campaign began,
    and their running total at each month's end, in one country or both (a span of days in the
    month it ends)."""
    # a span of days joins the running total in the month it ends (the total holds it whole then)
    month = func.coalesce(StrikeDay.last_month, StrikeDay.month)
    statement = select(month.label("period"), func.sum(StrikeDay.strikes).label("strikes"))
    if scope != "all":
        statement = statement.where(StrikeDay.country == scope)
    statement = statement.where(StrikeDay.month.is_not(None)).group_by(month).order_by(month)
    frame = pd.DataFrame(session.execute(statement).all(), columns=["period", "strikes"])
    if frame.empty:
        return frame.assign(running=[])
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    frame["strikes"] = frame["strikes"].astype(int)
    frame["running"] = frame["strikes"].cumsum()
    return frame
