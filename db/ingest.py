"""Ingest: parsed releases -> database rows, one transaction per file, idempotent by content
hash. The command line and the upload page both call these functions."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import models, summaries
from db.engine import (
    execute_many,
    failure_in_words,
    in_chunks,
    refresh_planner_statistics,
    reserve_ids,
    write_transaction,
)
from loaders import ParsedRelease, UnreadableFile, parse_document, read_bytes
from loaders.dates import assumed_strike_day
from loaders.gc_pause import gc_paused
from loaders.numbers import MAX_RELEASE_STRIKES, MOST_STRIKES_A_RELEASE_STATES
from loaders.published_totals import BadPublishedTotals, read_published_totals
from loaders.readers import DEFAULT_MAX_BYTES, SourceNote
from loaders.records import PublishedFigure, StrikeReport
from loaders.release_parser import find_release_date

NEW, DUPLICATE, REVISION, FAILED = "new", "duplicate", "revision", "failed"
_DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a transaction ended to break a deadlock


@dataclass
class FileOutcome:
    """What an import did (or, in a preview, would do) with one file."""

    source: str
    outcome: str  # new, duplicate, revision, failed
    releases: int = 0
    strikes: int = 0
    targets: int = 0
    warnings: int = 0
    reason: str | None = None
    published_totals: int = 0  # reference totals stored (a file of published totals)
    release_ids: list[int] = field(default_factory=list)
    replaced_ids: list[int] = field(default_factory=list)


@dataclass
class ImportResult:
    import_id: int | None
    files: list[FileOutcome]

    @property
    def failed(self) -> int:
        return sum(1 for item in self.files if item.outcome == FAILED)


def release_key(parsed: ParsedRelease) -> str:
    """Identity of a release across versions: its date and the first day it reports. Two
    copies of the same release (a repost, a correction) share it; different releases do not."""
    published = parsed.published.isoformat() if parsed.published else "undated"
    start = parsed.period_start or assumed_strike_day(parsed.published)
    if parsed.format == "archive" and parsed.published:
        start = assumed_strike_day(parsed.published)  # archive lines: the daily "yesterday"
    # a summary without counts and a release with counts, published the same day over the same
    # days, are two releases (the 2019 narrative and the strike summary of 15 Jan 2019)
    kind = "" if parsed.states_counts else "|summary"
    return f"{published}|{start.isoformat() if start else parsed.content_hash[:16]}{kind}"


_SOURCE_RANK = {"archive": 1, "starter": 0}  # everything else is a full release text: 2


def standing(format: str, complete: bool) -> tuple[int, bool]:
    """How good a copy is: a full text beats an archive line, which beats starter facts; then a
    complete copy beats one cut short."""
    return _SOURCE_RANK.get(format, 2), complete


def version_rank(format: str, complete: bool, published: date | None, order: float) -> tuple:
    """How a version of a release ranks against the others; the best is the one counted. Its
    standing first; then the first publication, for one list of strikes published under two
    dates (a page kept under a later date repeats a day's list: the original is the earlier);
    then the newest (order: the row's id, newer higher), for a correction of the same release."""
    first_published = -(published or date.max).toordinal()
    return (*standing(format, complete), first_published, order)


def _is_complete(parsed: ParsedRelease) -> bool:
    return not any(d.kind == "incomplete_list" for d in parsed.diagnostics)


def stored_is_complete(session: Session, release_id: int) -> bool:
    return not session.scalar(
        select(models.Diagnostic.id)
        .where(models.Diagnostic.release_id == release_id, models.Diagnostic.kind == "incomplete_list")
        .limit(1)
    )


# A list of at least this many lines reported under two dates is one report of strikes, whatever
# else the two copies say: no two days of the campaign list the same four places with the same counts.
SAME_LIST_LINES = 4


def list_key(lines: Iterable[tuple[str | None, str | None, int | None]]) -> str | None:
    """What a release reports, as one key: its itemised lines (country, place, strikes), in any
    order, and their number ("5:<sha256>"); None for a release that itemises none. Two copies
    of one release share it, whatever their dates and wording."""
    items = sorted((country or "", (place or "").casefold(), strikes or 0) for country, place, strikes in lines)
    if not items:
        return None
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:40]
    return f"{len(items)}:{digest}"


def parsed_list_key(parsed: ParsedRelease) -> str | None:
    return list_key((report.country, report.location or report.location_raw, report.strikes)
                    for report in parsed.strikes if report.itemised and report.strikes)


def _list_lines(key: str | None) -> int:
    return int(key.split(":", 1)[0]) if key else 0


@dataclass
class _Version:
    """The counted version of a release, as the planner knows it."""

    id: int | None  # None: stored by this file but not inserted yet
    format: str
    complete: bool | None  # None: not known yet (stored before this file; looked up when needed)
    counted: bool = True
    key: str = ""  # its release_key
    published: date | None = None
    period: tuple[date | None, date | None] = (None, None)
    stated: int | None = None  # the overall strikes it states
    # its itemised lines' sentences, and whether its text has a dateline; None: not known yet
    # (stored before this file; looked up when a copy without a dateline meets it)
    sentences: frozenset[str] | None = None
    dateline: bool | None = None


def _stated(parsed: ParsedRelease) -> int | None:
    return summaries.stated_overall_strikes({key: totals.as_dict() for key, totals in parsed.stated_totals.items()})


def line_sentences(sentences: Iterable[str | None]) -> frozenset[str]:
    """The sentences of a release's itemised lines, as one set (whitespace as one space)."""
    return frozenset(" ".join(sentence.split()) for sentence in sentences if sentence)


def _parsed_sentences(parsed: ParsedRelease) -> frozenset[str]:
    return line_sentences(report.sentence for report in parsed.strikes if report.itemised and report.strikes)


def _same_release(parsed: ParsedRelease, other: _Version) -> bool:
    """Whether a release with the list of a counted one under another date is a copy of it: a
    long list (SAME_LIST_LINES) says so alone; a short one also needs the same days and the same
    stated overall, and two full texts (a repost dated the day it was reposted)."""
    if _list_lines(parsed_list_key(parsed)) >= SAME_LIST_LINES:
        return True
    full_texts = parsed.format not in ("archive", "starter") and other.format not in ("archive", "starter")
    stated = _stated(parsed)
    return (full_texts and stated is not None and stated == other.stated
            and (parsed.period_start, parsed.period_end) == other.period)


_UNSTORED_ORDER = 2**62  # the order (version_rank) of a version not inserted yet: above every row id


class _Planner:
    """What storing each release of one file does: two look-ups for the whole file, then kept
    up to date as the file's own releases are stored (a file may hold two copies of one)."""

    def __init__(self, session: Session, parsed_list: list[ParsedRelease]):
        self.session = session
        self.by_hash: dict[str, _Version] = {}
        self.current: dict[str, _Version] = {}
        self.by_list: dict[str, _Version] = {}
        release = models.Release
        hashes = [parsed.content_hash for parsed in parsed_list]
        keys = [release_key(parsed) for parsed in parsed_list]
        lists = [key for key in map(parsed_list_key, parsed_list) if key]
        for chunk in in_chunks(hashes):
            for content_hash, release_id, format in session.execute(
                select(release.content_hash, release.id, release.format).where(release.content_hash.in_(chunk))
            ):
                self.by_hash[content_hash] = _Version(release_id, format, None)
        columns = (release.release_key, release.id, release.format, release.published, release.period_start,
                   release.period_end, release.stated_strikes, release.list_key)
        for chunk_of, column in ((in_chunks(keys), release.release_key), (in_chunks(lists), release.list_key)):
            for chunk in chunk_of:
                for key, release_id, format, published, start, end, stated, listed in session.execute(
                    select(*columns).where(column.in_(chunk), release.is_current.is_(True))
                ):
                    version = self.current.setdefault(key, _Version(release_id, format, None, key=key,
                                                                    published=published, period=(start, end),
                                                                    stated=stated))
                    if listed:
                        self.by_list.setdefault(listed, version)

    def key_of(self, parsed: ParsedRelease) -> str:
        """The release_key a release is stored under: its own, or that of the counted copy of the
        same release it meets under another date (see _same_release, _copy_without_dateline)."""
        key = release_key(parsed)
        if key not in self.current:
            same = self.by_list.get(parsed_list_key(parsed))
            if same is not None and (_same_release(parsed, same) or self._copy_without_dateline(parsed, same)):
                return same.key
        return key

    def _copy_without_dateline(self, parsed: ParsedRelease, other: _Version) -> bool:
        """A short list under another date is the same release when one of the two texts has no
        dateline (its date came from a file name or an index: a repost) and their lines are the
        same sentences, word for word; it need not state an overall total."""
        if other.sentences is None:
            release, report = models.Release, models.StrikeReport
            raw = self.session.scalar(select(release.raw_text).where(release.id == other.id))
            other.dateline = bool(raw) and find_release_date(raw) is not None
            other.sentences = line_sentences(self.session.scalars(
                select(report.sentence).where(report.release_id == other.id, report.itemised.is_(True),
                                              report.strikes > 0)))
        sentences = _parsed_sentences(parsed)
        return bool(sentences) and not (parsed.dateline and other.dateline) and sentences == other.sentences

    def outcome(self, parsed: ParsedRelease) -> tuple[str, _Version | None]:
        """(new | duplicate | revision, the version it meets: the stored copy or the counted one)."""
        if parsed.content_hash in self.by_hash:
            return DUPLICATE, self.by_hash[parsed.content_hash]
        current = self.current.get(self.key_of(parsed))
        return (REVISION, current) if current is not None else (NEW, None)

    def counts_over(self, parsed: ParsedRelease, current: _Version) -> bool:
        """Whether a new version is counted instead of the current one (version_rank): not when
        it is a weaker copy of the same release (an archive line after the full text, a cut copy
        after a complete one, a day's list repeated under a later date); then it is kept as history."""
        if current.complete is None:
            current.complete = stored_is_complete(self.session, current.id)
        # not inserted yet: newer than every stored row, the one being stored newest of all
        pending = _UNSTORED_ORDER if current.id is None else current.id
        return (version_rank(parsed.format, _is_complete(parsed), parsed.published, _UNSTORED_ORDER + 1)
                > version_rank(current.format, current.complete, current.published, pending))

    def stored(self, parsed: ParsedRelease, counted: bool) -> _Version:
        """Note a release of this file as stored; returns its version (id None until inserted)."""
        key = self.key_of(parsed)
        version = _Version(None, parsed.format, _is_complete(parsed), counted, key=key, published=parsed.published,
                           period=(parsed.period_start, parsed.period_end), stated=_stated(parsed),
                           sentences=_parsed_sentences(parsed), dateline=parsed.dateline)
        self.by_hash[parsed.content_hash] = version
        if counted:
            self.current[key] = version
            listed = parsed_list_key(parsed)
            if listed is not None:
                self.by_list[listed] = version
        return version


def plan(session: Session, parsed_list: list[ParsedRelease]) -> list[str]:
    """What storing these releases (one file) would do, one outcome each: new, duplicate or
    revision. Nothing is written."""
    planner = _Planner(session, parsed_list)
    outcomes = []
    for parsed in parsed_list:
        outcome, current = planner.outcome(parsed)
        outcomes.append(outcome)
        if outcome != DUPLICATE:
            # as if stored: a later copy in the same file meets this one
            planner.stored(parsed, current is None or planner.counts_over(parsed, current))
    return outcomes


def bump_data_version(session: Session) -> str:
    """Mark the data as changed, so every app process drops its cached query results."""
    version = uuid.uuid4().hex
    row = session.get(models.Meta, "data_version")
    if row is None:
        session.add(models.Meta(key="data_version", value=version))
    else:
        row.value = version
    return version


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
    execute_many(session, models.Diagnostic.__table__.insert(), diagnostics)
    execute_many(session, models.PublishedTotal.__table__.insert(), [
        published_total_row(figure, release_id, parsed.source, keep_text)
        for release_id, parsed in releases for figure in parsed.published_figures
    ])
    execute_many(session, models.Target.__table__.insert(), [target for _report, target in derived.targets],
                 meanwhile=(lambda: meanwhile(derived)) if meanwhile else None)
    return derived


def published_total_row(figure: PublishedFigure, release_id: int | None, source: str, keep_text: bool = True,
                        import_id: int | None = None) -> dict:
    """The published_total row of a figure a release quotes (release_id) or a file states."""
    return {
        "as_of_date": figure.as_of, "period_start": figure.period_start, "scope": figure.scope,
        "strikes": figure.strikes, "engagements": figure.engagements,
        "who_stated": figure.who_stated or f"quoted in {source.rsplit('/', 1)[-1]}", "url": figure.url,
        "quote": (figure.sentence or None) if keep_text else None, "release_id": release_id, "import_id": import_id,
        "created_at": models.utcnow(),
    }


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
    planner = _Planner(session, parsed_list)
    release = models.Release.__table__
    results: list[StoredRelease] = []
    pending: list[tuple[dict, _Version, StoredRelease]] = []  # release rows not inserted yet
    written: list[tuple[_Version, ParsedRelease]] = []
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
            "stated_strikes": _stated(parsed), "list_key": parsed_list_key(parsed),
            "parsed_strikes": parsed.parsed_totals()["all"].strikes or 0,
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


# An import's state in its summary: running until finish_import; stopped where its process
# ended before (killed, or its machine stopped), found at the next start.
RUNNING, FINISHED, STOPPED = "running", "finished", "stopped"
STOPPED_AFTER = timedelta(hours=24)  # an import of another machine, whose process cannot be asked


def start_import(factory: sessionmaker[Session], user_name: str, origin: str) -> int:
    with write_transaction(factory) as session:
        batch = models.ImportBatch(user_name=user_name, origin=origin, summary={
            "files": [], "state": RUNNING, "host": socket.gethostname(), "pid": os.getpid()})
        session.add(batch)
        session.flush()
        return batch.id


def _count(parsed_list: list[ParsedRelease]) -> tuple[int, int, int]:
    """(strike reports the files itemise, targets, warnings)."""
    strikes = sum(1 for p in parsed_list for report in p.strikes if report.itemised)
    targets = sum(len(r.targets) for p in parsed_list for r in p.strikes)
    warnings = sum(len(p.diagnostics) for p in parsed_list)
    return strikes, targets, warnings


def ingest_parsed(
    factory: sessionmaker[Session],
    source: str,
    parsed_list: list[ParsedRelease],
    import_id: int | None,
    source_url: str | None = None,
    keep_text: bool = True,
) -> FileOutcome:
    """Store the releases of one file in one transaction: all of them or none."""
    strikes, targets, warnings = _count(parsed_list)
    for attempt in range(2):
        outcome = FileOutcome(source, NEW, len(parsed_list), strikes, targets, warnings)
        outcomes = []
        try:
            with gc_paused(), write_transaction(factory) as session:
                for stored in store_releases(session, parsed_list, import_id, source_url, keep_text):
                    outcomes.append(stored.outcome)
                    if stored.outcome != DUPLICATE:
                        outcome.release_ids.append(stored.release_id)
                        if stored.replaced_id:
                            outcome.replaced_ids.append(stored.replaced_id)
                if outcome.release_ids:
                    bump_data_version(session)
                    refresh_planner_statistics(session)
        except (IntegrityError, OperationalError) as error:
            # a concurrent import stored the same content, or PostgreSQL chose this import to
            # end a deadlock with another one: plan again, once
            retry = isinstance(error, IntegrityError) or getattr(error.orig, "sqlstate", None) == _DEADLOCK
            if attempt == 0 and retry:
                continue
            raise
        break
    if outcomes and all(result == DUPLICATE for result in outcomes):
        outcome.outcome = DUPLICATE
    elif REVISION in outcomes:
        outcome.outcome = REVISION
    return outcome


def record_failure(factory: sessionmaker[Session], source: str, reason: str, import_id: int | None) -> FileOutcome:
    """Keep why a file failed; where the database cannot keep it either (a full disk), the
    outcome still says so to the one who imported it."""
    try:
        with write_transaction(factory) as session:
            session.add(models.FailedFile(import_id=import_id, source=source, reason=reason))
    except DBAPIError as error:
        failure_in_words(error)  # logged; the file's own reason is the one to show
    return FileOutcome(source, FAILED, reason=reason)


def finish_import(factory: sessionmaker[Session], import_id: int, files: list[FileOutcome]) -> None:
    with write_transaction(factory) as session:
        batch = session.get(models.ImportBatch, import_id)
        batch.summary = {
            "state": FINISHED,
            "files": [
                {
                    "source": item.source, "outcome": item.outcome, "releases": item.releases,
                    "strikes": item.strikes, "targets": item.targets, "warnings": item.warnings,
                    "reason": item.reason, "release_ids": item.release_ids, "replaced_ids": item.replaced_ids,
                    "published_totals": item.published_totals,
                }
                for item in files
            ]
        }


def _process_ended(summary: dict, started: datetime) -> bool:
    if summary.get("host") != socket.gethostname():
        started = started if started.tzinfo else started.replace(tzinfo=UTC)
        return models.utcnow() - started > STOPPED_AFTER
    try:
        os.kill(int(summary.get("pid", 0)), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError, OverflowError):
        return False
    return False


def close_stopped_imports(factory: sessionmaker[Session]) -> list[int]:
    """Mark as stopped the imports whose process ended before they finished, each with the files
    it stored until then (each file was stored whole, in one transaction, or not at all, so
    undo removes them). Run at every start; reads only, unless there is one to mark."""
    with factory() as session:
        running = [batch.id for batch in session.scalars(select(models.ImportBatch).where(models.ImportBatch.undone_at.is_(None)))
                   if (batch.summary or {}).get("state") == RUNNING and _process_ended(batch.summary, batch.created_at)]
    for import_id in running:
        with write_transaction(factory) as session:
            batch = session.get(models.ImportBatch, import_id)
            if (batch.summary or {}).get("state") != RUNNING:
                continue  # marked by another process meanwhile
            stored: dict[str, list[int]] = {}
            for release_id, source in session.execute(select(models.Release.id, models.Release.source)
                                                      .where(models.Release.import_id == import_id).order_by(models.Release.id)):
                stored.setdefault(source.split("#")[0], []).append(release_id)
            batch.summary = {
                "state": STOPPED,
                "reason": "the import's process ended before it finished; the files listed were stored whole",
                "files": [{"source": source, "outcome": "stored before the stop", "releases": len(ids), "release_ids": ids}
                          for source, ids in stored.items()],
            }
    return running


@dataclass
class ReadFile:
    """What one file holds: releases, or (a file of published totals) reference totals."""

    releases: list[ParsedRelease] = field(default_factory=list)
    published_totals: list[PublishedFigure] = field(default_factory=list)


def read_upload(name: str, data: bytes, max_bytes: int, paste_name: str | None = None,
                period_hint: tuple[date, date] | None = None) -> ReadFile:
    """Read and parse one file (period_hint: the days it covers where its text does not say);
    UnreadableFile when it cannot be read, or holds no strike statement at all (a format the
    parser does not know is refused, never half-stored)."""
    document = read_bytes(data, name, max_bytes)
    document.period_hint = period_hint
    if document.format == "published_totals":
        try:
            return ReadFile(published_totals=read_published_totals(document.text))
        except BadPublishedTotals as error:
            raise UnreadableFile(str(error)) from error
    if name == paste_name:
        document.format = "paste"
    parsed_list = parse_document(document)
    # a narrative summary without counts is a release of its own (states_counts False)
    if parsed_list and all(not parsed.strikes and parsed.states_counts for parsed in parsed_list):
        reasons = "; ".join(d.message for parsed in parsed_list for d in parsed.diagnostics[:3])
        raise UnreadableFile(f"no strike statement found: a format the parser does not know ({reasons})")
    for parsed in parsed_list:
        if (counted := parsed.counted_strikes) > MAX_RELEASE_STRIKES:
            raise UnreadableFile(
                f"{parsed.title or parsed.source} counts {counted:,} strikes, more than any release states (the most "
                f"is {MOST_STRIKES_A_RELEASE_STATES:,}; at most {MAX_RELEASE_STRIKES:,} are accepted from one release)")
    return ReadFile(releases=parsed_list)


def _reference_key(figure) -> tuple:
    return figure.as_of, figure.period_start, figure.scope, figure.strikes, figure.engagements


def plan_published_totals(session: Session, figures: list[PublishedFigure]) -> list[str]:
    """new or duplicate for each total of a file (a total stored already, from any file, is a
    duplicate); nothing is written."""
    table = models.PublishedTotal
    stored = {tuple(row) for row in session.execute(
        select(table.as_of_date, table.period_start, table.scope, table.strikes, table.engagements)
        .where(table.release_id.is_(None)))}
    outcomes = []
    for figure in figures:
        key = _reference_key(figure)
        outcomes.append(DUPLICATE if key in stored else NEW)
        stored.add(key)
    return outcomes


def ingest_published_totals(factory: sessionmaker[Session], source: str, figures: list[PublishedFigure],
                            import_id: int | None) -> FileOutcome:
    """Store the new totals of one file of published totals, in one transaction."""
    with write_transaction(factory) as session:
        outcomes = plan_published_totals(session, figures)
        rows = [published_total_row(figure, None, source, import_id=import_id)
                for figure, outcome in zip(figures, outcomes, strict=True) if outcome == NEW]
        execute_many(session, models.PublishedTotal.__table__.insert(), rows)
        if rows:
            bump_data_version(session)
    outcome = FileOutcome(source, NEW if rows else DUPLICATE, published_totals=len(rows))
    if len(rows) < len(figures):
        outcome.reason = f"{len(figures) - len(rows)} of {len(figures)} totals stored already"
    return outcome


def ingest_files(
    factory: sessionmaker[Session],
    files: Iterable[tuple[str, bytes]],
    user_name: str = "cli",
    origin: str = "cli",
    source_notes: dict[str, SourceNote] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_progress: Callable[[FileOutcome], None] | None = None,
    paste_name: str | None = None,
) -> ImportResult:
    """Read, parse and store each (name, bytes) file; a failing file is recorded and the
    others go on. Returns the import id and one outcome per file."""
    import_id = start_import(factory, user_name, origin)
    outcomes: list[FileOutcome] = []
    for name, data in files:
        note = (source_notes or {}).get(name) or SourceNote()
        try:
            read = read_upload(name, data, max_bytes, paste_name, note.period)
            if read.published_totals:
                outcome = ingest_published_totals(factory, name, read.published_totals, import_id)
            else:
                outcome = ingest_parsed(factory, name, read.releases, import_id, note.url)
        except UnreadableFile as error:
            outcome = record_failure(factory, name, str(error), import_id)
        except DBAPIError as error:
            outcome = record_failure(factory, name, failure_in_words(error), import_id)
        except Exception as error:  # noqa: BLE001 - one broken file must not stop the batch
            outcome = record_failure(factory, name, f"{type(error).__name__}: {str(error)[:500]}", import_id)
        outcomes.append(outcome)
        if on_progress:
            on_progress(outcome)
    finish_import(factory, import_id, outcomes)
    return ImportResult(import_id, outcomes)


def current_data_version(session: Session) -> str:
    """The version stamp of the data (changes with every import, undo or reparse)."""
    row = session.get(models.Meta, "data_version")
    return row.value if row else "empty"
