"""The summaries (db/summaries.py) against the detail rows they sum, on SQLite and PostgreSQL.

Two checks that need no hand-counted numbers, because each side is computed another way:
- every page query gives the same answer read from the summaries and from the detail rows,
  for filters whose dates fall on and between month boundaries;
- after imports, a correction, an undo and a reparse, the summaries kept up to date change by
  change equal the summaries rebuilt from scratch.

The data: synthetic releases (bench/synthetic.py: made-up strike releases in the real
sentence shapes and vocabulary, spread over 2014-2019) and the hand-written samples.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sample_releases import DAY_ONE, DAY_TWO, DAY_TWO_CORRECTED
from sqlalchemy import select, text
from test_reconciliation import LATE_BLOCK_OF_SCATTERED_DAYS, LATE_IN_OTHER_WORDS

from bench.synthetic import generate
from db import models, queries, summaries
from db.engine import write_transaction
from db.ingest import ingest_files
from db.maintenance import reparse_all, undo_import
from db.queries import Filters

SYNTHETIC_RELEASES = 120


def _files(count: int, seed: int) -> list[tuple[str, bytes]]:
    return [(item.source, item.data) for item in generate(count, seed)]


def _load(factory) -> None:
    ingest_files(factory, _files(SYNTHETIC_RELEASES, 11))
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    ingest_files(factory, [("day2-corrected.txt", DAY_TWO_CORRECTED.encode())])
    # late blocks over spans of days, within a week and across months
    ingest_files(factory, [("late.txt", LATE_IN_OTHER_WORDS.encode()), ("scattered.txt", LATE_BLOCK_OF_SCATTERED_DAYS.encode())])


@pytest.fixture
def loaded(filled_factory):
    """The releases above, imported once per module and database kind; each test has a copy."""
    return filled_factory(_load)


def _snapshot(factory) -> dict[str, list[tuple]]:
    tables = {
        "strike_day": models.StrikeDay, "release_day": models.ReleaseDay, "target_month": models.TargetMonth,
        "target_place_month": models.TargetPlaceMonth,
    }
    with factory() as session:
        snapshot = {
            name: sorted(tuple(row) for row in session.execute(select(*model.__table__.c)).all())
            for name, model in tables.items()
        }
        snapshot["release totals"] = sorted(
            session.execute(select(models.Release.id, models.Release.stated_strikes, models.Release.stated_late_strikes,
                                   models.Release.parsed_strikes, models.Release.report_count)).all()
        )
    return snapshot


def _rebuilt(factory) -> dict[str, list[tuple]]:
    with write_transaction(factory) as session:
        summaries.rebuild(session)
    return _snapshot(factory)


def test_summaries_kept_change_by_change_equal_a_rebuild(loaded):
    kept = _snapshot(loaded)
    assert all(kept.values())
    assert kept == _rebuilt(loaded)


def test_summaries_follow_undo_and_reparse(loaded):
    later = ingest_files(loaded, _files(40, 12))
    undo_import(loaded, later.import_id, user_name="staff")
    with loaded() as session:
        correction = session.scalar(select(models.ImportBatch.id).where(models.ImportBatch.origin == "cli")
                                    .order_by(models.ImportBatch.id.desc()).offset(1).limit(1))
    undo_import(loaded, correction, user_name="staff")  # the correction: DAY_TWO counts again
    reparse_all(loaded)
    kept = _snapshot(loaded)
    assert kept == _rebuilt(loaded)


def test_summaries_empty_after_everything_is_undone(factory):
    first = ingest_files(factory, _files(20, 13))
    undo_import(factory, first.import_id, user_name="staff")
    assert {name: rows for name, rows in _snapshot(factory).items() if name != "release totals"} == {
        "strike_day": [], "release_day": [], "target_month": [], "target_place_month": []}


def _options(factory) -> dict:
    with factory() as session:
        return queries.filter_options(session)


def _filter_sets(options: dict) -> list[Filters]:
    provinces, places = options["provinces"], options["places"]
    return [
        Filters(),
        Filters(start=date(2015, 3, 1), end=date(2016, 6, 30)),  # whole months
        Filters(start=date(2015, 3, 14), end=date(2016, 6, 9)),  # part months at both ends
        Filters(start=date(2016, 2, 3)),  # open end
        Filters(end=date(2016, 2, 20)),  # open start
        Filters(start=date(2016, 2, 3), end=date(2016, 2, 20)),  # inside one month
        Filters(start=date(2016, 2, 20), end=date(2016, 3, 10)),  # two part months, none whole
        Filters(start=date(2017, 7, 1), end=date(2017, 7, 31), countries=("Iraq",)),
        Filters(start=date(2017, 5, 1), end=date(2017, 8, 31)),  # holds the spans of days whole
        Filters(start=date(2017, 6, 1), end=date(2017, 8, 31)),  # cuts one
        Filters(countries=("Syria",)),
        Filters(provinces=(provinces[0],)),
        Filters(places=tuple(places[:2])),
        Filters(categories=(options["categories"][0],)),
        Filters(types=(options["types"][0],), start=date(2015, 1, 10)),
        Filters(actions=("destroyed",), countries=("Syria",), start=date(2014, 11, 5), end=date(2018, 2, 14)),
    ]


def _calls(options: dict) -> list[tuple[str, dict]]:
    calls = [("coverage", {}), ("headline", {}), ("places_summary", {}), ("targets_by_type", {}),
             ("targets_by_action", {}), ("target_counts", {})]
    for grain in queries.GRAINS:
        for split in ("none", "country", "province", "place"):
            calls.append(("strikes_over_time", {"grain": grain, "split": split}))
            calls.append(("spans_over_time", {"grain": grain, "split": split}))
        calls.append(("place_trend", {"places": tuple(options["places"][:3]), "grain": grain}))
        calls.append(("target_type_trend", {"target_type": options["types"][0], "grain": grain}))
    for by in ("province", "place", "country"):
        calls.append(("ranking", {"by": by, "limit": 1000}))
    return calls


def _comparable(result):
    """A frame as its rows written out (a missing value as nothing), in sorted order: the two
    ways of counting may return rows in different orders, never different values or types."""
    if isinstance(result, pd.DataFrame):
        return list(result.columns), sorted(result.to_csv(index=False, header=False).splitlines())
    return result


def test_every_query_reads_the_same_numbers_from_the_summaries(loaded, monkeypatch):
    options = _options(loaded)
    cases = [(filters, name, kwargs) for filters in _filter_sets(options) for name, kwargs in _calls(options)]
    with loaded() as session:
        from_summaries = [_comparable(getattr(queries, name)(session, filters, **kwargs))
                          for filters, name, kwargs in cases]
    monkeypatch.setattr(queries.sources, "summaries_enabled", lambda: False)
    with loaded() as session:
        for (filters, name, kwargs), expected in zip(cases, from_summaries, strict=True):
            assert _comparable(getattr(queries, name)(session, filters, **kwargs)) == expected, (name, kwargs, filters)
    assert sum(1 for result in from_summaries if result) > len(cases) / 2, "the data must give the queries something to count"


def test_filter_options_come_from_the_counted_releases(loaded):
    options = _options(loaded)
    with loaded() as session:
        current = select(models.StrikeReport).join(models.Release).where(models.Release.is_current.is_(True))
        countries = sorted({r.country for r in session.scalars(current) if r.country})
        types = sorted({t.type for r in session.scalars(current) for t in r.targets if t.type})
    assert options["countries"] == countries
    assert options["types"] == types


def test_app_processes_starting_together_rebuild_once(loaded):
    """Two processes opening a database whose summaries are stale: one rebuilds, the other
    finds them built (counted twice, every figure would double)."""
    import threading

    from db.engine import make_engine

    kept = _snapshot(loaded)
    url = loaded.kw["bind"].url
    with write_transaction(loaded) as session:
        session.execute(models.Meta.__table__.delete().where(models.Meta.key == "summary_version"))
    engines = [make_engine(url.render_as_string(hide_password=False)) for _ in range(2)]
    barrier = threading.Barrier(2)
    rebuilt = []

    def start(engine):
        barrier.wait()
        rebuilt.append(summaries.ensure_built(engine))

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert sorted(rebuilt) == [False, True]
    assert _snapshot(loaded) == kept


def test_imports_at_the_same_time_add_up(factory):
    """Two imports of different releases at once (on PostgreSQL two transactions updating the
    same summary rows): both land and the summaries equal a rebuild."""
    import threading

    sets = [_files(30, 21), _files(30, 22)]
    barrier = threading.Barrier(2)
    results = []

    def run(files):
        barrier.wait()
        results.append(ingest_files(factory, files))

    threads = [threading.Thread(target=run, args=(files,)) for files in sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [outcome.outcome for result in results for outcome in result.files].count("failed") == 0
    kept = _snapshot(factory)
    assert kept["strike_day"] and kept == _rebuilt(factory)


def test_imports_keep_the_planner_statistics_current(loaded):
    """PostgreSQL: an import leaves no table of more than 16 pages with more than four times
    the pages its statistics counted (without statistics a release-key look-up scanned the whole
    release table), and no table with rows never analyzed (the places: the flag of the reports
    in another country compared every place with every report of a batch); a second call finds
    nothing to do. SQLite has nothing to refresh."""
    from db.engine import refresh_planner_statistics

    with loaded() as session:
        if session.get_bind().dialect.name == "sqlite":
            assert refresh_planner_statistics(session) == []
            return
        pages = {name: (counted, actual) for name, counted, actual in session.execute(text(
            "SELECT relname, relpages, pg_relation_size(oid) / current_setting('block_size')::int FROM pg_class"
            " WHERE relname IN ('release', 'strike_report', 'target')"
        ))}
        never_analyzed = session.execute(text(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
            " AND reltuples < 0 AND pg_relation_size(oid) > 0")).scalars().all()
        places = session.scalar(text("SELECT count(*) FROM place"))
    assert places and never_analyzed == []
    assert pages["target"][1] > 16  # big enough to have been analyzed
    for name, (counted, actual) in pages.items():
        assert actual <= max(16, 4 * counted), (name, counted, actual)
    with write_transaction(loaded) as session:
        assert refresh_planner_statistics(session) == []


UPSERTED = ("strike_day", "target_month", "target_place_month")


def _reports_of(release_id: int, days: list[date]) -> tuple[list[dict], list[tuple[dict, dict]]]:
    """Strike report and target rows as an import writes them, one report a day."""
    reports = [{"release_id": release_id, "strike_date": day, "last_date": None, "country": "Iraq", "place_id": None,
                "strikes": 1, "engagements": None, "itemised": True} for day in days]
    targets = [(report, {"category": "buildings and facilities", "type": f"building {index % 40}",
                         "action": "destroyed", "count": 1}) for index, report in enumerate(reports)]
    return reports, targets


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite has no such setting
def test_an_import_updates_summary_rows_where_they_lie(factory):
    """PostgreSQL: an upsert that adds to a stored summary row updates it on its own page (a HOT
    update), instead of writing it anew with an entry in each index, as it did on pages written
    full (after a rebuild of the summaries or a restore: twice the time of an import's upserts)."""
    days = [date(2015, 1, 1) + timedelta(days=index) for index in range(3000)]
    with write_transaction(factory) as session:
        summaries.write_deltas(session, summaries.written_deltas(*_reports_of(1, days)))
    with write_transaction(factory) as session:  # a later import adds to every tenth day
        summaries.write_deltas(session, summaries.written_deltas(*_reports_of(2, days[::10])))
        updates = {table: session.execute(text(
            "SELECT pg_stat_get_xact_tuples_updated(CAST(:table AS regclass)), "
            "pg_stat_get_xact_tuples_hot_updated(CAST(:table AS regclass))"), {"table": table}).one()
            for table in UPSERTED}
    assert all(updated >= 100 for updated, _in_place in updates.values()), updates
    assert all(in_place == updated for updated, in_place in updates.values()), updates


@pytest.mark.parametrize("empty_database_url", ["postgres"], indirect=True)
def test_the_summaries_made_roomy_keep_their_rows(empty_database_url):
    """Migration 0016 rewrites the upserted summaries with room on each page: every row stays."""
    from alembic import command

    from db.engine import make_engine, session_factory
    from db.schema import alembic_config

    engine = make_engine(empty_database_url)
    command.upgrade(alembic_config(engine), "0015")
    with write_transaction(session_factory(engine)) as session:
        summaries.write_deltas(session, summaries.written_deltas(*_reports_of(1, [date(2016, 5, day) for day in range(1, 29)])))
        before = {table: session.execute(text(f"SELECT * FROM {table} ORDER BY key")).all() for table in UPSERTED}
    command.upgrade(alembic_config(engine), "head")  # the migrations alone: no summary rebuilt
    with engine.connect() as connection:
        after = {table: connection.execute(text(f"SELECT * FROM {table} ORDER BY key")).all() for table in UPSERTED}
        options = {table: connection.scalar(text("SELECT reloptions FROM pg_class WHERE relname = :table"), {"table": table})
                   for table in UPSERTED}
    engine.dispose()
    assert after == before and all(before.values())
    assert options == {table: ["fillfactor=70"] for table in UPSERTED}
