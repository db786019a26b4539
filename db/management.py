"""Data management for staff: preview, import and undo. The permission check lives here,
not in the page: every change needs a live staff session (db.accounts.Staff). A change the
database refuses raises DatabaseFailure, in words (its SQL goes to the log)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.accounts import Staff, require_staff
from db.audit import excess_if_imported
from db.engine import failures_in_words
from db.ingest import FAILED, FileOutcome, ImportResult, ingest_files, read_upload
from db.maintenance import UndoPreview, UndoResult, undo_import
from db.maintenance import undo_preview as preview_undo
from db.reference_totals import plan_published_totals
from db.settings import get_settings
from db.versions import NEW, REVISION, plan
from loaders import ParsedRelease, UnreadableFile
from loaders.records import PublishedFigure

PASTE_NAME = "pasted text"


@dataclass
class FilePreview:
    """What an import would do with one file, and what was parsed from it."""

    name: str
    outcome: str  # new, duplicate, revision, failed (or a mix for an archive: the commonest)
    reason: str | None = None
    releases: list[ParsedRelease] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # one per release (or published total)
    published_totals: list[PublishedFigure] = field(default_factory=list)  # a file of published totals
    # the published totals its import would push the data above (db.audit.excess_if_imported)
    above_published: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return sum(len(release.diagnostics) for release in self.releases) + len(self.above_published)


def preview(factory: sessionmaker[Session], files: list[tuple[str, bytes]]) -> list[FilePreview]:
    """Parse each file and say what importing it would do; nothing is written."""
    max_bytes = get_settings().max_upload_bytes
    previews = []
    for name, data in files:
        try:
            read = read_upload(name, data, max_bytes, PASTE_NAME)
        except UnreadableFile as error:
            previews.append(FilePreview(name, FAILED, str(error)))
            continue
        with factory() as session:
            if read.published_totals:
                outcomes = plan_published_totals(session, read.published_totals)
                above = []
            else:
                outcomes = plan(session, read.releases)
                added = [release for release, outcome in zip(read.releases, outcomes, strict=True)
                         if outcome in (NEW, REVISION)]
                above = excess_if_imported(session, added)
        outcome = max(set(outcomes), key=outcomes.count) if outcomes else FAILED
        previews.append(FilePreview(name, outcome, None, read.releases, outcomes, read.published_totals, above))
    return previews


def import_files(
    factory: sessionmaker[Session],
    staff: Staff | None,
    files: list[tuple[str, bytes]],
    on_progress: Callable[[FileOutcome], None] | None = None,
) -> ImportResult:
    """Import files as a signed-in staff member (NotSignedIn otherwise); one transaction per file."""
    user_name = require_staff(factory, staff)
    with failures_in_words():
        return ingest_files(
            factory, files, user_name=user_name, origin="upload", max_bytes=get_settings().max_upload_bytes,
            on_progress=on_progress, paste_name=PASTE_NAME,
        )


def undo_preview(factory: sessionmaker[Session], staff: Staff | None, import_id: int) -> UndoPreview:
    """What undoing an import would remove, for a signed-in staff member (NotSignedIn otherwise)."""
    require_staff(factory, staff)
    with failures_in_words():
        return preview_undo(factory, import_id)


def undo(factory: sessionmaker[Session], staff: Staff | None, import_id: int) -> UndoResult:
    """Undo an import as a signed-in staff member (NotSignedIn otherwise)."""
    user_name = require_staff(factory, staff)
    with failures_in_words():
        return undo_import(factory, import_id, user_name=user_name)
