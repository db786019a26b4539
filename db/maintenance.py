"""Data management: undo an import, rebuild derived rows after a parser change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from db import models, summaries
from db.data_version import bump_data_version
from db.engine import in_chunks, write_transaction
from db.models import utcnow as utc_now
from db.store import PlaceIds, write_derived_rows
from db.versions import parsed_list_key, stored_is_complete, version_rank
from loaders import parse_release
from loaders.archive import reparse_archive_day


class UndoError(ValueError):
    """The import cannot be undone (unknown, or undone already); the message says why."""


@dataclass
class UndoResult:
    removed: int
    restored: int
    published_totals: int = 0  # reference totals the import had added, removed


@dataclass
class UndoPreview:
    """What undoing an import would remove and restore (nothing is changed)."""

    import_id: int
    origin: str
    who: str
    releases: int  # releases the import added, counted or not
    sources: list[str]  # the files they came from, first few
    strikes: int  # strikes the counted ones add to the charts
    restores: int  # earlier versions counted again
    published_totals: int


def undo_preview(factory: sessionmaker[Session], import_id: int) -> UndoPreview:
    """What undo_import would do to one import; UndoError if it cannot be undone."""
    with factory() as session:
        batch = session.get(models.ImportBatch, import_id)
        if batch is None:
            raise UndoError(f"no import {import_id}")
        if batch.undone_at is not None:
            raise UndoError(f"import {import_id} was undone already ({batch.undone_at:%Y-%m-%d %H:%M})")
        release = models.Release
        added = session.execute(select(release.id, release.source, release.is_current, release.replaces_id)
                                .where(release.import_id == import_id).order_by(release.id)).all()
        counted = [row.id for row in added if row.is_current]
        strikes = session.scalar(select(func.coalesce(func.sum(models.StrikeReport.strikes), 0))
                                 .where(models.StrikeReport.release_id.in_(counted))) if counted else 0
        totals = session.scalar(select(func.count()).select_from(models.PublishedTotal).where(
            models.PublishedTotal.import_id == import_id, models.PublishedTotal.release_id.is_(None)))
        sources = list(dict.fromkeys(row.source.split("#")[0].rsplit("/", 1)[-1] for row in added))
        restores = _successors(session, [row.id for row in added])
        return UndoPreview(import_id, batch.origin, batch.user_name, len(added), sources[:5], int(strikes),
                           len(restores), int(totals))


def _successors(session: Session, removed_ids: list[int]) -> list[int]:
    """The versions counted once these are removed: for each release whose counted version is
    among them, the best remaining version by the rule an import follows (db.versions.version_rank),
    so an undo leaves what importing the remaining versions alone would have left."""
    release = models.Release
    removed = set(removed_ids)
    keys = set()
    for chunk in in_chunks(removed_ids):
        keys.update(session.scalars(select(release.release_key).where(release.id.in_(chunk), release.is_current.is_(True))))
    successors = []
    for key in sorted(keys):
        remaining = [row for row in session.execute(select(release.id, release.format, release.published)
                                                    .where(release.release_key == key)) if row.id not in removed]
        if remaining:
            best = max(remaining, key=lambda row: version_rank(row.format, stored_is_complete(session, row.id),
                                                              row.published, row.id))
            successors.append(best.id)
    return successors



def undo_import(factory: sessionmaker[Session], import_id: int, user_name: str) -> UndoResult:
    """Remove exactly the releases an import added and make current again what they replaced;
    the undo is logged as an import of its own. One transaction."""
    with write_transaction(factory) as session:
        batch = session.get(models.ImportBatch, import_id, with_for_update=True)
        if batch is None:
            raise UndoError(f"no import {import_id}")
        if batch.undone_at is not None:
            raise UndoError(f"import {import_id} was undone already ({batch.undone_at:%Y-%m-%d %H:%M})")
        added = list(session.scalars(select(models.Release).where(models.Release.import_id == import_id)))
        summaries.count_out(session, [release.id for release in added if release.is_current])
        ids = [release.id for release in added]
        restored_ids = _successors(session, ids)
        # the added versions go first: one counted version per release, at every moment
        for chunk in in_chunks(ids):
            session.execute(delete(models.Release).where(models.Release.id.in_(chunk)))
        if restored_ids:
            session.execute(update(models.Release).where(models.Release.id.in_(restored_ids)).values(is_current=True))
        restored = len(restored_ids)
        totals = session.execute(delete(models.PublishedTotal).where(
            models.PublishedTotal.import_id == import_id, models.PublishedTotal.release_id.is_(None))).rowcount
        summaries.count_in(session, restored_ids)
        batch.undone_at = utc_now()
        batch.undone_by = user_name
        session.add(
            models.ImportBatch(
                user_name=user_name, origin="undo",
                summary={"undid_import": import_id, "removed_release_ids": ids, "restored": restored,
                         "removed_published_totals": totals},
            )
        )
        bump_data_version(session)
        return UndoResult(removed=len(ids), restored=restored, published_totals=totals)


def reparse_all(factory: sessionmaker[Session]) -> int:
    """Re-run the parser on every stored raw text and replace the derived rows; returns the
    number of releases rebuilt. One transaction per release."""
    with factory() as session:
        ids = list(session.scalars(select(models.Release.id).where(models.Release.raw_text.is_not(None))))
    for release_id in ids:
        with write_transaction(factory) as session:
            release = session.get(models.Release, release_id)
            if release.format == "archive":
                parsed = reparse_archive_day(release.raw_text, release.source, release.published)
            else:
                # the period it was stored with: the days its index gave, where its text names none
                parsed = parse_release(release.raw_text, release.source, release.format, release.published, release.title,
                                       period_hint=_stored_period(release))
            if release.is_current:
                summaries.count_out(session, [release_id])
            for model in (models.StrikeReport, models.Diagnostic, models.PublishedTotal):
                session.execute(delete(model).where(model.release_id == release_id))
            release.stated_totals = parsed.stated_record()
            release.period_start, release.period_end = parsed.period_start, parsed.period_end
            release.list_key = parsed_list_key(parsed)
            release.states_counts = parsed.states_counts
            session.flush()
            write_derived_rows(session, [(release_id, parsed)], PlaceIds(session))
            summaries.refresh_release_totals(session, [release_id])
            if release.is_current:
                summaries.count_in(session, [release_id])
            bump_data_version(session)
    return len(ids)


def _stored_period(release: models.Release) -> tuple[date, date] | None:
    """The span of days a release was stored over: what its index gave where its text names no
    day. One day is never given back: it may be the day assumed for a release that names none."""
    if release.period_start is None or release.period_end is None or release.period_start == release.period_end:
        return None
    return release.period_start, release.period_end
