"""Writing a file's releases: the release rows (which version counts: db.versions), their
strike reports, targets and diagnostics, the places they name, and the summaries' deltas, all
inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import models, summaries
from db.engine import execute_many, reserve_ids
from db.reference_totals import published_total_row
from db.versions import DUPLICATE, Planner, Version
from loaders import ParsedRelease
from loaders.dates import assumed_strike_day
from loaders.records import StrikeReport


def place_kind(precision: str) -> str:
    """A place's own kind from how a report placed itself: "west of Baghdad" is at Baghdad."""
    return "region" if precision == "region" else "place"


class PlaceIds:
    """Gazetteer places by (name, country) -> place.id, created on first use."""

    def __init__(self, session: Session):
        self.session = session
        place = models.Place
        self.ids = {(name, country): place_id for place_id, name, country in
                    session.execute(select(place.id, place.name, place.country))}

    @staticmethod
    def _key(report) -> tuple[str, str]:
        return report.location, report.location_country or report.country or ""

    def create_missing(self, reports) -> None:
        """Create the places these reports name that are not stored yet, in name order: two
        imports at once then wait for each other on a shared new place instead of deadlocking."""
        missing = {self._key(report): report for report in reports if report.location and self._key(report) not in self.ids}
        for key in sorted(missing):
            self.ids[key] = self._create(key, missing[key])

    def id_for(self, report) -> int | None:
        """The place id of a report (after create_missing for its release's reports)."""
        return self.ids[self._key(report)] if report.location else None

    def _create(self, key: tuple[str, str], report) -> int:
        place = models.Place.__table__
        try:
            with self.session.begin_nested():
                return self.session.execute(
                    place.insert().returning(place.c.id),
                    {"name": key[0], "country": key[1], "province": report.province, "lat": report.lat,
                     "lon": report.lon, "precision": place_kind(report.location_precision), "source": ""},
                ).scalar_one()
        except IntegrityError:  # another session created it meanwhile
            return self.session.scalar(select(place.c.id).where(place.c.name == key[0], place.c.country == key[1]))


def strike_day(parsed: ParsedRelease, report: StrikeReport) -> date | None:
    """The day a report's strikes are counted on: its own, else the first the release covers,
    else the day before publication (loaders.dates.assumed_strike_day)."""
    return report.date or parsed.period_start or assumed_strike_day(parsed.published)


@dataclass
class DerivedRows:
    """The rows write_derived_rows inserted, for the summaries."""

    reports: list[dict]
    targets: list[tuple[dict, dict]]  # (report row, target row)


def write_derived_rows(
    session: Session, releases: list[tuple[int, ParsedRelease]], places: PlaceIds, keep_text: bool = True,
    meanwhile: Callable[[DerivedRows], None] | None = None,
) -> DerivedRows:
    """Insert the strike reports, targets and diagnostics of parsed releases under their
    stored release ids: one executemany per table. meanwhile, if given, gets the rows while
    the database stores the targets (on PostgreSQL the two run at once)."""
    places.create_missing(report for _release_id, parsed in releases for report in parsed.strikes)
    report_ids = iter(reserve_ids(session, models.StrikeReport.__table__,
                                  sum(len(parsed.strikes) for _release_id, parsed in releases)))
    reports, diagnostics, report_targets = [], [], []
    for release_id, parsed in releases:
        rows = parsed.archive_rows or []
        for position, report in enumerate(parsed.strikes):
            report_row = {
                "id": next(report_ids), "release_id": release_id, "position": position, "country": report.country,
                "location_raw": report.location_raw, "place_id": places.id_for(report),
                "location_precision": report.location_precision if report.location else None,
                "strike_date": strike_day(parsed, report), "last_date": report.last_date,
                "date_stated": report.date is not None and report.date_in_text,
                "strikes": report.strikes, "engagements": report.engagements, "block": report.block,
                "sentence": report.sentence if keep_text else None,
                "span_start": report.span[0] if keep_text else None,
                "span_end": report.span[1] if keep_text else None,
                "archive_row": rows[position] if position < len(rows) else None,
                "itemised": report.itemised,
            }
            reports.append(report_row)
            report_targets.extend((report_row, target) for target in report.targets)
        for diagnostic in parsed.diagnostics:
            with_span = bool(diagnostic.span) and keep_text
            diagnostics.append({
                "release_id": release_id, "kind": diagnostic.kind, "message": diagnostic.message,
                "text": diagnostic.text if keep_text else None,
                "span_start": diagnostic.span[0] if with_span else None,
                "span_end": diagnostic.span[1] if with_span else None,
            })
    derived = DerivedRows(reports, [])

    def target_rows() -> None:
        derived.targets.extend((report_row, {
            "strike_report_id": report_row["id"], "action": target.action, "count": target.count,
            "text": target.text if keep_text else None, "type": target.type, "category": target.category,
        }) for report_row, target in report_targets)

    execute_many(session, models.StrikeReport.__table__.insert(), reports, meanwhile=target_rows)
    summaries.mark_flags(session, [release_id for release_id, _parsed in releases], written=True)
    execute_many(session, models.Diagnostic.__table__.insert(), diagnostics)
    execute_many(session, models.PublishedTotal.__table__.insert(), [
        published_total_row(figure, release_id, parsed.source, keep_text)
        for release_id, parsed in releases for figure in parsed.published_figures
    ])
    execute_many(session, models.Target.__table__.insert(), [target for _report, target in derived.targets],
                 meanwhile=(lambda: meanwhile(derived)) if meanwhile else None)
    return derived


def _known_link(session: Session, release_id: int | None) -> str | None:
    """The web address of a stored version (a revision without one of its own keeps it)."""
    if release_id is None:
        return None
    return session.scalar(select(models.Release.source_url).where(models.Release.id == release_id))


@dataclass
class StoredRelease:
    outcome: str  # new, duplicate, revision
    release_id: int | None  # the stored row (for a duplicate: the copy already there)
    replaced_id: int | None = None  # for a revision: the version counted until then


def store_releases(
    session: Session,
    parsed_list: list[ParsedRelease],
    import_id: int | None,
    source_url: str | None = None,
    keep_text: bool = True,
) -> list[StoredRelease]:
    """Add the releases of one file inside the caller's transaction, summaries included."""
    planner = Planner(session, parsed_list)
    release = models.Release.__table__
    results: list[StoredRelease] = []
    pending: list[tuple[dict, Version, StoredRelease]] = []  # release rows not inserted yet
    written: list[tuple[Version, ParsedRelease]] = []
    counted_out: list[int] = []

    def insert_pending() -> None:
        # a copy stored meanwhile by another import surfaces as an IntegrityError, which
        # ingest_parsed answers by planning again
        for (row, version, result), release_id in zip(pending, reserve_ids(session, release, len(pending)),
                                                      strict=True):
            row["id"] = version.id = result.release_id = release_id
        execute_many(session, release.insert(), [row for row, _version, _result in pending])
        pending.clear()

    for parsed in parsed_list:
        outcome, met = planner.outcome(parsed)
        if met is not None and met.id is None:
            insert_pending()  # it meets a copy stored just before in this file: that one needs its id
        if outcome == DUPLICATE:
            results.append(StoredRelease(DUPLICATE, met.id))
            continue
        counted = met is None or planner.counts_over(parsed, met)
        if met is not None and counted:
            session.execute(release.update().where(release.c.id == met.id).values(is_current=False))
            if met.counted and any(version is met for version, _parsed in written):
                met.counted = False  # stored earlier in this file: never counted
            else:
                counted_out.append(met.id)
        version = planner.stored(parsed, counted)
        result = StoredRelease(outcome, None, met.id if met is not None else None)
        results.append(result)
        written.append((version, parsed))
        pending.append(({
            "release_key": version.key, "content_hash": parsed.content_hash, "source": parsed.source,
            "source_url": source_url or (_known_link(session, met.id) if met is not None else None),
            "format": parsed.format, "title": parsed.title,
            "published": parsed.published, "period_start": parsed.period_start, "period_end": parsed.period_end,
            "stated_totals": parsed.stated_record(),
            "stated_strikes": parsed.stated_overall_strikes, "list_key": planner.list_key(parsed),
            "parsed_strikes": parsed.parsed_totals()["all"].strikes or 0,
            "stated_late_strikes": parsed.late_on_top().strikes or 0,
            "report_count": len(parsed.strikes),
            "raw_text": parsed.raw_text if keep_text else None, "is_current": counted,
            "states_counts": parsed.states_counts,
            "replaces_id": met.id if met is not None else None, "import_id": import_id,
            "created_at": models.utcnow(),
        }, version, result))
    if pending:
        insert_pending()
    if written:
        summaries.count_out(session, counted_out)
        counted = {version.id for version, _parsed in written if version.counted}
        deltas = []

        def summary_deltas(rows: DerivedRows) -> None:
            deltas.append(summaries.written_deltas(
                [report for report in rows.reports if report["release_id"] in counted],
                [(report, target) for report, target in rows.targets if report["release_id"] in counted],
            ))

        write_derived_rows(session, [(version.id, parsed) for version, parsed in written], PlaceIds(session),
                           keep_text, meanwhile=summary_deltas)
        summaries.write_deltas(session, deltas[0])
    return results
