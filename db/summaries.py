"""Summaries of the current releases, for the charts: strike reports per day, country and
place (strike_day), releases per day and country (release_day), targets per month, country,
type and action (target_month; by place too in target_place_month), and each release's
stated and parsed overall strikes.

They change in the same transaction as the detail rows they sum: every writer (ingest,
undo, reparse, starter data) calls ``count_in`` for the releases that become counted and
``count_out`` for those that stop being counted, while their strike reports are still
stored. The deltas are aggregated in SQL from the detail rows and upserted, so a change
costs what it touches, not the size of the database. ``rebuild`` recomputes everything
from the detail rows; ``ensure_built`` runs it once after a migration that changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Column, Engine, MetaData, Table, bindparam, case, delete, exists, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db import models
from db.engine import execute_many, in_chunks, session_factory, write_transaction
from loaders.dates import month_of, week_of
from loaders.records import late_stated_strikes, overall_stated_strikes

# Bump when what a summary holds changes: ensure_built then rebuilds every database once.
# 2: itemised strikes told apart; 3: lines stating engagements; 4: one counted version per release; 5: spans of days;
# 6: the reports on days their release does not name flagged (strike_report.day_off, day_off)
SUMMARY_VERSION = "6"
_VERSION_KEY = "summary_version"
_SEPARATOR = "\x1f"  # joins dimension values into a key; no name contains it
_REBUILD_LOCK = 0x5354524B  # PostgreSQL advisory lock key of ensure_built
# PostgreSQL: from this many rows an upsert goes by COPY and one statement; fewer go as one
# pipelined statement each (the COPY route's five round trips cost more for a single release)
_COPY_FROM_ROWS = 200


def _key(*values) -> str:
    return _SEPARATOR.join(map(str, values))  # None becomes "None": no name is that


def _upsert(session: Session, table, rows: list[dict], measures: tuple[str, ...]) -> None:
    """Add rows to a summary table: a new key is inserted, a known one has its measures added."""
    if not rows:
        return
    # in key order: two imports at once on PostgreSQL then lock shared rows in the same order
    # (one waits for the other instead of both deadlocking); the deltas add up either way
    rows = sorted(rows, key=lambda row: row["key"])
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and len(rows) >= _COPY_FROM_ROWS:
        _upsert_by_copy(session, table, rows, measures)
        return
    execute_many(session, _adding_on_conflict((postgresql if postgres else sqlite).insert(table), table, measures), rows)


def _adding_on_conflict(statement, table: Table, measures: tuple[str, ...]):
    """The insert with its upsert clause: a known key has the new measures added to its own."""
    return statement.on_conflict_do_update(
        index_elements=[table.c.key], set_={name: table.c[name] + statement.excluded[name] for name in measures}
    )


@cache
def _delta_table(table: Table) -> Table:
    """A temporary table of the summary's columns (PostgreSQL), for the deltas of one upsert."""
    return Table(f"{table.name}_delta", MetaData(), *(Column(column.name, column.type) for column in table.c),
                 prefixes=["TEMPORARY"])


def _upsert_by_copy(session: Session, table: Table, rows: list[dict], measures: tuple[str, ...]) -> None:
    """PostgreSQL: the rows go by COPY into a temporary table, then into the summary in one
    INSERT ... SELECT ... ON CONFLICT (one upsert statement per row cost the server a round of
    planning and locking each, and most of an import's time)."""
    delta = _delta_table(table)
    # kept for the connection's life and emptied at each commit: creating and dropping it in
    # every import cost the catalog a few milliseconds each time
    session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {delta.name} (LIKE {table.name}) ON COMMIT DELETE ROWS"))
    execute_many(session, delta.insert(), rows)
    names = list(rows[0])
    # byte order ("C"): the order Python sorted the rows in, as the small upserts send them
    merge = postgresql.insert(table).from_select(
        names, select(*(delta.c[name] for name in names)).order_by(delta.c.key.collate("C")))
    session.execute(_adding_on_conflict(merge, table, measures))
    session.execute(delete(delta))


# What a summary is made of, whether read from the database or from rows just written:
# strikes: (day, last day of a span or None, country, place_id, strikes, engagements, itemised
#           reports, strikes and engagements not itemised, rows, rows stating engagements)
# targets: (day, country, place_id, category, type, action, targets, mentions, numbered)
# release days: (release_id, day, last day or None, country)


_STRIKE_MEASURES = ("strikes", "engagements", "reports", "unitemised", "unitemised_engagements", "lines",
                    "engagement_lines")


def _strike_day_rows(strikes: Iterable[tuple], sign: int) -> list[dict]:
    sums: dict[tuple, list[int]] = {}
    for day, last_day, country, place_id, *measures in strikes:
        total = sums.setdefault((day, last_day, country, place_id), [0] * len(_STRIKE_MEASURES))
        for index, value in enumerate(measures):
            total[index] += value or 0
    return [
        {"key": _key(day, last_day, country, place_id), "day": day, "week": week_of(day), "month": month_of(day), "last_day": last_day,
         "last_week": week_of(last_day), "last_month": month_of(last_day), "country": country, "place_id": place_id,
         **{name: sign * value for name, value in zip(_STRIKE_MEASURES, measures, strict=True)}}
        for (day, last_day, country, place_id), measures in sums.items()
    ]


def _add_to(sums: dict[tuple, list[int]], dimensions: tuple, target_count: int, mentions: int, numbered: int) -> None:
    total = sums.get(dimensions)
    if total is None:
        sums[dimensions] = [target_count, mentions, numbered]
    else:
        total[0] += target_count
        total[1] += mentions
        total[2] += numbered


def _target_month_rows(targets: Iterable[tuple], sign: int) -> tuple[list[dict], list[dict]]:
    """The rows of target_place_month and of target_month."""
    by_place: dict[tuple, list[int]] = {}
    by_country: dict[tuple, list[int]] = {}
    months: dict[date | None, date | None] = {}  # a batch names the same few days again and again
    for day, country, place_id, category, type_, action, target_count, mentions, numbered in targets:
        month = months[day] if day in months else months.setdefault(day, month_of(day))
        _add_to(by_place, (month, country, place_id, category, type_, action), target_count, mentions, numbered)
        _add_to(by_country, (month, country, category, type_, action), target_count, mentions, numbered)

    def rows(sums: dict[tuple, list[int]], names: tuple[str, ...]) -> list[dict]:
        out = []
        for dimensions, (target_count, mentions, numbered) in sums.items():
            row = dict(zip(names, dimensions, strict=True))
            row.update(key=_key(*dimensions), targets=sign * target_count, mentions=sign * mentions,
                       numbered=sign * numbered)
            out.append(row)
        return out

    kind = ("category", "type", "action")
    return rows(by_place, ("month", "country", "place_id", *kind)), rows(by_country, ("month", "country", *kind))


@dataclass
class Deltas:
    """What a change adds to (sign +1) or takes from (sign -1) each summary, as rows."""

    sign: int
    strike_days: list[dict]
    target_place_months: list[dict]
    target_months: list[dict]
    release_days: list[dict]


def _deltas(strikes: Iterable[tuple], targets: Iterable[tuple], release_days: Iterable[tuple], sign: int) -> Deltas:
    place_rows, country_rows = _target_month_rows(targets, sign)
    days = [{"key": _key(release_id, day, last_day, country), "release_id": release_id, "day": day,
             "last_day": last_day, "country": country}
            for release_id, day, last_day, country in set(release_days)]
    return Deltas(sign, _strike_day_rows(strikes, sign), place_rows, country_rows, days)


def write_deltas(session: Session, deltas: Deltas) -> None:
    """Write deltas to the summaries."""
    target_measures = ("targets", "mentions", "numbered")
    _upsert(session, models.StrikeDay.__table__, deltas.strike_days, _STRIKE_MEASURES)
    _upsert(session, models.TargetPlaceMonth.__table__, deltas.target_place_months, target_measures)
    _upsert(session, models.TargetMonth.__table__, deltas.target_months, target_measures)
    if deltas.sign > 0:
        execute_many(session, models.ReleaseDay.__table__.insert(), deltas.release_days)
        return
    for keys in in_chunks([row["key"] for row in deltas.release_days]):
        session.execute(delete(models.ReleaseDay).where(models.ReleaseDay.key.in_(keys)))
    # keys whose last report went: gone, so filters and counts of places never show them
    for keys in in_chunks([row["key"] for row in deltas.strike_days]):
        session.execute(delete(models.StrikeDay).where(models.StrikeDay.key.in_(keys), models.StrikeDay.lines <= 0))
    for model, rows in ((models.TargetPlaceMonth, deltas.target_place_months), (models.TargetMonth, deltas.target_months)):
        for keys in in_chunks([row["key"] for row in rows]):
            session.execute(delete(model).where(model.key.in_(keys), model.mentions <= 0))


def _stored(session: Session, ids: list[int]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The summary ingredients of stored releases, summed per day in SQL."""
    report, target = models.StrikeReport, models.Target
    strikes = session.execute(
        select(report.strike_date, report.last_date, report.country, report.place_id, func.sum(report.strikes),
               func.sum(report.engagements), func.sum(case((report.itemised, 1), else_=0)),
               func.sum(case((report.itemised, 0), else_=report.strikes)),
               func.sum(case((report.itemised, 0), else_=report.engagements)), func.count(),
               func.count(report.engagements))
        .where(report.release_id.in_(ids))
        .group_by(report.strike_date, report.last_date, report.country, report.place_id)
    ).all()
    targets = session.execute(
        select(report.strike_date, report.country, report.place_id, target.category, target.type, target.action,
               func.sum(func.coalesce(target.count, 1)), func.count(), func.count(target.count))
        .join(report, report.id == target.strike_report_id)
        .where(report.release_id.in_(ids))
        .group_by(report.strike_date, report.country, report.place_id, target.category, target.type, target.action)
    ).all()
    release_days = session.execute(
        select(report.release_id, report.strike_date, report.last_date, report.country).distinct()
        .where(report.release_id.in_(ids))
    ).all()
    return strikes, targets, release_days


def count_in(session: Session, release_ids: Iterable[int]) -> None:
    """Add these releases' stored strike reports and targets to the summaries (they became
    counted: restored, reparsed, loaded)."""
    for ids in in_chunks(release_ids):
        write_deltas(session, _deltas(*_stored(session, ids), sign=+1))


def count_out(session: Session, release_ids: Iterable[int]) -> None:
    """Take these releases' strike reports and targets out of the summaries (they stop being
    counted: replaced, removed, or about to be reparsed). Call while their rows are stored."""
    for ids in in_chunks(release_ids):
        write_deltas(session, _deltas(*_stored(session, ids), sign=-1))


def written_deltas(reports: list[dict], targets: list[tuple[dict, dict]]) -> Deltas:
    """What rows just written for counted releases add (strike_report rows, and (report,
    target) row pairs, as given to the inserts), without reading them back or touching the
    database: the caller can work it out while the server stores the rows."""
    return _deltas(
        ((r["strike_date"], r["last_date"], r["country"], r["place_id"], r["strikes"], r["engagements"],
          int(r["itemised"]),
          0 if r["itemised"] else r["strikes"], 0 if r["itemised"] else r["engagements"], 1,
          int(r["engagements"] is not None)) for r in reports),
        ((r["strike_date"], r["country"], r["place_id"], t["category"], t["type"], t["action"],
          1 if t["count"] is None else t["count"], 1, 0 if t["count"] is None else 1) for r, t in targets),
        ((r["release_id"], r["strike_date"], r["last_date"], r["country"]) for r in reports),
        sign=+1,
    )


def refresh_release_totals(session: Session, release_ids: Iterable[int]) -> None:
    """Recompute stated_strikes, stated_late_strikes, parsed_strikes and report_count of these
    releases from their stored rows."""
    release, report = models.Release, models.StrikeReport
    main_list = (report.block == "main") & report.itemised.is_(True)
    for ids in in_chunks(release_ids):
        counts = {release_id: {"parsed": int(parsed), "reports": int(reports)}
                  for release_id, parsed, reports in session.execute(
                      select(report.release_id, func.coalesce(func.sum(case((main_list, report.strikes), else_=0)), 0),
                             func.count())
                      .where(report.release_id.in_(ids)).group_by(report.release_id))}
        stated = session.execute(select(release.id, release.stated_totals).where(release.id.in_(ids))).all()
        values = [{"release_id": release_id, "stated": overall_stated_strikes(totals or {}),
                   "late": late_stated_strikes(totals or {}), **counts.get(release_id, {"parsed": 0, "reports": 0})}
                  for release_id, totals in stated]
        if values:
            session.connection().execute(
                update(release.__table__).where(release.__table__.c.id == bindparam("release_id"))
                .values(stated_strikes=bindparam("stated"), stated_late_strikes=bindparam("late"),
                        parsed_strikes=bindparam("parsed"), report_count=bindparam("reports")),
                values,
            )


def day_off():
    """Whether a strike report lies on days its release does not name: a dated report of the
    main block outside the release's days; a dated report after the release was published, or
    a late block's report on the day it is published (a release may report its own day, a late
    block only earlier releases' days); a report of no stated day off the release's first day."""
    report, release = models.StrikeReport, models.Release
    last = func.coalesce(report.last_date, report.strike_date)
    outside_period = (report.block == "main") & report.date_stated.is_(True) & (
        (report.strike_date < release.period_start) | (last > release.period_end))
    after_publication = release.published.is_not(None) & report.date_stated.is_(True) & (
        (last > release.published) | ((report.block != "main") & (last >= release.published)))
    unstated_off = report.date_stated.is_(False) & (report.strike_date != release.period_start)
    return report.strike_date.is_not(None) & (outside_period | after_publication | unstated_off)


def country_off():
    """Whether a strike report counts in another country than its place's: a report placed at a
    town or a site (a region may straddle the border) whose place the gazetteer puts in the
    other country."""
    report, place = models.StrikeReport, models.Place
    return report.country.is_not(None) & (report.location_precision == "place") & exists(
        select(place.id).where(place.id == report.place_id, place.precision == "place", place.country != report.country))


def mark_flags(session: Session, release_ids: Iterable[int] | None = None, written: bool = False) -> None:
    """Set strike_report.day_off from day_off and country_off from country_off for the reports
    of these releases (None: all). written: their reports were just inserted, unflagged (the
    columns' default), so only the few flagged are updated: PostgreSQL writes a new version of
    every row an UPDATE touches, with an entry in each of its indexes."""
    report = models.StrikeReport
    with_release = update(report).where(report.release_id == models.Release.id)
    flags = [update(report).where(country_off()).values(country_off=True) if written
             else update(report).values(country_off=case((country_off(), True), else_=False)),
             with_release.where(day_off()).values(day_off=True) if written
             else with_release.values(day_off=case((day_off(), True), else_=False))]
    for flag in flags:
        if release_ids is None:
            session.execute(flag)
            continue
        for ids in in_chunks(release_ids):
            session.execute(flag.where(report.release_id.in_(ids)))


def rebuild(session: Session) -> None:
    """Recompute every summary from the detail rows (current releases only), and the flags
    of the reports on days their release does not name or in another country than their place."""
    for model in (models.StrikeDay, models.ReleaseDay, models.TargetMonth, models.TargetPlaceMonth):
        session.execute(delete(model))
    current = list(session.scalars(select(models.Release.id).where(models.Release.is_current.is_(True))))
    count_in(session, current)
    refresh_release_totals(session, session.scalars(select(models.Release.id)).all())
    mark_flags(session)
    row = session.get(models.Meta, _VERSION_KEY)
    if row is None:
        session.add(models.Meta(key=_VERSION_KEY, value=SUMMARY_VERSION))
    else:
        row.value = SUMMARY_VERSION


def ensure_built(engine: Engine) -> bool:
    """Rebuild the summaries if they were made by another version of them (or never);
    returns True when it rebuilt. Reading finds them current without the write lock, so a
    process starts and reads while another holds it (an import on SQLite)."""
    with session_factory(engine)() as session:
        row = session.get(models.Meta, _VERSION_KEY)
        if row is not None and row.value == SUMMARY_VERSION:
            return False
    with write_transaction(session_factory(engine)) as session:
        if engine.dialect.name == "postgresql":
            # app processes starting together: one rebuilds, the others wait and then find it done
            session.execute(select(func.pg_advisory_xact_lock(_REBUILD_LOCK)))
        row = session.get(models.Meta, _VERSION_KEY)
        if row is not None and row.value == SUMMARY_VERSION:
            return False
        rebuild(session)
        return True
