"""Upload: the staff desk (sign-in, preview, import and undo, each checked in db.management),
the preview of what would be imported, as tables, and the import log with the imports that
can be undone. The page reaches the database only through these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from db import accounts, management, queries

# what a staff action may be refused with, each said in words on the page (re-exported)
from db.accounts import NotSignedIn as NotSignedIn
from db.accounts import SignInError as SignInError
from db.accounts import Staff
from db.engine import DatabaseFailure as DatabaseFailure
from db.ingest import FileOutcome, ImportResult
from db.maintenance import UndoPreview, UndoResult
from db.management import PASTE_NAME as PASTE_NAME
from db.management import FilePreview
from db.settings import Settings, get_settings
from loaders.records import SCOPES, ParsedRelease

# the origins of imports staff may undo (an undo itself is not undone: import again instead)
UNDOABLE_ORIGINS = ("upload", "cli", "starter")
RELEASES_SHOWN = 20  # per file in the preview; the rest are counted


def preview_table(previews: list[FilePreview]) -> pd.DataFrame:
    """One row per file: what it would be, what it holds, its warnings."""
    return pd.DataFrame(
        [{"file": p.name, "would be": p.outcome, "releases": len(p.releases),
          "strike reports": sum(1 for r in p.releases for report in r.strikes if report.itemised),
          "published totals": len(p.published_totals), "warnings": p.warnings, "reason": p.reason or ""}
         for p in previews]
    )


def published_totals_table(preview: FilePreview) -> pd.DataFrame:
    return pd.DataFrame([
        {"would be": outcome, "as of": f.as_of, "from": f.period_start, "scope": f.scope,
         "strikes": f.strikes, "engagements": f.engagements, "stated by": f.who_stated,
         "source": f.url or "", "quote": f.sentence}
        for f, outcome in zip(preview.published_totals, preview.outcomes, strict=True)
    ])


def totals_table(release: ParsedRelease) -> pd.DataFrame:
    """The release's stated totals beside the sum of its lines, per scope."""
    parsed = release.parsed_totals()
    return pd.DataFrame([
        {"scope": scope, "stated strikes": release.stated_totals[scope].strikes,
         "parsed strikes": parsed[scope].strikes, "stated engagements": release.stated_totals[scope].engagements,
         "parsed engagements": parsed[scope].engagements}
        for scope in SCOPES
    ])


def reports_table(release: ParsedRelease) -> pd.DataFrame:
    return pd.DataFrame([
        {"date": r.date, "country": r.country, "place as written": r.location_raw, "place": r.location,
         "strikes": r.strikes, "engagements": r.engagements,
         "targets": "; ".join(f"{t.action} {t.count if t.count is not None else '?'} {t.type}" for t in r.targets),
         "sentence": r.sentence}
        for r in release.strikes if r.itemised
    ])


def diagnostics_table(release: ParsedRelease) -> pd.DataFrame:
    return pd.DataFrame([{"kind": d.kind, "message": d.message, "text": d.text} for d in release.diagnostics])


def result_table(result: ImportResult) -> pd.DataFrame:
    """One row per file imported: what became of it."""
    return pd.DataFrame([{"file": f.source, "result": f.outcome, "strike reports": f.strikes, "targets": f.targets,
                          "warnings": f.warnings, "reason": f.reason or ""} for f in result.files])


def load_imports_log(db: Session) -> pd.DataFrame:
    return queries.imports_log(db)


def undoable_imports(log: pd.DataFrame) -> list[int]:
    """The imports still in force that staff may undo, newest first."""
    if log.empty:
        return []
    return sorted((int(i) for i, origin, undone in zip(log["id"], log["origin"], log["undone"], strict=True)
                   if origin in UNDOABLE_ORIGINS and pd.isna(undone)), reverse=True)


@dataclass(frozen=True)
class StaffDesk:
    """What data staff do on the Upload page, against one database: every change is checked
    again in db.management (a live staff session), never trusted from the page."""

    factory: sessionmaker[Session]

    @property
    def settings(self) -> Settings:
        return get_settings()

    def sign_in(self, name: str, password: str) -> Staff:
        return accounts.sign_in(self.factory, name, password)

    def sign_out(self, staff: Staff) -> None:
        accounts.sign_out(self.factory, staff)

    def preview(self, files: list[tuple[str, bytes]]) -> list[FilePreview]:
        return management.preview(self.factory, files)

    def import_files(self, staff: Staff, files: list[tuple[str, bytes]],
                     on_progress: Callable[[FileOutcome], None] | None = None) -> ImportResult:
        return management.import_files(self.factory, staff, files, on_progress=on_progress)

    def undo_preview(self, staff: Staff, import_id: int) -> UndoPreview:
        return management.undo_preview(self.factory, staff, import_id)

    def undo(self, staff: Staff, import_id: int) -> UndoResult:
        return management.undo(self.factory, staff, import_id)
