"""Releases: the strike reports behind a figure, the list of releases, one release with its
stated and parsed totals, and the import log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import (
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from db.models import (
    Diagnostic,
    ImportBatch,
    Place,
    Release,
    StrikeReport,
)
from db.queries.filters import Filters, publication_period, report_rows
from db.queries.frames import as_frame
from db.queries.quality import releases_flagged
from db.queries.sources import DETAIL_STRIKES
from loaders.records import SCOPES


@dataclass(frozen=True)
class TargetRead:
    """One target as read from a strike report's sentence."""

    action: str
    count: int | None
    type: str | None
    text: str | None


@dataclass(frozen=True)
class ReportRead:
    """One strike report of a release, in the release's order. place is the gazetteer's name,
    None where the place was not resolved (location_raw keeps it as written)."""

    id: int
    strike_date: date | None
    date_stated: bool
    country: str | None
    place: str | None
    location_raw: str | None
    strikes: int | None
    engagements: int | None
    block: str
    itemised: bool
    span_start: int | None
    span_end: int | None
    targets: tuple[TargetRead, ...] = ()
    last_date: date | None = None  # the last day of a span of days (strike_date its first)


@dataclass(frozen=True)
class DiagnosticRead:
    kind: str
    message: str | None
    text: str | None


@dataclass(frozen=True)
class ReleaseFacts:
    """A release's own facts; raw_text is None for starter facts, stored without the text."""

    id: int
    title: str | None
    source: str
    source_url: str | None
    published: date | None
    period_start: date | None
    period_end: date | None
    format: str
    is_current: bool
    created_at: datetime | None
    raw_text: str | None = None


@dataclass(frozen=True)
class ReleaseDetail:
    """One release with its strike reports, diagnostics and every version of it (oldest
    first): plain values, nothing bound to a database session."""

    release: ReleaseFacts
    reports: tuple[ReportRead, ...] = ()
    diagnostics: tuple[DiagnosticRead, ...] = ()
    versions: tuple[ReleaseFacts, ...] = ()


def strike_reports(session: Session, filters: Filters, limit: int = 500) -> pd.DataFrame:
    """The strike reports behind a number, with their sentence and release: columns
    report_id, release_id, published, date, country, place, location_raw, strikes,
    engagements, sentence, source, title (the release's), itemised (False for the part of a
    stated total no line places: its sentence is the one stating the total), release_differs
    (True where the release's stated totals and lines differ: Data quality lists it)."""
    statement = (
        report_rows(
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
            Release.id.in_(select(releases_flagged().subquery().c[0])).label("release_differs"),
        )
        .order_by(StrikeReport.strike_date, Release.id, StrikeReport.position)
        .limit(limit)
    )
    return as_frame(session, statement)


def releases_list(session: Session, filters: Filters, search: str = "", limit: int = 500) -> pd.DataFrame:
    """Columns id, published, title, source, format, strikes, reports, diagnostics; search looks in
    the title, the source, the text and the places the release reports."""
    conditions = publication_period(filters)
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
    listed = as_frame(session, (
        select(Release.id.label("id"), Release.published.label("published"), Release.title.label("title"),
               func.coalesce(Release.source_url, Release.source).label("source"), Release.format.label("format"))
        .where(*conditions)
        .order_by(Release.published.desc(), Release.id.desc())
        .limit(limit)
    ))
    # the totals of the listed releases only
    ids = [int(value) for value in listed["id"]]
    reports = {release_id: (strikes, count) for release_id, strikes, count in session.execute(
        select(StrikeReport.release_id, func.coalesce(func.sum(StrikeReport.strikes), 0), DETAIL_STRIKES.reports)
        .where(StrikeReport.release_id.in_(ids)).group_by(StrikeReport.release_id)
    )} if ids else {}
    diagnostics = dict(session.execute(
        select(Diagnostic.release_id, func.count()).where(Diagnostic.release_id.in_(ids)).group_by(Diagnostic.release_id)
    ).all()) if ids else {}
    listed["strikes"] = [int(reports.get(release_id, (0, 0))[0]) for release_id in ids]
    listed["reports"] = [int(reports.get(release_id, (0, 0))[1]) for release_id in ids]
    listed["diagnostics"] = [int(diagnostics.get(release_id, 0)) for release_id in ids]
    return listed


def _facts(release: Release, with_text: bool = False) -> ReleaseFacts:
    return ReleaseFacts(
        id=release.id, title=release.title, source=release.source, source_url=release.source_url,
        published=release.published, period_start=release.period_start, period_end=release.period_end,
        format=release.format, is_current=release.is_current, created_at=release.created_at,
        raw_text=release.raw_text if with_text else None,
    )


def _read(report: StrikeReport) -> ReportRead:
    return ReportRead(
        id=report.id, strike_date=report.strike_date, date_stated=report.date_stated, country=report.country,
        place=report.place.name if report.place else None, location_raw=report.location_raw,
        strikes=report.strikes, engagements=report.engagements, block=report.block, itemised=report.itemised,
        span_start=report.span_start, span_end=report.span_end, last_date=report.last_date,
        targets=tuple(TargetRead(t.action, t.count, t.type, t.text) for t in report.targets),
    )


def release_detail(session: Session, release_id: int) -> ReleaseDetail | None:
    """One release with its strike reports, targets, diagnostics and other versions."""
    release = session.get(Release, release_id)
    if release is None:
        return None
    reports = session.scalars(
        select(StrikeReport).where(StrikeReport.release_id == release_id).order_by(StrikeReport.position)
        .options(selectinload(StrikeReport.targets), joinedload(StrikeReport.place))
    ).unique()
    diagnostics = session.scalars(select(Diagnostic).where(Diagnostic.release_id == release_id).order_by(Diagnostic.id))
    versions = session.scalars(
        select(Release).where(Release.release_key == release.release_key).order_by(Release.created_at)
    )
    return ReleaseDetail(
        release=_facts(release, with_text=True),
        reports=tuple(_read(report) for report in reports),
        diagnostics=tuple(DiagnosticRead(d.kind, d.message, d.text) for d in diagnostics),
        versions=tuple(_facts(version) for version in versions),
    )


def counted_releases(session: Session) -> int:
    """How many releases the data count (their current versions): the source line's figure,
    coverage's count of releases over the whole data, without coverage's other reads."""
    return int(session.scalar(select(func.count()).select_from(Release).where(*publication_period(Filters()))) or 0)


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
            if scope not in SCOPES:
                continue
            total = parsed.setdefault(scope, [None, None])
            for index, value in enumerate((strikes, engagements)):
                if value is not None:
                    total[index] = (total[index] or 0) + int(value)
    records = []
    for scope in SCOPES:
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
