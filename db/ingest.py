"""Ingest: an import's life (started, each file read and stored in one transaction, finished, or
found stopped), idempotent by content hash. Which version counts is db.versions', the rows
db.store's, published totals db.reference_totals'. The command line and the Upload page both
call these functions."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.data_version import bump_data_version
from db.engine import failure_in_words, refresh_planner_statistics, write_transaction
from db.reference_totals import store_published_totals
from db.store import store_releases
from db.versions import DUPLICATE, NEW, REVISION
from loaders import ParsedRelease, UnreadableFile, parse_document, read_bytes
from loaders.gc_pause import gc_paused
from loaders.numbers import MAX_RELEASE_STRIKES, MOST_STRIKES_A_RELEASE_STATES
from loaders.published_totals import BadPublishedTotals, read_published_totals
from loaders.readers import DEFAULT_MAX_BYTES, SourceNote
from loaders.records import PublishedFigure

FAILED = "failed"
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


def ingest_published_totals(factory: sessionmaker[Session], source: str, figures: list[PublishedFigure],
                            import_id: int | None) -> FileOutcome:
    """Store the new totals of one file of published totals, in one transaction."""
    with write_transaction(factory) as session:
        stored = store_published_totals(session, source, figures, import_id)
        if stored:
            bump_data_version(session)
    outcome = FileOutcome(source, NEW if stored else DUPLICATE, published_totals=stored)
    if stored < len(figures):
        outcome.reason = f"{len(figures) - stored} of {len(figures)} totals stored already"
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


