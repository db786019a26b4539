"""Queries behind the pages: filters in, tidy DataFrames out, aggregated in SQL.

Every query counts only the current version of each release. Strike-level filters (dates,
country, province, place) select strike reports; target-level filters (category, type,
action) keep the strike reports that have a matching target and, in target charts, only the
matching targets.

Most queries read the summaries of db.summaries instead of every strike report and target:
strike charts read strike_day (exact for any dates; the detail rows only where a target
filter asks which reports hit what), target charts read target_month for the whole months
of the period and the detail rows for the days at its ends. Both paths give the same
numbers (tests/test_queries.py runs every query both ways).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    desc,
    distinct,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from db.models import (
    Diagnostic,
    ImportBatch,
    Place,
    Release,
    ReleaseDay,
    StrikeDay,
    StrikeReport,
    Target,
    TargetMonth,
    TargetPlaceMonth,
)

# the published totals' queries, run by the pages by name as the ones here
from db.published_totals import published_coverage, published_totals, running_held  # noqa: F401
from db.summaries import month_of, week_of

GRAINS = ("day", "week", "month")
SPLITS = ("none", "country", "province", "place", "category")


@dataclass(frozen=True)
class Filters:
    """A view's filters; empty tuples mean "all"."""

    start: date | None = None
    end: date | None = None
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def has_target_filter(self) -> bool:
        return bool(self.categories or self.types or self.actions)

    def describe(self) -> str:
        """The filters in force, in words, for chart subtitles."""
        parts = []
        for label, values in (
            ("country", self.countries), ("province", self.provinces), ("place", self.places),
            ("category", self.categories), ("type", self.types), ("action", self.actions),
        ):
            if values:
                parts.append(f"{label}: {', '.join(values)}")
        return "; ".join(parts) if parts else "all countries, places and targets"

    def dates_only(self) -> Filters:
        """These filters' dates alone: all that the per-release queries apply (_release_period)."""
        return Filters(start=self.start, end=self.end)

    def in_period(self, day: date, grain: str) -> Filters:
        """These filters narrowed to the day, week or month that holds `day` (a bar of a chart),
        within their own dates."""
        first_day = period_start(day, grain)
        last_day = period_end(first_day, grain)
        return replace(self, start=max(first_day, self.start or first_day), end=min(last_day, self.end or last_day))

    def previous_period(self) -> Filters | None:
        """The same filters over the period of equal length just before this one."""
        if not (self.start and self.end):
            return None
        length = (self.end - self.start).days + 1
        return Filters(
            self.start - timedelta(days=length), self.start - timedelta(days=1), self.countries,
            self.provinces, self.places, self.categories, self.types, self.actions,
        )


@dataclass
class Coverage:
    first_day: date | None
    last_day: date | None
    releases: int
    days_with_release: int
    days_in_period: int
    days_with_counts: int = 0  # days a release states strikes for (coverage_days)
    days_without_counts: int = 0  # days only a summary without counts covers
    releases_with_text: int = 0  # of releases, those stored with their text (not starter facts only)

    @property
    def days_without_release(self) -> int:
        return max(self.days_in_period - self.days_with_release, 0)

    @property
    def days_not_covered(self) -> int:
        """Days of the period no release covers at all."""
        return max(self.days_in_period - self.days_with_counts - self.days_without_counts, 0)


@dataclass
class Headline:
    strikes: int  # the count of record: what the releases state, itemised or not
    engagements: int | None  # None: no release in view states any (not reported, not zero)
    releases: int
    places: int
    reports: int  # itemised strike reports
    unitemised: int = 0  # of strikes, those no line of their release itemises


@dataclass
class ReleaseDetail:
    release: Release
    reports: list[StrikeReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    versions: list[Release] = field(default_factory=list)


def _target_condition(filters: Filters) -> ColumnElement[bool]:
    conditions = []
    if filters.categories:
        conditions.append(Target.category.in_(filters.categories))
    if filters.types:
        conditions.append(Target.type.in_(filters.types))
    if filters.actions:
        conditions.append(Target.action.in_(filters.actions))
    return and_(*conditions)


def _report_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Release.is_current.is_(True)]
    if filters.start:
        conditions.append(StrikeReport.strike_date >= filters.start)
    if filters.end:
        conditions.append(StrikeReport.strike_date <= filters.end)
    if filters.countries:
        conditions.append(StrikeReport.country.in_(filters.countries))
    # places by id: the strike reports' place index finds them, instead of a pass over all
    if filters.provinces:
        conditions.append(StrikeReport.place_id.in_(select(Place.id).where(Place.province.in_(filters.provinces))))
    if filters.places:
        conditions.append(StrikeReport.place_id.in_(select(Place.id).where(Place.name.in_(filters.places))))
    if filters.has_target_filter:
        # correlate on the report only: target queries join Target in the outer query too
        conditions.append(
            exists(
                select(Target.id).where(Target.strike_report_id == StrikeReport.id, _target_condition(filters))
            ).correlate_except(Target)
        )
    return conditions


def _reports(filters: Filters, *columns) -> Select:
    """SELECT columns FROM strike reports of current releases (with their place), filtered."""
    return (
        select(*columns)
        .select_from(StrikeReport)
        .join(Release, Release.id == StrikeReport.release_id)
        .outerjoin(Place, Place.id == StrikeReport.place_id)
        .where(*_report_conditions(filters))
    )


def _frame(session: Session, statement: Select) -> pd.DataFrame:
    result = session.execute(statement)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def period_start(day: date, grain: str) -> date:
    """The first day of the day, week (Monday) or month that holds `day` (see _bucket)."""
    return {"day": day, "week": week_of(day), "month": month_of(day)}[grain]


def period_end(first_day: date, grain: str) -> date:
    """The last day of the day, week or month that starts on first_day (see _bucket)."""
    if grain == "month":
        return (first_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first_day + timedelta(days={"day": 0, "week": 6}[grain])


def _bucket(session: Session, grain: str) -> ColumnElement:
    """The first day of the day, week (Monday) or month a strike date falls in."""
    column = StrikeReport.strike_date
    if grain == "day":
        return column
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc(grain, column), Date)
    if grain == "month":
        return func.date(column, "start of month")
    # SQLite: back to the Monday of the week (strftime %w: Sunday = 0)
    days_back = (cast(func.strftime("%w", column), Integer) + 6) % 7
    return func.date(column, literal("-").concat(cast(days_back, String)).concat(" days"))


# --- where the numbers come from: detail rows or summaries ----------------------------------

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


def _summary_select(table, filters: Filters, columns, day, country, place_id, kind=None) -> Select:
    """SELECT columns FROM a summary table, filtered. Places are filtered by id, and a query
    that shows place names joins them after aggregating (a join per row costs more than the
    aggregate itself)."""
    conditions = []
    if filters.start:
        conditions.append(day >= filters.start)
    if filters.end:
        conditions.append(day <= filters.end)
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
    """SELECT columns FROM strike_day, filtered: the summary twin of _reports."""
    return _summary_select(StrikeDay, filters, columns, StrikeDay.day, StrikeDay.country, StrikeDay.place_id)


# Engagements are NULL where no line states any ("not reported": releases before 2017 counted
# strikes only), never 0.
_DETAIL_STRIKES = _StrikeSource(
    _reports, StrikeReport.strike_date, StrikeReport.country, StrikeReport.place_id,
    func.coalesce(func.sum(StrikeReport.strikes), 0), func.sum(StrikeReport.engagements),
    func.coalesce(func.sum(case((StrikeReport.itemised, 1), else_=0)), 0),
    func.coalesce(func.sum(case((StrikeReport.itemised, 0), else_=StrikeReport.strikes)), 0),
    func.coalesce(func.sum(case((StrikeReport.itemised, 0), else_=StrikeReport.engagements)), 0),
    lambda session, grain: _bucket(session, grain),
)
_SUMMARY_STRIKES = _StrikeSource(
    _strike_days, StrikeDay.day, StrikeDay.country, StrikeDay.place_id,
    func.coalesce(func.sum(StrikeDay.strikes), 0),
    case((func.sum(StrikeDay.engagement_lines) > 0, func.sum(StrikeDay.engagements)), else_=None),
    func.coalesce(func.sum(StrikeDay.reports), 0), func.coalesce(func.sum(StrikeDay.unitemised), 0),
    func.coalesce(func.sum(StrikeDay.unitemised_engagements), 0),
    lambda _session, grain: {"day": StrikeDay.day, "week": StrikeDay.week, "month": StrikeDay.month}[grain],
)


def _strike_source(filters: Filters) -> _StrikeSource:
    """strike_day holds every strike-level dimension; which reports hit which target it does not."""
    return _DETAIL_STRIKES if filters.has_target_filter or not summaries_enabled() else _SUMMARY_STRIKES


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
        return _summary_select(model, filters, columns, model.month, model.country,
                               getattr(model, "place_id", None), (model.category, model.type, model.action))
    return target_months


# A plural without a number ("destroyed fighting positions") counts one: a lower bound.
_DETAIL_TARGETS = _TargetSource(
    lambda filters, *columns: _targets(filters, *columns), Target.category, Target.type, Target.action,
    lambda session: _bucket(session, "month"),
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


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _target_pieces(filters: Filters, by_month: bool = True) -> list[tuple[_TargetSource, Filters]]:
    """The sources that together count the filtered targets: target_month for the whole
    months of the period, the detail rows for the days before the first and after the last."""
    if not (by_month and summaries_enabled()):
        return [(_DETAIL_TARGETS, filters)]
    low, high = filters.start, filters.end
    whole_low = low if low is None or low.day == 1 else _next_month(low)
    whole_high = high if high is None or (high + timedelta(days=1)).day == 1 else _month_start(high) - timedelta(days=1)
    if whole_low is not None and whole_high is not None and whole_low > whole_high:
        return [(_DETAIL_TARGETS, filters)]  # no whole month in the period
    summary = _PLACE_SUMMARY_TARGETS if filters.provinces or filters.places else _SUMMARY_TARGETS
    pieces = [(summary, replace(filters, start=whole_low, end=whole_high))]
    if low is not None and whole_low != low:
        pieces.append((_DETAIL_TARGETS, replace(filters, start=low, end=whole_low - timedelta(days=1))))
    if high is not None and whole_high != high:
        pieces.append((_DETAIL_TARGETS, replace(filters, start=whole_high + timedelta(days=1), end=high)))
    return pieces


def _target_totals(
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
    names = [column.name for column in dimensions(_DETAIL_TARGETS)]
    return select(*(pieces.c[name] for name in names), *(func.sum(pieces.c[name]).label(name) for name in measures)) \
        .group_by(*(pieces.c[name] for name in names))


# --- what the data covers ---------------------------------------------------------------

def data_version(session: Session) -> str:
    """The stamp every import changes; page caches key on it."""
    from db.ingest import current_data_version

    return current_data_version(session)


def coverage(session: Session, filters: Filters) -> Coverage:
    """First and last strike day, releases, days with and without a release, and how the
    period's days are covered (coverage_days)."""
    source = _strike_source(filters)
    first, last, reports = session.execute(
        source.select(filters, func.min(source.day), func.max(source.day), source.reports)
    ).one()
    release_conditions = [Release.is_current.is_(True)]
    if filters.start:
        release_conditions.append(Release.published >= filters.start)
    if filters.end:
        release_conditions.append(Release.published <= filters.end + timedelta(days=1))
    releases, days, with_text = session.execute(
        select(func.count(), func.count(distinct(Release.published)),
               func.count(case((Release.raw_text.is_not(None), 1)))).where(*release_conditions)
    ).one()
    start = filters.start or first
    end = filters.end or last
    period = (end - start).days + 1 if start and end else 0
    covered = coverage_days(session, Filters(start=start, end=end)) if period else pd.DataFrame(columns=["covered"])
    return Coverage(first, last, releases, days, period, int((covered["covered"] == COUNTED).sum()),
                    int((covered["covered"] == NO_COUNTS).sum()), int(with_text))


def headline(session: Session, filters: Filters) -> Headline:
    """Totals of the filtered strike reports."""
    source = _strike_source(filters)
    strikes, engagements, places, reports, unitemised = session.execute(
        source.select(filters, source.strikes, source.engagements, func.count(distinct(source.place_id)), source.reports,
                      source.unitemised)
    ).one()
    return Headline(int(strikes), None if engagements is None else int(engagements), _releases_reporting(session, filters),
                    int(places), int(reports), int(unitemised))


def _releases_reporting(session: Session, filters: Filters) -> int:
    """How many current releases have a strike report among the filtered ones."""
    if _strike_source(filters) is _DETAIL_STRIKES or filters.provinces or filters.places:
        # release_day knows days and countries, not places
        return int(session.scalar(_reports(filters, func.count(distinct(StrikeReport.release_id)))) or 0)
    statement = _summary_select(ReleaseDay, filters, [func.count(distinct(ReleaseDay.release_id))], ReleaseDay.day,
                                ReleaseDay.country, place_id=None)
    return int(session.scalar(statement) or 0)


def filter_options(session: Session) -> dict[str, list[str]]:
    """The values each filter can take, from the current data (its summaries)."""

    def values(column) -> list[str]:
        return sorted(v for (v,) in session.execute(select(column).distinct().where(column.is_not(None))) if v)

    reported = session.execute(
        select(Place.province, Place.name).where(Place.id.in_(select(StrikeDay.place_id).distinct()))
    ).all()
    bounds = session.execute(select(func.min(StrikeDay.day), func.max(StrikeDay.day))).one()
    return {
        "countries": values(StrikeDay.country),
        "provinces": sorted({province for province, _name in reported if province}),
        "places": sorted({name for _province, name in reported if name}),
        "categories": values(TargetMonth.category),
        "types": values(TargetMonth.type),
        "actions": values(TargetMonth.action),
        "bounds": list(bounds),
    }


# --- strikes over time and by area -------------------------------------------------------

NOT_ITEMISED = "not itemised"  # the group of strikes a release states but no line of it places


def strikes_over_time(session: Session, filters: Filters, grain: str = "week", split: str = "none") -> pd.DataFrame:
    """Columns period, group, strikes, engagements, reports, unitemised: one row per period and
    group. Split by none or country, a group's strikes include those its releases state without
    itemising them (unitemised, part of strikes); split by province, place or category, those
    strikes are a group of their own (NOT_ITEMISED)."""
    if grain not in GRAINS or split not in SPLITS:
        raise ValueError(f"unknown grain {grain!r} or split {split!r}")
    if split == "category":
        period = _bucket(session, grain).label("period")
        # a report counts once in each category it hit
        categories = select(Target.strike_report_id.label("report_id"), Target.category.label("category")).distinct()
        if filters.has_target_filter:
            categories = categories.where(_target_condition(filters))
        categories = categories.subquery()
        group = case((StrikeReport.itemised.is_(False), literal(NOT_ITEMISED)),
                     else_=func.coalesce(categories.c.category, "no target named")).label("group")
        statement = (
            _reports(
                filters, period, group,
                func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
                _DETAIL_STRIKES.engagements.label("engagements"),
                _DETAIL_STRIKES.reports.label("reports"), literal(0).label("unitemised"),
            )
            .outerjoin(categories, categories.c.report_id == StrikeReport.id)
            .group_by(period, group)
            .order_by(period)
        )
        return _dates(_frame(session, statement))
    source = _strike_source(filters)
    period = source.periods(session, grain).label("period")
    if split in ("none", "country"):
        measures = (source.strikes.label("strikes"), source.engagements.label("engagements"),
                    source.reports.label("reports"), source.unitemised.label("unitemised"))
        group = (literal("all") if split == "none" else func.coalesce(source.country, "unknown")).label("group")
        statement = source.select(filters, period, group, *measures).group_by(period, group).order_by(period)
        return _dates(_frame(session, statement))
    # by place id first (few rows), then by the place's province or name; what no line itemises
    # is a group of its own
    by_place = (
        source.select(filters, period, source.place_id.label("place_id"),
                      (source.strikes - source.unitemised).label("strikes"),
                      (source.engagements - source.unitemised_engagements).label("engagements"),
                      source.reports.label("reports"), source.unitemised.label("unitemised"),
                      source.unitemised_engagements.label("unitemised_engagements"))
        .group_by(period, source.place_id).subquery()
    )
    group = (func.coalesce(Place.province, "unknown") if split == "province"
             else func.coalesce(Place.name, "unresolved")).label("group")
    placed = (
        select(by_place.c.period, group, *(func.sum(by_place.c[name]).label(name)
                                           for name in ("strikes", "engagements", "reports")),
               literal(0).label("unitemised"))
        .select_from(by_place).outerjoin(Place, Place.id == by_place.c.place_id)
        .where(by_place.c.reports > 0)
        .group_by(by_place.c.period, group)
    )
    not_itemised = (
        select(by_place.c.period, literal(NOT_ITEMISED).label("group"),
               func.sum(by_place.c.unitemised).label("strikes"),
               func.sum(by_place.c.unitemised_engagements).label("engagements"),
               literal(0).label("reports"), literal(0).label("unitemised"))
        .group_by(by_place.c.period)
        .having(or_(func.sum(by_place.c.unitemised) > 0, func.sum(by_place.c.unitemised_engagements) > 0))
    )
    both = union_all(placed, not_itemised).subquery()
    statement = select(*both.c).order_by(both.c.period, both.c.group)
    return _dates(_frame(session, statement))


def _dates(frame: pd.DataFrame, column: str = "period") -> pd.DataFrame:
    """Dates as datetime.date (SQLite returns text, PostgreSQL dates)."""
    if not frame.empty:
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def release_days(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns day, releases: the days a current release was published (the coverage strip)."""
    conditions = [Release.is_current.is_(True), Release.published.is_not(None)]
    if filters.start:
        conditions.append(Release.published >= filters.start)
    if filters.end:
        conditions.append(Release.published <= filters.end + timedelta(days=1))
    statement = (
        select(Release.published.label("day"), func.count().label("releases"))
        .where(*conditions)
        .group_by(Release.published)
        .order_by(Release.published)
    )
    return _dates(_frame(session, statement), "day")


COUNTED, NO_COUNTS = "counts", "no counts"  # how a day is covered (coverage_days)


def coverage_days(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns day, covered: each day of the filtered dates a current release covers, COUNTED
    where one states strikes for it (a strike reported that day, or a day of the period a release
    with counts covers), NO_COUNTS where only a summary without counts covers it. Days no release
    covers are not listed. Releases are not filtered by country, place or target: a release
    covers a day whatever it reports."""
    conditions = [Release.is_current.is_(True), Release.period_start.is_not(None)]
    if filters.start:
        conditions.append(Release.period_end >= filters.start)
    if filters.end:
        conditions.append(Release.period_start <= filters.end)
    periods = session.execute(
        select(Release.period_start, Release.period_end, Release.states_counts).where(*conditions)).all()
    day_conditions = []
    if filters.start:
        day_conditions.append(ReleaseDay.day >= filters.start)
    if filters.end:
        day_conditions.append(ReleaseDay.day <= filters.end)
    counted = {_as_date(day) for (day,) in session.execute(
        select(ReleaseDay.day).distinct().where(ReleaseDay.day.is_not(None), *day_conditions))}
    summaries_only: set[date] = set()
    for first, last, states_counts in periods:
        first, last = _as_date(first), _as_date(last or first)
        first, last = max(first, filters.start or first), min(last, filters.end or last)
        days = {first + timedelta(days=offset) for offset in range((last - first).days + 1)}
        (counted if states_counts else summaries_only).update(days)
    rows = [(day, COUNTED) for day in counted] + [(day, NO_COUNTS) for day in summaries_only - counted]
    return pd.DataFrame(sorted(rows), columns=["day", "covered"])


def _as_date(value) -> date:
    """A date column's value as a date (SQLite returns text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def places_summary(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns place, country, province, lat, lon, precision, strikes, reports: one row per place."""
    by_place = _by_place(filters)
    statement = (
        select(Place.name.label("place"), Place.country.label("country"), Place.province.label("province"),
               Place.lat.label("lat"), Place.lon.label("lon"), Place.precision.label("precision"),
               by_place.c.strikes, by_place.c.reports)
        .join(by_place, by_place.c.place_id == Place.id)
        .order_by(by_place.c.strikes.desc(), Place.name)
    )
    return _frame(session, statement)


def _by_place(filters: Filters):
    """Subquery place_id, strikes, reports of the filtered strike reports that name a place."""
    source = _strike_source(filters)
    return (
        source.select(filters, source.place_id.label("place_id"), source.strikes.label("strikes"),
                      source.reports.label("reports"))
        .where(source.place_id.is_not(None))
        .group_by(source.place_id)
        .subquery()
    )


def ranking(session: Session, filters: Filters, by: str = "province", limit: int = 20) -> pd.DataFrame:
    """Columns name, country, strikes, reports: the top provinces or places by strikes."""
    if by not in ("province", "place", "country"):
        raise ValueError(f"unknown ranking {by!r}")
    source = _strike_source(filters)
    if by == "country":
        name = func.coalesce(source.country, "unknown").label("name")
        statement = source.select(filters, name, source.strikes.label("strikes"), source.reports.label("reports"))
    else:
        # by place id first (few rows), then by the place's name or province
        # the places and provinces of itemised strikes only: what no line places is no place's
        by_place = (
            source.select(filters, source.place_id.label("place_id"),
                          (source.strikes - source.unitemised).label("strikes"), source.reports.label("reports"))
            .group_by(source.place_id).having(source.reports > 0).subquery()
        )
        column = Place.province if by == "province" else Place.name
        name = func.coalesce(column, "unknown").label("name")
        statement = (
            select(name, func.sum(by_place.c.strikes).label("strikes"), func.sum(by_place.c.reports).label("reports"))
            .select_from(by_place).outerjoin(Place, Place.id == by_place.c.place_id)
        )
    statement = statement.group_by(name).order_by(desc("strikes"), name).limit(limit)
    return _frame(session, statement)


# --- targets ------------------------------------------------------------------------------

def _targets(filters: Filters, *columns) -> Select:
    statement = _reports(filters, *columns).join(Target, Target.strike_report_id == StrikeReport.id)
    if filters.has_target_filter:
        statement = statement.where(_target_condition(filters))
    return statement


def targets_by_type(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns category, type, targets, mentions: targets hit, by canonical type."""
    statement = _target_totals(
        session, filters, lambda source: [source.category.label("category"), source.type.label("type")],
        ("targets", "mentions"), where=lambda source: [source.type.is_not(None)],
    )
    frame = _frame(session, statement)
    return frame.sort_values(["targets", "category", "type"], ascending=[False, True, True], ignore_index=True)


def targets_by_action(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns category, action, targets."""
    statement = _target_totals(
        session, filters,
        lambda source: [func.coalesce(source.category, "no target named").label("category"), source.action.label("action")],
        ("targets",),
    )
    return _frame(session, statement).sort_values(["category", "action"], ignore_index=True)


def target_type_over_time(session: Session, filters: Filters, target_type: str, grain: str = "month") -> pd.DataFrame:
    """Columns period, action, targets: one target type over time."""
    statement = _target_totals(
        session, filters,
        lambda source: [(_bucket(session, grain) if source is _DETAIL_TARGETS else source.month(session)).label("period"),
                        source.action.label("action")],
        ("targets",), where=lambda source: [source.type == target_type], by_month=grain == "month",
    )
    frame = _dates(_frame(session, statement))
    return frame.sort_values(["period", "action"], ignore_index=True) if not frame.empty else frame


def unclassified_targets(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns type, mentions, example: target phrases the taxonomy does not know."""
    statement = (
        _targets(filters, Target.type.label("type"), func.count().label("mentions"), func.min(Target.text).label("example"))
        .where(Target.category == "unclassified")
        .group_by(Target.type)
        .order_by(func.count().desc())
    )
    return _frame(session, statement)


# --- drill-down and releases -------------------------------------------------------------

def strike_reports(session: Session, filters: Filters, limit: int = 500) -> pd.DataFrame:
    """The strike reports behind a number, with their sentence and release: columns
    report_id, release_id, published, date, country, place, location_raw, strikes,
    engagements, sentence, source, title (the release's), itemised (False for the part of a
    stated total no line places: its sentence is the one stating the total)."""
    statement = (
        _reports(
            filters,
            StrikeReport.id.label("report_id"),
            Release.id.label("release_id"),
            Release.published.label("published"),
            StrikeReport.strike_date.label("date"),
            StrikeReport.country.label("country"),
            Place.name.label("place"),
            StrikeReport.location_raw.label("location_raw"),
            StrikeReport.strikes.label("strikes"),
            StrikeReport.engagements.label("engagements"),
            StrikeReport.sentence.label("sentence"),
            func.coalesce(Release.source_url, Release.source).label("source"),
            Release.title.label("title"),
            StrikeReport.itemised.label("itemised"),
        )
        .order_by(StrikeReport.strike_date, Release.id, StrikeReport.position)
        .limit(limit)
    )
    return _frame(session, statement)


def releases_list(session: Session, filters: Filters, search: str = "", limit: int = 500) -> pd.DataFrame:
    """Columns id, published, title, source, format, strikes, reports, diagnostics; search looks in
    the title, the source, the text and the places the release reports."""
    conditions = [Release.is_current.is_(True)]
    if filters.start:
        conditions.append(Release.published >= filters.start)
    if filters.end:
        conditions.append(Release.published <= filters.end + timedelta(days=1))
    if search:
        pattern = f"%{search.lower()}%"
        # a place the release reports, as written or as the gazetteer names it: releases stored
        # as facts only (the starter data) have no text to search
        reports_place = (
            select(StrikeReport.id)
            .outerjoin(Place, Place.id == StrikeReport.place_id)
            .where(StrikeReport.release_id == Release.id,
                   or_(func.lower(func.coalesce(StrikeReport.location_raw, "")).like(pattern),
                       func.lower(func.coalesce(Place.name, "")).like(pattern)))
            .exists()
        )
        conditions.append(
            or_(
                func.lower(func.coalesce(Release.title, "")).like(pattern),
                func.lower(Release.source).like(pattern),
                func.lower(func.coalesce(Release.raw_text, "")).like(pattern),
                reports_place,
            )
        )
    listed = _frame(session, (
        select(Release.id.label("id"), Release.published.label("published"), Release.title.label("title"),
               func.coalesce(Release.source_url, Release.source).label("source"), Release.format.label("format"))
        .where(*conditions)
        .order_by(Release.published.desc(), Release.id.desc())
        .limit(limit)
    ))
    # the totals of the listed releases only
    ids = [int(value) for value in listed["id"]]
    reports = {release_id: (strikes, count) for release_id, strikes, count in session.execute(
        select(StrikeReport.release_id, func.coalesce(func.sum(StrikeReport.strikes), 0), _DETAIL_STRIKES.reports)
        .where(StrikeReport.release_id.in_(ids)).group_by(StrikeReport.release_id)
    )} if ids else {}
    diagnostics = dict(session.execute(
        select(Diagnostic.release_id, func.count()).where(Diagnostic.release_id.in_(ids)).group_by(Diagnostic.release_id)
    ).all()) if ids else {}
    listed["strikes"] = [int(reports.get(release_id, (0, 0))[0]) for release_id in ids]
    listed["reports"] = [int(reports.get(release_id, (0, 0))[1]) for release_id in ids]
    listed["diagnostics"] = [int(diagnostics.get(release_id, 0)) for release_id in ids]
    return listed


def release_detail(session: Session, release_id: int) -> ReleaseDetail | None:
    """One release with its strike reports, targets, diagnostics and other versions."""
    release = session.get(Release, release_id)
    if release is None:
        return None
    reports = list(
        session.scalars(select(StrikeReport).where(StrikeReport.release_id == release_id).order_by(StrikeReport.position))
    )
    for report in reports:
        _ = report.targets, report.place
    diagnostics = list(session.scalars(select(Diagnostic).where(Diagnostic.release_id == release_id).order_by(Diagnostic.id)))
    versions = list(
        session.scalars(select(Release).where(Release.release_key == release.release_key).order_by(Release.created_at))
    )
    return ReleaseDetail(release, reports, diagnostics, versions)


# --- data quality -------------------------------------------------------------------------

def diagnostics_by_kind(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns kind, diagnostics, releases."""
    statement = (
        select(Diagnostic.kind.label("kind"), func.count().label("diagnostics"),
               func.count(distinct(Diagnostic.release_id)).label("releases"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*_release_period(filters))
        .group_by(Diagnostic.kind)
        .order_by(func.count().desc())
    )
    return _frame(session, statement)


def _release_period(filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [Release.is_current.is_(True)]
    if filters.start:
        conditions.append(Release.published >= filters.start)
    if filters.end:
        conditions.append(Release.published <= filters.end + timedelta(days=1))
    return conditions


def diagnostics_over_time(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns month, kind, diagnostics."""
    if session.get_bind().dialect.name == "postgresql":
        month = cast(func.date_trunc("month", Release.published), Date)
    else:
        month = func.date(Release.published, "start of month")
    month = month.label("month")
    statement = (
        select(month, Diagnostic.kind.label("kind"), func.count().label("diagnostics"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*_release_period(filters))
        .group_by(month, Diagnostic.kind)
        .order_by(month)
    )
    return _dates(_frame(session, statement), "month")


def diagnostics_list(session: Session, filters: Filters, kind: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Columns release_id, published, kind, message, text, title, source (the release's)."""
    statement = (
        select(Release.id.label("release_id"), Release.published.label("published"), Diagnostic.kind.label("kind"),
               Diagnostic.message.label("message"), Diagnostic.text.label("text"), Release.title.label("title"),
               func.coalesce(Release.source_url, Release.source).label("source"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*_release_period(filters), *([Diagnostic.kind == kind] if kind else []))
        .order_by(Release.published.desc(), Diagnostic.id)
        .limit(limit)
    )
    return _frame(session, statement)


def unresolved_places(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns location_raw, country, mentions, strikes: places the gazetteer did not resolve."""
    # two index look-ups (no place, a place without coordinates) rather than one OR over every report
    without_coordinates = select(Place.id).where(Place.lat.is_(None))
    unresolved = or_(StrikeReport.place_id.is_(None), StrikeReport.place_id.in_(without_coordinates))
    statement = (
        _reports(filters, StrikeReport.location_raw.label("location_raw"), StrikeReport.country.label("country"),
                 func.count().label("mentions"), func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"))
        .where(unresolved, StrikeReport.location_raw.is_not(None))
        .group_by(StrikeReport.location_raw, StrikeReport.country)
        .order_by(func.count().desc(), StrikeReport.location_raw)
    )
    return _frame(session, statement)


# "= false", not "IS false": both databases read it as the partial index's condition
# (ix_strike_report_undated; PostgreSQL turns "x = false" into "NOT x", SQLite writes "= 0").
DAY_NOT_STATED = StrikeReport.date_stated == false()


def undated_reports(session: Session, filters: Filters, limit: int = 100) -> pd.DataFrame:
    """Columns release_id, published, source, title, counted_on, reports, strikes: strike reports whose
    release states no day for them, by release, most strikes first. They are counted on the
    release's period start (else the day before publication), so an aggregate over several
    days shows as one day's bar."""
    statement = (
        _reports(filters, Release.id.label("release_id"), Release.published.label("published"),
                 func.coalesce(Release.source_url, Release.source).label("source"), Release.title.label("title"),
                 StrikeReport.strike_date.label("counted_on"), func.count().label("reports"),
                 func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"))
        .where(DAY_NOT_STATED)
        .group_by(Release.id, Release.published, Release.source_url, Release.source, Release.title,
                  StrikeReport.strike_date)
        .order_by(func.coalesce(func.sum(StrikeReport.strikes), 0).desc(), Release.id)
        .limit(limit)
    )
    return _frame(session, statement)


def undated_totals(session: Session, filters: Filters) -> dict[str, int]:
    """{"strikes": n, "engagements": n} of the filtered strike reports whose release states no
    day for them: how much of a period's bar rests on a day the loader had to assume."""
    strikes, engagements = session.execute(
        _reports(filters, func.coalesce(func.sum(StrikeReport.strikes), 0),
                 func.coalesce(func.sum(StrikeReport.engagements), 0))
        .where(DAY_NOT_STATED)
    ).one()
    return {"strikes": int(strikes), "engagements": int(engagements)}


# Why a release's lines and its stated totals differ (totals_check's reason)
COPY_CUT, AS_PUBLISHED, LINES_OVER = "copy cut", "as published", "lines over stated"


def totals_check(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns release_id, published, source, title, stated, itemised, not_itemised, counted,
    reason, detail: the releases whose stated totals and lines differ, anywhere they state one
    (overall, a country, a day, a late block). stated: the overall strikes stated (None where
    only countries are); itemised: what the main-list lines add up to; not_itemised: what the
    count of record adds for stated strikes no line places; counted: every strike counted.
    reason: COPY_CUT (the copy stops inside a list), AS_PUBLISHED (the release does not add up
    as published) or LINES_OVER (its lines add up to more than it states: they are counted);
    detail: the diagnostics that say where."""
    differing = (
        select(Diagnostic.release_id)
        .where(Diagnostic.kind.in_(("not_itemised", "over_itemised", "totals_mismatch")))
        .union(select(Release.id).where(Release.stated_strikes.is_not(None), Release.stated_strikes != Release.parsed_strikes))
    )
    releases = _frame(session, (
        select(Release.id.label("release_id"), Release.published.label("published"),
               func.coalesce(Release.source_url, Release.source).label("source"), Release.title.label("title"),
               Release.stated_strikes.label("stated"), Release.parsed_strikes.label("itemised"))
        .where(*_release_period(filters), Release.id.in_(differing))
        .order_by(Release.published, Release.id)
    ))
    columns = [*releases.columns, "not_itemised", "counted", "reason", "detail"]
    if releases.empty:
        return pd.DataFrame(columns=columns)
    ids = [int(value) for value in releases["release_id"]]
    counted = {release_id: (int(strikes or 0), int(unitemised or 0)) for release_id, strikes, unitemised in session.execute(
        select(StrikeReport.release_id, func.sum(StrikeReport.strikes), _DETAIL_STRIKES.unitemised)
        .where(StrikeReport.release_id.in_(ids)).group_by(StrikeReport.release_id))}
    notes: dict[int, list[tuple[str, str]]] = {}
    for release_id, kind, message in session.execute(
        select(Diagnostic.release_id, Diagnostic.kind, Diagnostic.message)
        .where(Diagnostic.release_id.in_(ids),
               Diagnostic.kind.in_(("not_itemised", "over_itemised", "totals_mismatch", "incomplete_list")))
        .order_by(Diagnostic.id)):
        notes.setdefault(release_id, []).append((kind, message))

    def reason(release_id: int) -> str:
        kinds = {kind for kind, _message in notes.get(release_id, [])}
        if "incomplete_list" in kinds:
            return COPY_CUT
        return LINES_OVER if "over_itemised" in kinds else AS_PUBLISHED

    releases["not_itemised"] = [counted.get(release_id, (0, 0))[1] for release_id in ids]
    releases["counted"] = [counted.get(release_id, (0, 0))[0] for release_id in ids]
    releases["reason"] = [reason(release_id) for release_id in ids]
    releases["detail"] = ["; ".join(message for kind, message in notes.get(release_id, [])
                                    if kind in ("not_itemised", "over_itemised")) for release_id in ids]
    return releases[columns]


def last_import_day(session: Session) -> date | None:
    """The day of the latest import still in force (the "parsed" date of the source line)."""
    moment = session.scalar(select(func.max(ImportBatch.created_at)).where(ImportBatch.undone_at.is_(None),
                                                                           ImportBatch.origin != "undo"))
    if moment is None:
        return None
    return moment.date() if hasattr(moment, "date") else date.fromisoformat(str(moment)[:10])


def imports_log(session: Session, limit: int = 100) -> pd.DataFrame:
    """Columns id, when, who, origin, state (running, finished, stopped), files, undone."""
    rows = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)).all()
    return pd.DataFrame(
        [
            {"id": b.id, "when": b.created_at, "who": b.user_name, "origin": b.origin,
             "state": (b.summary or {}).get("state", "finished"),
             "files": len((b.summary or {}).get("files", [])), "undone": b.undone_at}
            for b in rows
        ],
        columns=["id", "when", "who", "origin", "state", "files", "undone"],
    )



# --- one release: stated against parsed totals ---------------------------------------------

TOTALS_SCOPES = ("all", "Iraq", "Syria")


def release_totals(session: Session, release_id: int) -> pd.DataFrame:
    """Columns scope, stated_strikes, parsed_strikes, stated_engagements, parsed_engagements:
    one row each for all, Iraq and Syria. Stated = the release's own totals (None where it
    states none); parsed = the sum of its main-block strike reports (engagements None where no
    report states any)."""
    stated_totals = session.scalar(select(Release.stated_totals).where(Release.id == release_id)) or {}
    rows = session.execute(
        select(StrikeReport.country, func.sum(StrikeReport.strikes), func.sum(StrikeReport.engagements))
        .where(StrikeReport.release_id == release_id, StrikeReport.block == "main")
        .group_by(StrikeReport.country)
    ).all()
    parsed: dict[str, list[int | None]] = {}
    for country, strikes, engagements in rows:
        for scope in ("all", country):
            if scope not in TOTALS_SCOPES:
                continue
            total = parsed.setdefault(scope, [None, None])
            for index, value in enumerate((strikes, engagements)):
                if value is not None:
                    total[index] = (total[index] or 0) + int(value)
    records = []
    for scope in TOTALS_SCOPES:
        stated = stated_totals.get(scope) or {}
        parsed_strikes, parsed_engagements = parsed.get(scope, [None, None])
        records.append({
            "scope": scope,
            "stated_strikes": stated.get("strikes"),
            "parsed_strikes": parsed_strikes or 0,
            "stated_engagements": stated.get("engagements"),
            "parsed_engagements": parsed_engagements,
        })
    frame = pd.DataFrame(records, columns=["scope", "stated_strikes", "parsed_strikes", "stated_engagements",
                                           "parsed_engagements"])
    for column in frame.columns[1:]:
        frame[column] = frame[column].astype("Int64")
    return frame


# --- areas and targets pages: trends with reporting gaps kept visible ----------------------

def _reported_periods(session: Session, filters: Filters, grain: str) -> list[date]:
    """The periods in the filtered date range that have any strike report at all, whatever
    the place or target: a zero there means "none reported here", a missing period means
    "nothing in the data" (a gap in reporting, not a lull)."""
    dates_only = filters.dates_only()
    source = _strike_source(dates_only)
    period = source.periods(session, grain).label("period")
    statement = source.select(dates_only, period).group_by(period).order_by(period)
    return sorted(pd.to_datetime([value for (value,) in session.execute(statement) if value is not None]).date)


def _fill_reported(frame: pd.DataFrame, periods: list[date], group: str, groups: list[str], value: str) -> pd.DataFrame:
    """frame (period, group, value) with a zero row for every reported period a group lacks."""
    if not periods or not groups:
        return pd.DataFrame({"period": pd.Series(dtype=object), group: pd.Series(dtype=object),
                             value: pd.Series(dtype="int64")})
    index = pd.MultiIndex.from_product([periods, groups], names=["period", group])
    known = frame.set_index(["period", group])[value] if not frame.empty else pd.Series(dtype="int64")
    filled = known.reindex(index, fill_value=0).astype("int64").reset_index()
    return filled.sort_values(["period", group], key=lambda column: column.map(groups.index) if column.name == group else column,
                              ignore_index=True)


def place_trend(session: Session, filters: Filters, places: tuple[str, ...] | list[str], grain: str = "month") -> pd.DataFrame:
    """Columns period, place, strikes: strikes at each of the given places per period, zero in
    periods with strike reports elsewhere; periods with no report at all are left out."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    places = [place for place in dict.fromkeys(places) if place]
    if not places:
        return _fill_reported(pd.DataFrame(), [], "place", [], "strikes")
    source = _strike_source(filters)
    period = source.periods(session, grain).label("period")
    by_place = (
        source.select(filters, period, source.place_id.label("place_id"), source.strikes.label("strikes"))
        .where(source.place_id.in_(select(Place.id).where(Place.name.in_(places))))
        .group_by(period, source.place_id)
        .subquery()
    )
    statement = (
        select(by_place.c.period, Place.name.label("place"), func.sum(by_place.c.strikes).label("strikes"))
        .join(Place, Place.id == by_place.c.place_id)
        .group_by(by_place.c.period, Place.name)
        .order_by(by_place.c.period)
    )
    counted = _dates(_frame(session, statement))
    return _fill_reported(counted, _reported_periods(session, filters, grain), "place", places, "strikes")


def target_type_trend(session: Session, filters: Filters, target_type: str, grain: str = "month") -> pd.DataFrame:
    """Columns period, action, targets: target_type_over_time with a zero for each action in
    periods with strike reports but none of this type; periods with no report are left out."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    counted = target_type_over_time(session, filters, target_type, grain)
    if counted.empty:
        return _fill_reported(counted, [], "action", [], "targets")
    actions = counted.groupby("action")["targets"].sum().sort_values(ascending=False).index.tolist()
    return _fill_reported(counted, _reported_periods(session, filters, grain), "action", actions, "targets")


@dataclass
class TargetCounts:
    mentions: int  # target phrases in the filtered strike reports
    without_number: int  # phrases with no number ("destroyed fighting positions"): counted as one
    targets: int  # the targets counted


def target_counts(session: Session, filters: Filters) -> TargetCounts:
    """How many target mentions carry no number and so count one: the basis of the lower bound."""
    totals = session.execute(
        select(*(func.coalesce(func.sum(column), 0) for column in
                 _target_totals(session, filters, lambda source: [], ("mentions", "numbered", "targets")).subquery().c))
    ).one()
    mentions, numbered, targets = (int(value) for value in totals)
    return TargetCounts(mentions, mentions - numbered, targets)
