"""Queries behind the pages: filters in, tidy DataFrames out, aggregated in SQL.

Every query counts only the current version of each release. Strike-level filters (dates,
country, province, place) select strike reports; target-level filters (category, type,
action) keep the strike reports that have a matching target and, in target charts, only the
matching targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, Integer, String, and_, cast, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from db.models import Diagnostic, ImportBatch, Place, Release, StrikeReport, Target

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

    @property
    def days_without_release(self) -> int:
        return max(self.days_in_period - self.days_with_release, 0)


@dataclass
class Headline:
    strikes: int
    engagements: int
    releases: int
    places: int
    reports: int


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
    if filters.provinces:
        conditions.append(Place.province.in_(filters.provinces))
    if filters.places:
        conditions.append(Place.name.in_(filters.places))
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


# --- what the data covers ---------------------------------------------------------------

def data_version(session: Session) -> str:
    """The stamp every import changes; page caches key on it."""
    from db.ingest import current_data_version

    return current_data_version(session)


def coverage(session: Session, filters: Filters) -> Coverage:
    """First and last strike day, releases, and days with and without a release."""
    first, last, reports = session.execute(
        _reports(filters, func.min(StrikeReport.strike_date), func.max(StrikeReport.strike_date), func.count())
    ).one()
    release_conditions = [Release.is_current.is_(True)]
    if filters.start:
        release_conditions.append(Release.published >= filters.start)
    if filters.end:
        release_conditions.append(Release.published <= filters.end + timedelta(days=1))
    releases, days = session.execute(
        select(func.count(), func.count(distinct(Release.published))).where(*release_conditions)
    ).one()
    start = filters.start or first
    end = filters.end or last
    period = (end - start).days + 1 if start and end else 0
    return Coverage(first, last, releases, days, period)


def headline(session: Session, filters: Filters) -> Headline:
    """Totals of the filtered strike reports."""
    strikes, engagements, releases, places, reports = session.execute(
        _reports(
            filters,
            func.coalesce(func.sum(StrikeReport.strikes), 0),
            func.coalesce(func.sum(StrikeReport.engagements), 0),
            func.count(distinct(StrikeReport.release_id)),
            func.count(distinct(StrikeReport.place_id)),
            func.count(),
        )
    ).one()
    return Headline(int(strikes), int(engagements), int(releases), int(places), int(reports))


def filter_options(session: Session) -> dict[str, list[str]]:
    """The values each filter can take, from the current data."""
    current = Release.is_current.is_(True)

    def values(column, *joins) -> list[str]:
        statement = select(column).distinct().select_from(StrikeReport).join(Release).where(current, column.is_not(None))
        for join in joins:
            statement = statement.join(join)
        return sorted(v for (v,) in session.execute(statement) if v)

    bounds = session.execute(
        select(func.min(StrikeReport.strike_date), func.max(StrikeReport.strike_date)).join(Release).where(current)
    ).one()
    return {
        "countries": values(StrikeReport.country),
        "provinces": values(Place.province, Place),
        "places": values(Place.name, Place),
        "categories": values(Target.category, Target),
        "types": values(Target.type, Target),
        "actions": values(Target.action, Target),
        "bounds": list(bounds),
    }


# --- strikes over time and by area -------------------------------------------------------

def _split_column(split: str) -> ColumnElement:
    return {
        "none": literal("all"),
        "country": func.coalesce(StrikeReport.country, "unknown"),
        "province": func.coalesce(Place.province, "unknown"),
        "place": func.coalesce(Place.name, "unresolved"),
    }[split]


def strikes_over_time(session: Session, filters: Filters, grain: str = "week", split: str = "none") -> pd.DataFrame:
    """Columns period, group, strikes, engagements, reports: one row per period and group."""
    if grain not in GRAINS or split not in SPLITS:
        raise ValueError(f"unknown grain {grain!r} or split {split!r}")
    period = _bucket(session, grain).label("period")
    if split == "category":
        # a report counts once in each category it hit
        categories = select(Target.strike_report_id.label("report_id"), Target.category.label("category")).distinct()
        if filters.has_target_filter:
            categories = categories.where(_target_condition(filters))
        categories = categories.subquery()
        group = func.coalesce(categories.c.category, "no target named").label("group")
        statement = (
            _reports(
                filters, period, group,
                func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
                func.coalesce(func.sum(StrikeReport.engagements), 0).label("engagements"),
                func.count().label("reports"),
            )
            .outerjoin(categories, categories.c.report_id == StrikeReport.id)
            .group_by(period, group)
            .order_by(period)
        )
        return _dates(_frame(session, statement))
    group = _split_column(split).label("group")
    statement = _reports(
        filters,
        period,
        group,
        func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
        func.coalesce(func.sum(StrikeReport.engagements), 0).label("engagements"),
        func.count().label("reports"),
    ).group_by(period, group).order_by(period)
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


def places_summary(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns place, country, province, lat, lon, precision, strikes, reports: one row per place."""
    statement = _reports(
        filters,
        Place.name.label("place"),
        Place.country.label("country"),
        Place.province.label("province"),
        Place.lat.label("lat"),
        Place.lon.label("lon"),
        Place.precision.label("precision"),
        func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
        func.count().label("reports"),
    ).where(StrikeReport.place_id.is_not(None)).group_by(
        Place.id, Place.name, Place.country, Place.province, Place.lat, Place.lon, Place.precision
    ).order_by(func.sum(StrikeReport.strikes).desc())
    return _frame(session, statement)


def ranking(session: Session, filters: Filters, by: str = "province", limit: int = 20) -> pd.DataFrame:
    """Columns name, country, strikes, reports: the top provinces or places by strikes."""
    column = {"province": Place.province, "place": Place.name, "country": StrikeReport.country}[by]
    name = func.coalesce(column, "unknown").label("name")
    statement = (
        _reports(filters, name, func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
                 func.count().label("reports"))
        .group_by(name)
        .order_by(func.sum(StrikeReport.strikes).desc(), name)
        .limit(limit)
    )
    return _frame(session, statement)


# --- targets ------------------------------------------------------------------------------

def _targets(filters: Filters, *columns) -> Select:
    statement = _reports(filters, *columns).join(Target, Target.strike_report_id == StrikeReport.id)
    if filters.has_target_filter:
        statement = statement.where(_target_condition(filters))
    return statement


# A plural without a number ("destroyed fighting positions") counts one: a lower bound.
_TARGET_COUNT = func.coalesce(func.sum(func.coalesce(Target.count, 1)), 0)


def targets_by_type(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns category, type, targets, mentions: targets hit, by canonical type."""
    statement = (
        _targets(filters, Target.category.label("category"), Target.type.label("type"),
                 _TARGET_COUNT.label("targets"), func.count().label("mentions"))
        .where(Target.type.is_not(None))
        .group_by(Target.category, Target.type)
        .order_by(_TARGET_COUNT.desc())
    )
    return _frame(session, statement)


def targets_by_action(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns category, action, targets."""
    statement = (
        _targets(filters, func.coalesce(Target.category, "no target named").label("category"),
                 Target.action.label("action"), _TARGET_COUNT.label("targets"))
        .group_by(Target.category, Target.action)
        .order_by(Target.category, Target.action)
    )
    return _frame(session, statement)


def target_type_over_time(session: Session, filters: Filters, target_type: str, grain: str = "month") -> pd.DataFrame:
    """Columns period, action, targets: one target type over time."""
    period = _bucket(session, grain).label("period")
    statement = (
        _targets(filters, period, Target.action.label("action"), _TARGET_COUNT.label("targets"))
        .where(Target.type == target_type)
        .group_by(period, Target.action)
        .order_by(period)
    )
    return _dates(_frame(session, statement))


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
    engagements, sentence, source."""
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
        )
        .order_by(StrikeReport.strike_date, Release.id, StrikeReport.position)
        .limit(limit)
    )
    return _frame(session, statement)


def releases_list(session: Session, filters: Filters, search: str = "", limit: int = 500) -> pd.DataFrame:
    """Columns id, published, title, source, format, strikes, reports, diagnostics."""
    report_totals = (
        select(StrikeReport.release_id.label("release_id"),
               func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
               func.count().label("reports"))
        .group_by(StrikeReport.release_id).subquery()
    )
    diagnostic_totals = (
        select(Diagnostic.release_id.label("release_id"), func.count().label("diagnostics"))
        .group_by(Diagnostic.release_id).subquery()
    )
    conditions = [Release.is_current.is_(True)]
    if filters.start:
        conditions.append(Release.published >= filters.start)
    if filters.end:
        conditions.append(Release.published <= filters.end + timedelta(days=1))
    if search:
        pattern = f"%{search.lower()}%"
        conditions.append(
            or_(
                func.lower(func.coalesce(Release.title, "")).like(pattern),
                func.lower(Release.source).like(pattern),
                func.lower(func.coalesce(Release.raw_text, "")).like(pattern),
            )
        )
    statement = (
        select(
            Release.id.label("id"), Release.published.label("published"), Release.title.label("title"),
            func.coalesce(Release.source_url, Release.source).label("source"), Release.format.label("format"),
            func.coalesce(report_totals.c.strikes, 0).label("strikes"),
            func.coalesce(report_totals.c.reports, 0).label("reports"),
            func.coalesce(diagnostic_totals.c.diagnostics, 0).label("diagnostics"),
        )
        .outerjoin(report_totals, report_totals.c.release_id == Release.id)
        .outerjoin(diagnostic_totals, diagnostic_totals.c.release_id == Release.id)
        .where(*conditions)
        .order_by(Release.published.desc(), Release.id.desc())
        .limit(limit)
    )
    return _frame(session, statement)


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
    """Columns release_id, published, kind, message, text."""
    statement = (
        select(Release.id.label("release_id"), Release.published.label("published"), Diagnostic.kind.label("kind"),
               Diagnostic.message.label("message"), Diagnostic.text.label("text"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*_release_period(filters), *([Diagnostic.kind == kind] if kind else []))
        .order_by(Release.published.desc(), Diagnostic.id)
        .limit(limit)
    )
    return _frame(session, statement)


def unresolved_places(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns location_raw, country, mentions, strikes: places the gazetteer did not resolve."""
    statement = (
        _reports(filters, StrikeReport.location_raw.label("location_raw"), StrikeReport.country.label("country"),
                 func.count().label("mentions"), func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"))
        .where(or_(StrikeReport.place_id.is_(None), Place.lat.is_(None)), StrikeReport.location_raw.is_not(None))
        .group_by(StrikeReport.location_raw, StrikeReport.country)
        .order_by(func.count().desc())
    )
    return _frame(session, statement)


def totals_check(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns release_id, published, source, stated, parsed, flag: releases whose stated
    overall strikes differ from the sum of their main-list reports."""
    parsed = (
        select(StrikeReport.release_id.label("release_id"), func.coalesce(func.sum(StrikeReport.strikes), 0).label("parsed"))
        .where(StrikeReport.block == "main")
        .group_by(StrikeReport.release_id).subquery()
    )
    rows = session.execute(
        select(Release.id, Release.published, Release.source, Release.stated_totals, func.coalesce(parsed.c.parsed, 0))
        .outerjoin(parsed, parsed.c.release_id == Release.id)
        .where(*_release_period(filters))
    ).all()
    flagged = {
        release_id for (release_id,) in session.execute(
            select(Diagnostic.release_id).distinct().where(Diagnostic.kind.in_(("incomplete_list", "totals_mismatch")))
        )
    }
    records = []
    for release_id, published, source, stated_totals, parsed_strikes in rows:
        stated = _stated_strikes(stated_totals or {})
        if stated is None or stated == parsed_strikes:
            continue
        records.append({
            "release_id": release_id, "published": published, "source": source, "stated": stated,
            "parsed": int(parsed_strikes),
            "flag": "incomplete copy or mismatch flagged" if release_id in flagged else "not flagged",
        })
    return pd.DataFrame(records, columns=["release_id", "published", "source", "stated", "parsed", "flag"])


def _stated_strikes(stated_totals: dict) -> int | None:
    overall = (stated_totals.get("all") or {}).get("strikes")
    if overall is not None:
        return overall
    countries = [(stated_totals.get(c) or {}).get("strikes") for c in ("Iraq", "Syria")]
    known = [value for value in countries if value is not None]
    return sum(known) if known else None


def last_import_day(session: Session) -> date | None:
    """The day of the latest import still in force (the "parsed" date of the source line)."""
    moment = session.scalar(select(func.max(ImportBatch.created_at)).where(ImportBatch.undone_at.is_(None),
                                                                           ImportBatch.origin != "undo"))
    if moment is None:
        return None
    return moment.date() if hasattr(moment, "date") else date.fromisoformat(str(moment)[:10])


def imports_log(session: Session, limit: int = 100) -> pd.DataFrame:
    """Columns id, when, who, origin, files, undone."""
    rows = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)).all()
    return pd.DataFrame(
        [
            {"id": b.id, "when": b.created_at, "who": b.user_name, "origin": b.origin,
             "files": len((b.summary or {}).get("files", [])), "undone": b.undone_at}
            for b in rows
        ],
        columns=["id", "when", "who", "origin", "files", "undone"],
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
    period = _bucket(session, grain).label("period")
    statement = _reports(Filters(start=filters.start, end=filters.end), period).group_by(period).order_by(period)
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
    period = _bucket(session, grain).label("period")
    statement = (
        _reports(filters, period, Place.name.label("place"), func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"))
        .where(Place.name.in_(places))
        .group_by(period, Place.name)
        .order_by(period)
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
    mentions, without_number, targets = session.execute(
        _targets(filters, func.count(), func.count() - func.count(Target.count), _TARGET_COUNT)
    ).one()
    return TargetCounts(int(mentions), int(without_number), int(targets))
