"""Strikes: what the data cover, the headline figures, strikes over time and by area."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import (
    case,
    desc,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from db.data_version import current_data_version
from db.models import (
    Place,
    Release,
    ReleaseDay,
    StrikeDay,
    StrikeReport,
    Target,
    TargetMonth,
)
from db.queries.filters import (
    DAY_NOT_STATED,
    GRAINS,
    SPLITS,
    Filters,
    publication_period,
    report_rows,
    strike_report_conditions,
    target_condition,
)
from db.queries.frames import as_date, as_frame, with_dates
from db.queries.periods import period_bucket
from db.queries.sources import DETAIL_STRIKES, strike_source, summary_select


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


def data_version(session: Session) -> str:
    """The stamp every import changes; page caches key on it."""
    return current_data_version(session)


def coverage(session: Session, filters: Filters) -> Coverage:
    """First and last strike day, releases, days with and without a release, and how the
    period's days are covered (coverage_days)."""
    source = strike_source(filters)
    first, last, reports = session.execute(
        source.select(filters, func.min(source.day), func.max(func.coalesce(source.last_day, source.day)), source.reports)
    ).one()
    release_conditions = publication_period(filters)
    # two counts, each from an index: a count that tests the text reads every row's text
    releases, days = session.execute(
        select(func.count(), func.count(distinct(Release.published))).where(*release_conditions)).one()
    with_text = session.scalar(select(func.count()).where(*release_conditions, Release.raw_text.is_not(None)))
    start = filters.start or first
    end = filters.end or last
    period = (end - start).days + 1 if start and end else 0
    covered = coverage_days(session, Filters(start=start, end=end)) if period else pd.DataFrame(columns=["covered"])
    return Coverage(first, last, releases, days, period, int((covered["covered"] == COUNTED).sum()),
                    int((covered["covered"] == NO_COUNTS).sum()), int(with_text))


# a counted release that has a strike report, written as ix_release_reporting's own condition
_REPORTING = (Release.report_count > literal_column("0"), Release.is_current == true())


def headline(session: Session, filters: Filters) -> Headline:
    """Totals of the filtered strike reports."""
    source = strike_source(filters)
    strikes, engagements, places, reports, unitemised = session.execute(
        source.select(filters, source.strikes, source.engagements, func.count(distinct(source.place_id)), source.reports,
                      source.unitemised)
    ).one()
    return Headline(int(strikes), None if engagements is None else int(engagements), _releases_reporting(session, filters),
                    int(places), int(reports), int(unitemised))


def _releases_reporting(session: Session, filters: Filters) -> int:
    """How many current releases have a strike report among the filtered ones."""
    if strike_source(filters) is DETAIL_STRIKES or filters.provinces or filters.places:
        # release_day knows days and countries, not places. The counted releases among the
        # filtered reports' releases: counting distinct releases over the reports joined to
        # them looked a release up once a report (a province at 100x: 66 to 49 ms on SQLite)
        reported = select(StrikeReport.release_id).where(*strike_report_conditions(filters))
        return int(session.scalar(select(func.count()).select_from(Release).where(
            Release.is_current.is_(True), Release.id.in_(reported))) or 0)
    if filters == Filters():  # the whole data: the counted releases that have a report, from their own count
        return int(session.scalar(select(func.count()).select_from(Release).where(*_REPORTING)) or 0)
    statement = summary_select(ReleaseDay, filters, [func.count(distinct(ReleaseDay.release_id))], ReleaseDay.day,
                                ReleaseDay.country, place_id=None, last_day=ReleaseDay.last_day)
    return int(session.scalar(statement) or 0)


def filter_options(session: Session) -> dict[str, list[str]]:
    """The values each filter can take, from the current data (its summaries)."""

    def values(column) -> list[str]:
        return sorted(v for (v,) in session.execute(select(column).distinct().where(column.is_not(None))) if v)

    reported = session.execute(
        select(Place.province, Place.name).where(Place.id.in_(select(StrikeDay.place_id).distinct()))
    ).all()
    # a span of days reaches to its last day
    bounds = session.execute(select(func.min(StrikeDay.day),
                                    func.max(func.coalesce(StrikeDay.last_day, StrikeDay.day)))).one()
    return {
        "countries": values(StrikeDay.country),
        "provinces": sorted({province for province, _name in reported if province}),
        "places": sorted({name for _province, name in reported if name}),
        "categories": values(TargetMonth.category),
        "types": values(TargetMonth.type),
        "actions": values(TargetMonth.action),
        "bounds": list(bounds),
    }


NOT_ITEMISED = "not itemised"  # the group of strikes a release states but no line of it places
NO_TARGET_NAMED = "no target named"  # a report, or a result ("inconclusive"), naming no target


def strikes_over_time(session: Session, filters: Filters, grain: str = "week", split: str = "none") -> pd.DataFrame:
    """Columns period, group, strikes, engagements, reports, unitemised: one row per period and
    group. Split by none or country, a group's strikes include those its releases state without
    itemising them (unitemised, part of strikes); split by province, place or category, those
    strikes are a group of their own (NOT_ITEMISED)."""
    if grain not in GRAINS or split not in SPLITS:
        raise ValueError(f"unknown grain {grain!r} or split {split!r}")
    if split == "category":
        period = period_bucket(session, grain).label("period")
        # a report counts once in each category it hit
        categories = select(Target.strike_report_id.label("report_id"), Target.category.label("category")).distinct()
        if filters.has_target_filter:
            categories = categories.where(target_condition(filters))
        categories = categories.subquery()
        group = case((StrikeReport.itemised.is_(False), literal(NOT_ITEMISED)),
                     else_=func.coalesce(categories.c.category, NO_TARGET_NAMED)).label("group")
        statement = (
            report_rows(
                filters, period, group,
                func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"),
                DETAIL_STRIKES.engagements.label("engagements"),
                DETAIL_STRIKES.reports.label("reports"), literal(0).label("unitemised"),
            )
            .outerjoin(categories, categories.c.report_id == StrikeReport.id)
            .where(DETAIL_STRIKES.fits(session, grain))
            .group_by(period, group)
            .order_by(period)
        )
        return with_dates(as_frame(session, statement))
    source = strike_source(filters)
    period = source.periods(session, grain).label("period")
    if split in ("none", "country"):
        measures = (source.strikes.label("strikes"), source.engagements.label("engagements"),
                    source.reports.label("reports"), source.unitemised.label("unitemised"))
        group = (literal("all") if split == "none" else func.coalesce(source.country, "unknown")).label("group")
        statement = (source.select(filters, period, group, *measures).where(source.fits(session, grain))
                     .group_by(period, group).order_by(period))
        return with_dates(as_frame(session, statement))
    # by place id first (few rows), then by the place's province or name; what no line itemises
    # is a group of its own
    by_place = (
        source.select(filters, period, source.place_id.label("place_id"),
                      (source.strikes - source.unitemised).label("strikes"),
                      (source.engagements - source.unitemised_engagements).label("engagements"),
                      source.reports.label("reports"), source.unitemised.label("unitemised"),
                      source.unitemised_engagements.label("unitemised_engagements"))
        .where(source.fits(session, grain))
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
    return with_dates(as_frame(session, statement))


SPANS_GROUP = "spanning several periods"  # a category split's group of itemised lines over a span


def spans_over_time(session: Session, filters: Filters, grain: str = "week", split: str = "none") -> pd.DataFrame:
    """Columns first, last, group, strikes, engagements, unitemised: the strike reports over a
    span of days that no one period of the grain holds (a late block over several weeks, a
    summary across a month's end), summed per span and group. A chart draws them across their
    days, never as one period's bar; strikes_over_time leaves them out, and a period's totals
    hold them only where the period holds the whole span. Groups as strikes_over_time's."""
    if grain not in GRAINS or split not in SPLITS:
        raise ValueError(f"unknown grain {grain!r} or split {split!r}")
    source = strike_source(filters)
    columns = ["first", "last", "group", "strikes", "engagements", "unitemised"]
    by_place = (
        source.select(filters, source.day.label("first"), source.last_day.label("last"), source.place_id.label("place_id"),
                      func.coalesce(source.country, "unknown").label("country"), source.strikes.label("strikes"),
                      source.engagements.label("engagements"), source.unitemised.label("unitemised"))
        .where(source.last_day.is_not(None), ~source.fits(session, grain))
        .group_by(source.day, source.last_day, source.place_id, source.country)
        .subquery()
    )
    if split == "none":
        group = literal("all")
    elif split == "country":
        group = by_place.c.country
    else:  # what no line places is a group of its own, as in strikes_over_time
        placed = {"province": func.coalesce(Place.province, "unknown"), "place": func.coalesce(Place.name, "unresolved"),
                  "category": literal(SPANS_GROUP)}[split]
        group = case((by_place.c.strikes == by_place.c.unitemised, literal(NOT_ITEMISED)), else_=placed)
    group = group.label("group")
    statement = (
        select(by_place.c.first, by_place.c.last, group, func.sum(by_place.c.strikes).label("strikes"),
               func.sum(by_place.c.engagements).label("engagements"), func.sum(by_place.c.unitemised).label("unitemised"))
        .select_from(by_place).outerjoin(Place, Place.id == by_place.c.place_id)
        .group_by(by_place.c.first, by_place.c.last, group)
        .order_by(by_place.c.first, by_place.c.last, group)
    )
    frame = as_frame(session, statement)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return with_dates(with_dates(frame, "first"), "last")[columns]


@dataclass(frozen=True)
class CrossingSpan:
    """Strikes a release states over a span of days that the view's dates cut: in no total of
    the view, which holds a span only whole (docs/COUNTING.md)."""

    first: date
    last: date
    strikes: int


def spans_crossing(session: Session, filters: Filters) -> list[CrossingSpan]:
    """The spans of days (with their strikes, under the view's other filters) that lie partly
    inside the view's dates and partly outside them."""
    if not (filters.start or filters.end):
        return []
    source = strike_source(filters)
    unbounded = replace(filters, start=None, end=None)
    inside = [source.last_day.is_not(None)]
    if filters.start:
        inside.append(func.coalesce(source.last_day, source.day) >= filters.start)
    if filters.end:
        inside.append(source.day <= filters.end)
    cut = [condition for condition in (source.day < filters.start if filters.start else None,
                                       source.last_day > filters.end if filters.end else None) if condition is not None]
    statement = (source.select(unbounded, source.day, source.last_day, source.strikes)
                 .where(*inside, or_(*cut)).group_by(source.day, source.last_day).order_by(source.day))
    return [CrossingSpan(as_date(first), as_date(last), int(strikes))
            for first, last, strikes in session.execute(statement) if strikes]


def release_days(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns day, releases: the days a current release was published (the coverage strip)."""
    conditions = [*publication_period(filters), Release.published.is_not(None)]
    statement = (
        select(Release.published.label("day"), func.count().label("releases"))
        .where(*conditions)
        .group_by(Release.published)
        .order_by(Release.published)
    )
    return with_dates(as_frame(session, statement), "day")


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
    # distinct: most releases share their period with others (a day's several releases, copies)
    periods = session.execute(
        select(Release.period_start, Release.period_end, Release.states_counts).distinct().where(*conditions)).all()
    day_conditions = []
    if filters.start:
        day_conditions.append(ReleaseDay.day >= filters.start)
    if filters.end:
        day_conditions.append(ReleaseDay.day <= filters.end)
    counted = {as_date(day) for (day,) in session.execute(
        select(ReleaseDay.day).distinct().where(ReleaseDay.day.is_not(None), *day_conditions))}
    summaries_only: set[date] = set()
    for first, last, states_counts in periods:
        first, last = as_date(first), as_date(last or first)
        first, last = max(first, filters.start or first), min(last, filters.end or last)
        days = {first + timedelta(days=offset) for offset in range((last - first).days + 1)}
        (counted if states_counts else summaries_only).update(days)
    rows = [(day, COUNTED) for day in counted] + [(day, NO_COUNTS) for day in summaries_only - counted]
    return pd.DataFrame(sorted(rows), columns=["day", "covered"])


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
    return as_frame(session, statement)


def _by_place(filters: Filters):
    """Subquery place_id, strikes, reports of the filtered strike reports that name a place."""
    source = strike_source(filters)
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
    source = strike_source(filters)
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
    return as_frame(session, statement)


def undated_totals(session: Session, filters: Filters) -> dict[str, int]:
    """{"strikes": n, "engagements": n} of the filtered strike reports whose release states no
    day for them: how much of a period's bar rests on a day the loader had to assume."""
    strikes, engagements = session.execute(
        report_rows(filters, func.coalesce(func.sum(StrikeReport.strikes), 0),
                 func.coalesce(func.sum(StrikeReport.engagements), 0))
        .where(DAY_NOT_STATED)
    ).one()
    return {"strikes": int(strikes), "engagements": int(engagements)}


def reported_periods(session: Session, filters: Filters, grain: str) -> list[date]:
    """The periods in the filtered date range that have any strike report at all, whatever
    the place or target: a zero there means "none reported here", a missing period means
    "nothing in the data" (a gap in reporting, not a lull)."""
    dates_only = filters.dates_only()
    source = strike_source(dates_only)
    period = source.periods(session, grain).label("period")
    statement = source.select(dates_only, period).group_by(period).order_by(period)
    return sorted(pd.to_datetime([value for (value,) in session.execute(statement) if value is not None]).date)


def fill_reported(frame: pd.DataFrame, periods: list[date], group: str, groups: list[str], value: str) -> pd.DataFrame:
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
        return fill_reported(pd.DataFrame(), [], "place", [], "strikes")
    source = strike_source(filters)
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
    counted = with_dates(as_frame(session, statement))
    return fill_reported(counted, reported_periods(session, filters, grain), "place", places, "strikes")
