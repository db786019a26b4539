"""Published totals as data: the row of a figure a release quotes or a file of totals states,
and which totals of such a file are new. The totals are references, never counted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.engine import execute_many
from db.versions import DUPLICATE, NEW
from loaders.records import PublishedFigure


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


def store_published_totals(session: Session, source: str, figures: list[PublishedFigure], import_id: int | None) -> int:
    """Store the new totals of one file inside the caller's transaction; returns how many."""
    outcomes = plan_published_totals(session, figures)
    rows = [published_total_row(figure, None, source, import_id=import_id)
            for figure, outcome in zip(figures, outcomes, strict=True) if outcome == NEW]
    execute_many(session, models.PublishedTotal.__table__.insert(), rows)
    return len(rows)
