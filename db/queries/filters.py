"""The filters of a view (dates, countries, provinces, places, target categories, types,
actions) and the SQL conditions they become: on the detail rows, and on the publication
period of the per-release queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import (
    and_,
    exists,
    false,
    func,
    select,
)
from sqlalchemy.sql import ColumnElement, Select

from db.models import (
    Place,
    Release,
    StrikeReport,
    Target,
)
from db.queries.periods import period_end, period_start

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
        """These filters' dates alone: all that the per-release queries apply (publication_period)."""
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


def target_condition(filters: Filters) -> ColumnElement[bool]:
    conditions = []
    if filters.categories:
        conditions.append(Target.category.in_(filters.categories))
    if filters.types:
        conditions.append(Target.type.in_(filters.types))
    if filters.actions:
        conditions.append(Target.action.in_(filters.actions))
    return and_(*conditions)


def _report_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    return [Release.is_current.is_(True), *strike_report_conditions(filters)]


def strike_report_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The filters' conditions on a strike report itself (its days, country, place, targets):
    report_rows adds that its release counts."""
    conditions: list[ColumnElement[bool]] = []
    if filters.start:
        conditions.append(StrikeReport.strike_date >= filters.start)
    if filters.end:  # a span of days counts in a period that holds it whole (its first day too)
        conditions += [StrikeReport.strike_date <= filters.end,
                       func.coalesce(StrikeReport.last_date, StrikeReport.strike_date) <= filters.end]
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
                select(Target.id).where(Target.strike_report_id == StrikeReport.id, target_condition(filters))
            ).correlate_except(Target)
        )
    return conditions


def report_rows(filters: Filters, *columns) -> Select:
    """SELECT columns FROM strike reports of current releases (with their place), filtered."""
    return (
        select(*columns)
        .select_from(StrikeReport)
        .join(Release, Release.id == StrikeReport.release_id)
        .outerjoin(Place, Place.id == StrikeReport.place_id)
        .where(*_report_conditions(filters))
    )


def publication_period(filters: Filters) -> list[ColumnElement[bool]]:
    """The counted releases published in the filters' dates, or the day after their last (a
    release reports the day before it was published)."""
    conditions = [Release.is_current.is_(True)]
    if filters.start:
        conditions.append(Release.published >= filters.start)
    if filters.end:
        conditions.append(Release.published <= filters.end + timedelta(days=1))
    return conditions


# "= false", not "IS false": both databases read it as the partial index's condition
# (ix_strike_report_undated; PostgreSQL turns "x = false" into "NOT x", SQLite writes "= 0").
DAY_NOT_STATED = StrikeReport.date_stated == false()
