"""Summaries of the current releases, for the charts: strike reports per day, country and
place (strike_day), releases per day and country (release_day), targets per month, country,
place, type and action (target_month), and each release's stated and parsed overall strikes.

They change in the same transaction as the detail rows they sum: every writer (ingest,
undo, reparse, starter data) calls ``count_in`` for the releases that become counted and
``count_out`` for those that stop being counted, while their strike reports are still
stored. The deltas are aggregated in SQL from the detail rows and upserted, so a change
costs what it touches, not the size of the database. ``rebuild`` recomputes everything
from the detail rows; ``ensure_built`` runs it once after a migration that changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Engine, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db import models

# Bump when what a summary holds changes: ensure_built then rebuilds every database once.
SUMMARY_VERSION = "1"
_VERSION_KEY = "summary_version"
_CHUNK = 500  # ids per IN list: well under every driver's parameter limit
_SEPARATOR = "\x1f"  # joins dimension values into a key; no name contains it


def month_of(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def week_of(day: date | None) -> date | None:
    """The Monday of the day's week (as PostgreSQL's date_trunc('week') and queries._bucket)."""
    return day - timedelta(days=day.weekday()) if day else None


def stated_overall_strikes(stated_totals: dict) -> int | None:
    """The overall strikes a release states: its "all" total, else Iraq and Syria added."""
    overall = (stated_totals.get("all") or {}).get("strikes")
    if overall is not None:
        return overall
    countries = [(stated_totals.get(c) or {}).get("strikes") for c in ("Iraq", "Syria")]
    known = [value for value in countries if value is not None]
    return sum(known) if known else None


def _key(*values) -> str:
    return _SEPARATOR.join("" if value is None else str(value) for value in values)


def _chunks(values: Iterable) -> Iterable[list]:
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _upsert(session: Session, table, rows: list[dict], measures: tuple[str, ...]) -> None:
    """Add rows to a summary table: a new key is inserted, a known one has its measures added."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key], set_={name: table.c[name] + statement.excluded[name] for name in measures}
    )
    session.execute(statement, rows)


def _strike_rows(session: Session, ids: list[int], sign: int) -> list[dict]:
    report = models.StrikeReport
    grouped = session.execute(
        select(report.strike_date, report.country, report.place_id, func.coalesce(func.sum(report.strikes), 0),
               func.coalesce(func.sum(report.engagements), 0), func.count())
        .where(report.release_id.in_(ids))
        .group_by(report.strike_date, report.country, report.place_id)
    )
    return [
        {"key": _key(day, country, place_id), "day": day, "week": week_of(day), "month": month_of(day),
         "country": country, "place_id": place_id, "strikes": sign * int(strikes),
         "engagements": sign * int(engagements), "reports": sign * reports}
        for day, country, place_id, strikes, engagements, reports in grouped
    ]


def _target_rows(session: Session, ids: list[int], sign: int) -> list[dict]:
    report, target = models.StrikeReport, models.Target
    # grouped by day (portable SQL), folded into months here
    grouped = session.execute(
        select(report.strike_date, report.country, report.place_id, target.category, target.type, target.action,
               func.sum(func.coalesce(target.count, 1)), func.count(), func.count(target.count))
        .join(report, report.id == target.strike_report_id)
        .where(report.release_id.in_(ids))
        .group_by(report.strike_date, report.country, report.place_id, target.category, target.type, target.action)
    )
    rows: dict[str, dict] = {}
    for day, country, place_id, category, type_, action, targets, mentions, numbered in grouped:
        month = month_of(day)
        key = _key(month, country, place_id, category, type_, action)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {"key": key, "month": month, "country": country, "place_id": place_id,
                               "category": category, "type": type_, "action": action,
                               "targets": 0, "mentions": 0, "numbered": 0}
        row["targets"] += sign * int(targets)
        row["mentions"] += sign * mentions
        row["numbered"] += sign * numbered
    return list(rows.values())


def _release_day_rows(session: Session, ids: list[int]) -> list[dict]:
    report = models.StrikeReport
    pairs = session.execute(
        select(report.release_id, report.strike_date, report.country).distinct().where(report.release_id.in_(ids))
    )
    return [{"key": _key(release_id, day, country), "release_id": release_id, "day": day, "country": country}
            for release_id, day, country in pairs]


def _change(session: Session, release_ids: Iterable[int], sign: int) -> None:
    for ids in _chunks(release_ids):
        strike_rows = _strike_rows(session, ids, sign)
        target_rows = _target_rows(session, ids, sign)
        _upsert(session, models.StrikeDay.__table__, strike_rows, ("strikes", "engagements", "reports"))
        _upsert(session, models.TargetMonth.__table__, target_rows, ("targets", "mentions", "numbered"))
        if sign > 0:
            rows = _release_day_rows(session, ids)
            if rows:
                session.execute(models.ReleaseDay.__table__.insert(), rows)
            continue
        session.execute(delete(models.ReleaseDay).where(models.ReleaseDay.release_id.in_(ids)))
        # keys whose last report went: gone, so filters and counts of places never show them
        for keys in _chunks([row["key"] for row in strike_rows]):
            session.execute(delete(models.StrikeDay).where(models.StrikeDay.key.in_(keys), models.StrikeDay.reports <= 0))
        for keys in _chunks([row["key"] for row in target_rows]):
            session.execute(
                delete(models.TargetMonth).where(models.TargetMonth.key.in_(keys), models.TargetMonth.mentions <= 0)
            )


def count_in(session: Session, release_ids: Iterable[int]) -> None:
    """Add these releases' stored strike reports and targets to the summaries (they became
    current: new, restored, or reparsed)."""
    _change(session, release_ids, +1)


def count_out(session: Session, release_ids: Iterable[int]) -> None:
    """Take these releases' strike reports and targets out of the summaries (they stop being
    counted: replaced, removed, or about to be reparsed). Call while their rows are stored."""
    _change(session, release_ids, -1)


def refresh_release_totals(session: Session, release_ids: Iterable[int]) -> None:
    """Recompute stated_strikes and parsed_strikes of these releases from their stored rows."""
    release, report = models.Release, models.StrikeReport
    for ids in _chunks(release_ids):
        parsed = dict(session.execute(
            select(report.release_id, func.coalesce(func.sum(report.strikes), 0))
            .where(report.release_id.in_(ids), report.block == "main").group_by(report.release_id)
        ).all())
        stated = session.execute(select(release.id, release.stated_totals).where(release.id.in_(ids))).all()
        values = [{"release_id": release_id, "stated": stated_overall_strikes(totals or {}),
                   "parsed": int(parsed.get(release_id, 0))} for release_id, totals in stated]
        if values:
            session.connection().execute(
                update(release.__table__).where(release.__table__.c.id == bindparam("release_id"))
                .values(stated_strikes=bindparam("stated"), parsed_strikes=bindparam("parsed")),
                values,
            )


def rebuild(session: Session) -> None:
    """Recompute every summary from the detail rows (current releases only)."""
    for model in (models.StrikeDay, models.ReleaseDay, models.TargetMonth):
        session.execute(delete(model))
    current = list(session.scalars(select(models.Release.id).where(models.Release.is_current.is_(True))))
    count_in(session, current)
    refresh_release_totals(session, session.scalars(select(models.Release.id)).all())
    row = session.get(models.Meta, _VERSION_KEY)
    if row is None:
        session.add(models.Meta(key=_VERSION_KEY, value=SUMMARY_VERSION))
    else:
        row.value = SUMMARY_VERSION


def ensure_built(engine: Engine) -> bool:
    """Rebuild the summaries if they were made by another version of them (or never);
    returns True when it rebuilt."""
    from db.engine import session_factory, write_transaction

    with write_transaction(session_factory(engine)) as session:
        row = session.get(models.Meta, _VERSION_KEY)
        if row is not None and row.value == SUMMARY_VERSION:
            return False
        rebuild(session)
        return True
