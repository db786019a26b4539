"""Ingest: parsed releases -> database rows, one transaction per file, idempotent by content
hash. The command line and the upload page both call these functions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.engine import write_transaction
from loaders import ParsedRelease, UnreadableFile, parse_document, read_bytes
from loaders.readers import DEFAULT_MAX_BYTES

NEW, DUPLICATE, REVISION, FAILED = "new", "duplicate", "revision", "failed"


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
    start = parsed.period_start or (parsed.published - timedelta(days=1) if parsed.published else None)
    if parsed.format == "archive" and parsed.published:
        start = parsed.published - timedelta(days=1)  # archive lines: the daily "yesterday"
    return f"{published}|{start.isoformat() if start else parsed.content_hash[:16]}"


_SOURCE_RANK = {"archive": 1, "starter": 0}  # everything else is a full release text: 2


def _standing(format: str, complete: bool) -> tuple[int, bool]:
    """How good a version is: a full text beats an archive line, which beats starter facts;
    then a complete copy beats one cut short."""
    return _SOURCE_RANK.get(format, 2), complete


def _is_complete(parsed: ParsedRelease) -> bool:
    return not any(d.kind == "incomplete_list" for d in parsed.diagnostics)


def _stored_is_complete(session: Session, release: models.Release) -> bool:
    return not session.scalar(
        select(models.Diagnostic.id)
        .where(models.Diagnostic.release_id == release.id, models.Diagnostic.kind == "incomplete_list")
        .limit(1)
    )


def plan(session: Session, parsed: ParsedRelease) -> tuple[str, models.Release | None]:
    """Return what storing this release would do: (new | duplicate | revision, existing row)."""
    existing = session.scalar(select(models.Release).where(models.Release.content_hash == parsed.content_hash))
    if existing is not None:
        return DUPLICATE, existing
    current = session.scalar(
        select(models.Release).where(
            models.Release.release_key == release_key(parsed), models.Release.is_current.is_(True)
        )
    )
    return (REVISION, current) if current is not None else (NEW, None)


def bump_data_version(session: Session) -> str:
    """Mark the data as changed, so every app process drops its cached query results."""
    version = uuid.uuid4().hex
    row = session.get(models.Meta, "data_version")
    if row is None:
        session.add(models.Meta(key="data_version", value=version))
    else:
        row.value = version
    return version


def _place(session: Session, cache: dict, report) -> models.Place | None:
    if not report.location:
        return None
    key = (report.location, report.location_country or report.country or "", report.location_precision)
    if key in cache:
        return cache[key]
    place = session.scalar(
        select(models.Place).where(
            models.Place.name == key[0], models.Place.country == key[1], models.Place.precision == key[2]
        )
    )
    if place is None:
        place = models.Place(
            name=key[0], country=key[1], province=report.province, lat=report.lat, lon=report.lon,
            precision=key[2], source="",
        )
        try:
            with session.begin_nested():
                session.add(place)
                session.flush()
        except IntegrityError:  # another session created it meanwhile
            place = session.scalar(
                select(models.Place).where(
                    models.Place.name == key[0], models.Place.country == key[1], models.Place.precision == key[2]
                )
            )
    cache[key] = place
    return place


def add_derived_rows(
    session: Session, release: models.Release, parsed: ParsedRelease, place_cache: dict, keep_text: bool = True
) -> None:
    """Attach the strike reports, targets and diagnostics of a parse to a release row."""
    fallback_day = parsed.period_start or (parsed.published - timedelta(days=1) if parsed.published else None)
    rows = parsed.archive_rows or []
    for position, report in enumerate(parsed.strikes):
        strike_report = models.StrikeReport(
            position=position,
            country=report.country,
            location_raw=report.location_raw,
            place=_place(session, place_cache, report),
            strike_date=report.date or fallback_day,
            date_stated=report.date is not None,
            strikes=report.strikes,
            engagements=report.engagements,
            block=report.block,
            sentence=report.sentence if keep_text else None,
            span_start=report.span[0] if keep_text else None,
            span_end=report.span[1] if keep_text else None,
            archive_row=rows[position] if position < len(rows) else None,
            targets=[
                models.Target(
                    action=target.action, count=target.count, text=target.text if keep_text else None,
                    type=target.type, category=target.category,
                )
                for target in report.targets
            ],
        )
        release.strike_reports.append(strike_report)
    for diagnostic in parsed.diagnostics:
        release.diagnostics.append(
            models.Diagnostic(
                kind=diagnostic.kind,
                message=diagnostic.message,
                text=diagnostic.text if keep_text else None,
                span_start=diagnostic.span[0] if diagnostic.span and keep_text else None,
                span_end=diagnostic.span[1] if diagnostic.span and keep_text else None,
            )
        )


def store(
    session: Session,
    parsed: ParsedRelease,
    import_id: int | None,
    source_url: str | None = None,
    place_cache: dict | None = None,
    keep_text: bool = True,
) -> tuple[str, models.Release]:
    """Add one parsed release inside the caller's transaction; return (outcome, row)."""
    outcome, existing = plan(session, parsed)
    if outcome == DUPLICATE:
        return outcome, existing
    place_cache = {} if place_cache is None else place_cache
    release = models.Release(
        release_key=release_key(parsed),
        content_hash=parsed.content_hash,
        source=parsed.source,
        source_url=source_url,
        format=parsed.format,
        title=parsed.title,
        published=parsed.published,
        period_start=parsed.period_start,
        period_end=parsed.period_end,
        stated_totals={key: totals.as_dict() for key, totals in parsed.stated_totals.items()},
        raw_text=parsed.raw_text if keep_text else None,
        is_current=True,
        replaces_id=existing.id if existing is not None else None,
        import_id=import_id,
    )
    if existing is not None:
        # A newer version is counted unless it is a weaker copy of the same release (an archive
        # line after the full text, a cut copy after a complete one): then it is kept as history.
        incoming = _standing(parsed.format, _is_complete(parsed))
        current = _standing(existing.format, _stored_is_complete(session, existing))
        if incoming >= current:
            existing.is_current = False
        else:
            release.is_current = False
    add_derived_rows(session, release, parsed, place_cache, keep_text)
    session.add(release)
    session.flush()
    return outcome, release


def start_import(factory: sessionmaker[Session], user_name: str, origin: str) -> int:
    with write_transaction(factory) as session:
        batch = models.ImportBatch(user_name=user_name, origin=origin, summary={"files": []})
        session.add(batch)
        session.flush()
        return batch.id


def _count(parsed_list: list[ParsedRelease]) -> tuple[int, int, int]:
    strikes = sum(len(p.strikes) for p in parsed_list)
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
            with write_transaction(factory) as session:
                place_cache: dict = {}
                for parsed in parsed_list:
                    result, release = store(session, parsed, import_id, source_url, place_cache, keep_text)
                    outcomes.append(result)
                    if result != DUPLICATE:
                        outcome.release_ids.append(release.id)
                        if release.replaces_id:
                            outcome.replaced_ids.append(release.replaces_id)
                if outcome.release_ids:
                    bump_data_version(session)
        except IntegrityError:
            if attempt == 0:
                continue  # a concurrent import stored the same content: plan again
            raise
        break
    if outcomes and all(result == DUPLICATE for result in outcomes):
        outcome.outcome = DUPLICATE
    elif REVISION in outcomes:
        outcome.outcome = REVISION
    return outcome


def record_failure(factory: sessionmaker[Session], source: str, reason: str, import_id: int | None) -> FileOutcome:
    with write_transaction(factory) as session:
        session.add(models.FailedFile(import_id=import_id, source=source, reason=reason))
    return FileOutcome(source, FAILED, reason=reason)


def finish_import(factory: sessionmaker[Session], import_id: int, files: list[FileOutcome]) -> None:
    with write_transaction(factory) as session:
        batch = session.get(models.ImportBatch, import_id)
        batch.summary = {
            "files": [
                {
                    "source": item.source, "outcome": item.outcome, "releases": item.releases,
                    "strikes": item.strikes, "targets": item.targets, "warnings": item.warnings,
                    "reason": item.reason, "release_ids": item.release_ids, "replaced_ids": item.replaced_ids,
                }
                for item in files
            ]
        }


def read_and_parse(name: str, data: bytes, max_bytes: int, paste_name: str | None = None) -> list[ParsedRelease]:
    """Read and parse one file; UnreadableFile when it cannot be read or holds no strike
    statement at all (a format the parser does not know is refused, never half-stored)."""
    document = read_bytes(data, name, max_bytes)
    if name == paste_name:
        document.format = "paste"
    parsed_list = parse_document(document)
    if parsed_list and all(not parsed.strikes for parsed in parsed_list):
        reasons = "; ".join(d.message for parsed in parsed_list for d in parsed.diagnostics[:3])
        raise UnreadableFile(f"no strike statement found: a format the parser does not know ({reasons})")
    return parsed_list


def ingest_files(
    factory: sessionmaker[Session],
    files: Iterable[tuple[str, bytes]],
    user_name: str = "cli",
    origin: str = "cli",
    source_urls: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_progress: Callable[[FileOutcome], None] | None = None,
    paste_name: str | None = None,
) -> ImportResult:
    """Read, parse and store each (name, bytes) file; a failing file is recorded and the
    others go on. Returns the import id and one outcome per file."""
    import_id = start_import(factory, user_name, origin)
    outcomes: list[FileOutcome] = []
    for name, data in files:
        try:
            parsed_list = read_and_parse(name, data, max_bytes, paste_name)
            outcome = ingest_parsed(factory, name, parsed_list, import_id, (source_urls or {}).get(name))
        except UnreadableFile as error:
            outcome = record_failure(factory, name, str(error), import_id)
        except Exception as error:  # noqa: BLE001 - one broken file must not stop the batch
            outcome = record_failure(factory, name, f"{type(error).__name__}: {error}", import_id)
        outcomes.append(outcome)
        if on_progress:
            on_progress(outcome)
    finish_import(factory, import_id, outcomes)
    return ImportResult(import_id, outcomes)


def current_data_version(session: Session) -> str:
    """The version stamp of the data (changes with every import, undo or reparse)."""
    row = session.get(models.Meta, "data_version")
    return row.value if row else "empty"
