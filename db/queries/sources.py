"""Where the numbers come from: the detail rows or the summaries of db.summaries, written once
for both (tests/test_summaries.py runs every query both ways)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import (
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from db.models import (
    Place,
    StrikeDay,
    StrikeReport,
    Target,
    TargetMonth,
    TargetPlaceMonth,
)
from db.queries.filters import Filters, report_rows, target_condition
from db.queries.periods import period_bucket
from loaders.dates import month_of, next_month


@dataclass(frozen=True)
class _StrikeSource:
    """Strike-level columns of one source, so each query is written once for both."""

    select: Callable[..., Select]  # (filters, *columns) -> filtered SELECT
    day: ColumnElement
    country: ColumnElement
    place_id: ColumnElement
    strikes: ColumnElement  # aggregates
    engagements: ColumnElement
    reports: ColumnElement  # itemised strike reports
    unitemised: ColumnElement  # strikes of stated totals that no line itemises (in strikes too)
    unitemised_engagements: ColumnElement
    periods: Callable[[Session, str], ColumnElement]  # (session, grain) -> first day of the period
    # (session, grain) -> whether a row lies within one period of the grain: one day, or a span
    # of days inside one week or month; a chart shows the others as spans (spans_over_time)
    fits: Callable[[Session, str], ColumnElement]
    last_day: ColumnElement  # a span's last day; NULL for one day


def summary_select(table, filters: Filters, columns, day, country, place_id, kind=None, last_day=None) -> Select:
    """SELECT columns FROM a summary table, filtered. Places are filtered by id, and a query
    that shows place names joins them after aggregating (a join per row costs more than the
    aggregate itself). A row over a span of days (last_day) counts where the dates hold it whole:
    its first day and its last. The bound on the first day also lets the index of days stop at
    the period's end, where the last day's alone read every row after its start."""
    conditions = []
    if filters.start:
        conditions.append(day >= filters.start)
    if filters.end:
        conditions.append(day <= filters.end)
        if last_day is not None:
            conditions.append(func.coalesce(last_day, day) <= filters.end)
    if filters.countries:
        conditions.append(country.in_(filters.countries))
    if filters.provinces:
        conditions.append(place_id.in_(select(Place.id).where(Place.province.in_(filters.provinces))))
    if filters.places:
        conditions.append(place_id.in_(select(Place.id).where(Place.name.in_(filters.places))))
    for values, column in zip((filters.categories, filters.types, filters.actions), kind or (), strict=False):
        if values:
            conditions.append(column.in_(values))
    return select(*columns).select_from(table).where(*conditions)


def _strike_days(filters: Filters, *columns) -> Select:
    """SELECT columns FROM strike_day, filtered: the summary twin of report_rows."""
    return summary_select(StrikeDay, filters, columns, StrikeDay.day, StrikeDay.country, StrikeDay.place_id,
                          last_day=StrikeDay.last_day)


# Engagements are NULL where no line states any ("not reported": releases before 2017 counted
# strikes only), never 0.
DETAIL_STRIKES = _StrikeSource(
    report_rows, StrikeReport.strike_date, StrikeReport.country, StrikeReport.place_id,
    func.coalesce(func.sum(StrikeReport.strikes), 0), func.sum(StrikeReport.engagements),
    func.coalesce(func.sum(case((StrikeReport.itemised, 1), else_=0)), 0),
    func.coalesce(func.sum(case((StrikeReport.itemised, 0), else_=StrikeReport.strikes)), 0),
    func.coalesce(func.sum(case((StrikeReport.itemised, 0), else_=StrikeReport.engagements)), 0),
    lambda session, grain: period_bucket(session, grain),
    lambda session, grain: StrikeReport.last_date.is_(None) if grain == "day" else or_(
        StrikeReport.last_date.is_(None),
        period_bucket(session, grain, StrikeReport.last_date) == period_bucket(session, grain)),
    StrikeReport.last_date,
)


_SUMMARY_STRIKES = _StrikeSource(
    _strike_days, StrikeDay.day, StrikeDay.country, StrikeDay.place_id,
    func.coalesce(func.sum(StrikeDay.strikes), 0),
    case((func.sum(StrikeDay.engagement_lines) > 0, func.sum(StrikeDay.engagements)), else_=None),
    func.coalesce(func.sum(StrikeDay.reports), 0), func.coalesce(func.sum(StrikeDay.unitemised), 0),
    func.coalesce(func.sum(StrikeDay.unitemised_engagements), 0),
    lambda _session, grain: {"day": StrikeDay.day, "week": StrikeDay.week, "month": StrikeDay.month}[grain],
    lambda _session, grain: {"day": StrikeDay.last_day.is_(None),
                             "week": or_(StrikeDay.last_week.is_(None), StrikeDay.last_week == StrikeDay.week),
                             "month": or_(StrikeDay.last_month.is_(None), StrikeDay.last_month == StrikeDay.month)}[grain],
    StrikeDay.last_day,
)


def strike_source(filters: Filters) -> _StrikeSource:
    """strike_day holds every strike-level dimension; which reports hit which target it does not."""
    return DETAIL_STRIKES if filters.has_target_filter or not summaries_enabled() else _SUMMARY_STRIKES


def summaries_enabled() -> bool:
    """Whether queries may read the summaries (tests switch it off to check both paths agree)."""
    return True


@dataclass(frozen=True)
class _TargetSource:
    select: Callable[..., Select]  # (filters, *columns) -> filtered SELECT over targets
    category: ColumnElement
    type: ColumnElement
    action: ColumnElement
    month: Callable[[Session], ColumnElement]
    measures: dict[str, ColumnElement]  # targets, mentions, numbered: aggregates


def _target_months(model):
    """(filters, *columns) -> SELECT FROM target_month or target_place_month; the dates must
    be whole months."""
    def target_months(filters: Filters, *columns) -> Select:
        return summary_select(model, filters, columns, model.month, model.country,
                               getattr(model, "place_id", None), (model.category, model.type, model.action))
    return target_months


# A plural without a number ("destroyed fighting positions") counts one: a lower bound.
DETAIL_TARGETS = _TargetSource(
    lambda filters, *columns: target_rows(filters, *columns), Target.category, Target.type, Target.action,
    lambda session: period_bucket(session, "month"),
    {"targets": func.coalesce(func.sum(func.coalesce(Target.count, 1)), 0), "mentions": func.count(),
     "numbered": func.count(Target.count)},
)


_SUMMARY_TARGETS, _PLACE_SUMMARY_TARGETS = (
    _TargetSource(
        _target_months(model), model.category, model.type, model.action, lambda _session, model=model: model.month,
        {name: func.coalesce(func.sum(getattr(model, name)), 0) for name in ("targets", "mentions", "numbered")},
    )
    for model in (TargetMonth, TargetPlaceMonth)
)


def _target_pieces(filters: Filters, by_month: bool = True) -> list[tuple[_TargetSource, Filters]]:
    """The sources that together count the filtered targets: target_month for the whole
    months of the period, the detail rows for the days before the first and after the last."""
    if not (by_month and summaries_enabled()):
        return [(DETAIL_TARGETS, filters)]
    low, high = filters.start, filters.end
    whole_low = low if low is None or low.day == 1 else next_month(low)
    whole_high = high if high is None or (high + timedelta(days=1)).day == 1 else month_of(high) - timedelta(days=1)
    if whole_low is not None and whole_high is not None and whole_low > whole_high:
        return [(DETAIL_TARGETS, filters)]  # no whole month in the period
    summary = _PLACE_SUMMARY_TARGETS if filters.provinces or filters.places else _SUMMARY_TARGETS
    pieces = [(summary, replace(filters, start=whole_low, end=whole_high))]
    if low is not None and whole_low != low:
        pieces.append((DETAIL_TARGETS, replace(filters, start=low, end=whole_low - timedelta(days=1))))
    if high is not None and whole_high != high:
        pieces.append((DETAIL_TARGETS, replace(filters, start=whole_high + timedelta(days=1), end=high)))
    return pieces


def target_totals(
    session: Session,
    filters: Filters,
    dimensions: Callable[[_TargetSource], list[ColumnElement]],
    measures: tuple[str, ...],
    where: Callable[[_TargetSource], list[ColumnElement]] = lambda source: [],
    by_month: bool = True,
) -> Select:
    """SELECT the dimensions (labelled) and the summed measures of the filtered targets,
    over every piece of _target_pieces, one row per combination of dimension values."""
    selects = []
    for source, piece in _target_pieces(filters, by_month):
        columns = dimensions(source)
        selects.append(
            source.select(piece, *columns, *(source.measures[name].label(name) for name in measures))
            .where(*where(source)).group_by(*columns)
        )
    if len(selects) == 1:
        return selects[0]
    pieces = union_all(*selects).subquery()
    names = [column.name for column in dimensions(DETAIL_TARGETS)]
    return select(*(pieces.c[name] for name in names), *(func.sum(pieces.c[name]).label(name) for name in measures)) \
        .group_by(*(pieces.c[name] for name in names))


def target_rows(filters: Filters, *columns) -> Select:
    statement = report_rows(filters, *columns).join(Target, Target.strike_report_id == StrikeReport.id)
    if filters.has_target_filter:
        statement = statement.where(target_condition(filters))
    return statement
