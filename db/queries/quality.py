"""Data quality: diagnostics, unresolved places, strikes without a stated day, and the releases
whose lines and stated totals differ (with a reason code; the wording is dashboard.quality's)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import (
    distinct,
    false,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, aliased

from db.models import (
    Diagnostic,
    Place,
    Release,
    StrikeReport,
)
from db.queries.filters import DAY_NOT_STATED, Filters, publication_period, report_rows
from db.queries.frames import as_frame, with_dates
from db.queries.periods import period_bucket
from db.queries.sources import DETAIL_STRIKES


def diagnostics_by_kind(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns kind, diagnostics, releases."""
    statement = (
        select(Diagnostic.kind.label("kind"), func.count().label("diagnostics"),
               func.count(distinct(Diagnostic.release_id)).label("releases"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*publication_period(filters))
        .group_by(Diagnostic.kind)
        .order_by(func.count().desc())
    )
    return as_frame(session, statement)


def diagnostics_over_time(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns month, kind, diagnostics."""
    month = period_bucket(session, "month", Release.published).label("month")
    statement = (
        select(month, Diagnostic.kind.label("kind"), func.count().label("diagnostics"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*publication_period(filters))
        .group_by(month, Diagnostic.kind)
        .order_by(month)
    )
    return with_dates(as_frame(session, statement), "month")


def diagnostics_list(session: Session, filters: Filters, kind: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Columns release_id, published, kind, message, text, title, source (the release's)."""
    statement = (
        select(Release.id.label("release_id"), Release.published.label("published"), Diagnostic.kind.label("kind"),
               Diagnostic.message.label("message"), Diagnostic.text.label("text"), Release.title.label("title"),
               func.coalesce(Release.source_url, Release.source).label("source"))
        .join(Release, Release.id == Diagnostic.release_id)
        .where(*publication_period(filters), *([Diagnostic.kind == kind] if kind else []))
        .order_by(Release.published.desc(), Diagnostic.id)
        .limit(limit)
    )
    return as_frame(session, statement)


def unresolved_places(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns location_raw, country, mentions, strikes: places the gazetteer did not resolve."""
    # The few places without coordinates read first: "no place, or one of these" is then a
    # condition ix_strike_report_place serves on either database. Asked in one statement,
    # PostgreSQL read every strike report to test each against the subquery (96 ms at 100x).
    without_coordinates = list(session.scalars(select(Place.id).where(Place.lat.is_(None))))
    unresolved = or_(StrikeReport.place_id.is_(None), StrikeReport.place_id.in_(without_coordinates))
    statement = (
        report_rows(filters, StrikeReport.location_raw.label("location_raw"), StrikeReport.country.label("country"),
                 func.count().label("mentions"), func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"))
        .where(unresolved, StrikeReport.location_raw.is_not(None))
        .group_by(StrikeReport.location_raw, StrikeReport.country)
        .order_by(func.count().desc(), StrikeReport.location_raw)
    )
    return as_frame(session, statement)


def undated_reports(session: Session, filters: Filters, limit: int = 100) -> pd.DataFrame:
    """Columns release_id, published, source, title, counted_on, until, reports, strikes: strike
    reports whose release states no day for them, by release, most strikes first. They are
    counted over the span their release or block names (counted_on to until), else on the
    release's period start or the day before publication: one day's bar."""
    statement = (
        report_rows(filters, Release.id.label("release_id"), Release.published.label("published"),
                 func.coalesce(Release.source_url, Release.source).label("source"), Release.title.label("title"),
                 StrikeReport.strike_date.label("counted_on"), StrikeReport.last_date.label("until"),
                 func.count().label("reports"), func.coalesce(func.sum(StrikeReport.strikes), 0).label("strikes"))
        .where(DAY_NOT_STATED)
        .group_by(Release.id, Release.published, Release.source_url, Release.source, Release.title,
                  StrikeReport.strike_date, StrikeReport.last_date)
        .order_by(func.coalesce(func.sum(StrikeReport.strikes), 0).desc(), Release.id)
        .limit(limit)
    )
    return as_frame(session, statement)


def releases_named(session: Session, release_ids: list[int]) -> pd.DataFrame:
    """Columns release_id, published, source, title: these releases, to name and link them."""
    statement = (select(Release.id.label("release_id"), Release.published.label("published"),
                        func.coalesce(Release.source_url, Release.source).label("source"), Release.title.label("title"))
                 .where(Release.id.in_(release_ids)))
    return as_frame(session, statement)


def repeated_lists(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns release_id, published, source, title, period_start, lines, strikes, counted_id,
    counted_published, counted_source: the copies not counted because the counted version of
    their release lists the same strikes under another date (a page kept under two dates, an
    archive day that repeats a release's list). By the counted version's publication date."""
    counted = aliased(Release)
    statement = (
        select(Release.id.label("release_id"), Release.published.label("published"),
               func.coalesce(Release.source_url, Release.source).label("source"), Release.title.label("title"),
               Release.period_start.label("period_start"), Release.list_key.label("lines"),
               Release.parsed_strikes.label("strikes"), counted.id.label("counted_id"),
               counted.published.label("counted_published"),
               func.coalesce(counted.source_url, counted.source).label("counted_source"))
        .join(counted, (counted.release_key == Release.release_key) & counted.is_current.is_(True))
        # from the few versions not counted (ix_release_not_counted: "= false", not "IS false", is
        # its condition), never from every counted row: no ORDER BY, which SQLite would serve by
        # walking the counted releases in date order, each row read whole with its text
        .where(Release.is_current == false(), Release.list_key == counted.list_key,
               or_(Release.published != counted.published, Release.period_start != counted.period_start))
    )
    if filters.start:
        statement = statement.where(counted.published >= filters.start)
    if filters.end:
        statement = statement.where(counted.published <= filters.end + timedelta(days=1))
    frame = as_frame(session, statement).sort_values(["counted_published", "release_id"], kind="stable")
    frame["lines"] = [int(key.split(":", 1)[0]) for key in frame["lines"]]
    return frame.reset_index(drop=True)


# Why a release's lines and its stated totals differ (totals_check's reason)
COPY_CUT, AS_PUBLISHED, LINES_OVER, NO_PLACE = "copy cut", "as published", "lines over stated", "no place"


def releases_flagged():
    """The ids of the releases whose stated totals and lines differ (totals_check lists them)."""
    return union(
        select(Diagnostic.release_id).where(Diagnostic.kind.in_(("not_itemised", "over_itemised", "totals_mismatch"))),
        select(Release.id).where(Release.stated_strikes.is_not(None), Release.stated_strikes != Release.parsed_strikes),
        # "= false", not "IS false": both databases read it as ix_strike_report_unitemised's condition
        select(StrikeReport.release_id).where(StrikeReport.itemised == false(), StrikeReport.strikes > 0),
    )


def strikes_on_flagged_releases(session: Session, filters: Filters, grain: str, split: str) -> pd.DataFrame:
    """Columns period, group, flagged: of each bar of strikes_over_time (split by none or
    country), the strikes whose release is listed on Data quality as not adding up."""
    period = period_bucket(session, grain).label("period")
    group = (literal("all") if split == "none" else func.coalesce(StrikeReport.country, "unknown")).label("group")
    statement = (
        report_rows(filters, period, group, func.coalesce(func.sum(StrikeReport.strikes), 0).label("flagged"))
        .where(StrikeReport.release_id.in_(select(releases_flagged().subquery().c[0])),
               DETAIL_STRIKES.fits(session, grain))
        .group_by(period, group)
    )
    return with_dates(as_frame(session, statement))


def totals_check(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns release_id, published, source, title, stated, itemised, not_itemised, counted,
    reason, detail: the releases whose stated totals and lines differ, anywhere they state one
    (overall, a country, a day, a late block). stated: the overall strikes stated (None where
    only countries are); itemised: what the main-list lines add up to; not_itemised: what the
    count of record adds for stated strikes no line places; counted: every strike counted.
    reason: COPY_CUT (the copy stops inside a list), AS_PUBLISHED (the release does not add up
    as published), LINES_OVER (its lines add up to more than it states: they are counted) or
    NO_PLACE (a count stated with no place, such as a late line of an archive day); detail: the
    diagnostics that say where. Every release with strikes counted as not itemised is listed."""
    differing = releases_flagged()
    releases = as_frame(session, (
        select(Release.id.label("release_id"), Release.published.label("published"),
               func.coalesce(Release.source_url, Release.source).label("source"), Release.title.label("title"),
               Release.stated_strikes.label("stated"), Release.parsed_strikes.label("itemised"))
        .where(*publication_period(filters), Release.id.in_(differing))
        .order_by(Release.published, Release.id)
    ))
    columns = [*releases.columns, "not_itemised", "counted", "reason", "detail"]
    if releases.empty:
        return pd.DataFrame(columns=columns)
    ids = [int(value) for value in releases["release_id"]]
    counted = {release_id: (int(strikes or 0), int(unitemised or 0)) for release_id, strikes, unitemised in session.execute(
        select(StrikeReport.release_id, func.sum(StrikeReport.strikes), DETAIL_STRIKES.unitemised)
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
        if "over_itemised" in kinds:
            return LINES_OVER
        return AS_PUBLISHED if kinds else NO_PLACE

    releases["not_itemised"] = [counted.get(release_id, (0, 0))[1] for release_id in ids]
    releases["counted"] = [counted.get(release_id, (0, 0))[0] for release_id in ids]
    releases["reason"] = [reason(release_id) for release_id in ids]
    releases["detail"] = ["; ".join(message for kind, message in notes.get(release_id, [])
                                    if kind in ("not_itemised", "over_itemised")) for release_id in ids]
    return releases[columns]
