"""Ingest on SQLite and PostgreSQL: new, duplicate, revision, undo, reparse, atomicity and
concurrent imports of the same release."""

from __future__ import annotations

import threading

import pytest
from conftest import RELEASES, needs_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_releases import DAY_ONE, DAY_TWO, DAY_TWO_CORRECTED
from sqlalchemy import func, select

from db import models
from db.data_version import current_data_version
from db.ingest import FAILED, ingest_files
from db.maintenance import UndoError, reparse_all, undo_import, undo_preview
from db.versions import DUPLICATE, NEW, REVISION
from loaders.readers import SourceNote


def _count(factory, model, *where) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _current_strikes(factory) -> int:
    with factory() as session:
        return session.scalar(
            select(func.coalesce(func.sum(models.StrikeReport.strikes), 0))
            .join(models.Release)
            .where(models.Release.is_current.is_(True))
        )


def test_new_then_duplicate(factory):
    first = ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    assert [f.outcome for f in first.files] == [NEW]
    assert (first.files[0].strikes, first.files[0].targets) == (3, 5)
    again = ingest_files(factory, [("day1-copy.txt", DAY_ONE.encode())])
    assert [f.outcome for f in again.files] == [DUPLICATE]
    assert _count(factory, models.Release) == 1
    assert _current_strikes(factory) == 7


def test_rows_trace_back_to_their_sentence(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    with factory() as session:
        release = session.scalars(select(models.Release)).one()
        for report in release.strike_reports:
            written = release.raw_text[report.span_start : report.span_end]
            if report.itemised:
                assert written.lstrip("- ").startswith("Near")
                assert report.sentence.startswith("Near")
            else:  # the engagements each country states, which no line places: its own sentence
                assert written == report.sentence
                assert written.startswith(f"In {report.country}, coalition military forces conducted")
        # Syria states 6 engagements, Iraq 3; no line gives its own
        assert sorted((r.country, r.strikes, r.engagements) for r in release.strike_reports if not r.itemised) == [
            ("Iraq", 0, 3), ("Syria", 0, 6)]
        raqqa = next(r for r in release.strike_reports if r.location_raw == "Raqqa")
        assert (raqqa.country, raqqa.strikes, raqqa.place.name, raqqa.strike_date.isoformat()) == (
            "Syria", 4, "Raqqa", "2017-07-20",
        )
        assert release.stated_totals["all"] == {"strikes": 7, "engagements": 9}


def test_revision_replaces_and_keeps_history(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    assert _current_strikes(factory) == 10
    result = ingest_files(factory, [("day2-corrected.txt", DAY_TWO_CORRECTED.encode())])
    assert result.files[0].outcome == REVISION
    assert _current_strikes(factory) == 11
    assert _count(factory, models.Release) == 3
    assert _count(factory, models.Release, models.Release.is_current.is_(True)) == 2


def test_undo_restores_exactly(factory):
    base = ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    correction = ingest_files(factory, [("day2-corrected.txt", DAY_TWO_CORRECTED.encode())])
    version_before = _version(factory)
    result = undo_import(factory, correction.import_id, user_name="alice")
    assert (result.removed, result.restored) == (1, 1)
    assert _current_strikes(factory) == 10
    assert _version(factory) != version_before
    with pytest.raises(UndoError, match="undone already"):
        undo_import(factory, correction.import_id, user_name="alice")
    undo_import(factory, base.import_id, user_name="alice")
    assert _count(factory, models.Release) == 0
    assert _count(factory, models.StrikeReport) == 0
    assert _count(factory, models.Target) == 0
    with factory() as session:
        origins = [b.origin for b in session.scalars(select(models.ImportBatch).order_by(models.ImportBatch.id))]
    assert origins == ["cli", "cli", "undo", "undo"]


def _version(factory) -> str:
    with factory() as session:
        return current_data_version(session)


def test_bad_file_does_not_stop_the_batch(factory):
    result = ingest_files(factory, [("empty.txt", b""), ("day1.txt", DAY_ONE.encode()), ("bin.pdf", b"%PDF-1.4 junk")])
    assert [f.outcome for f in result.files] == [FAILED, NEW, FAILED]
    assert result.failed == 2
    assert _count(factory, models.FailedFile) == 2
    assert _count(factory, models.Release) == 1


def test_failure_midway_leaves_nothing(factory, monkeypatch):
    import db.store as store

    original = store.write_derived_rows

    def explode(session, *args, **kwargs):
        original(session, *args, **kwargs)
        session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "write_derived_rows", explode)
    result = ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    assert result.files[0].outcome == FAILED
    assert "disk full" in result.files[0].reason
    assert _count(factory, models.Release) == 0
    assert _count(factory, models.StrikeReport) == 0
    assert _count(factory, models.Place) == 0


def test_reparse_rebuilds_derived_rows(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    with factory() as session, session.begin():
        session.execute(models.Target.__table__.delete())
    assert _count(factory, models.Target) == 0
    assert reparse_all(factory) == 1
    assert _count(factory, models.Target) == 5
    assert _current_strikes(factory) == 7


def test_concurrent_imports_of_one_release_store_one_copy(factory):
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        barrier.wait()
        outcomes.extend(f.outcome for f in ingest_files(factory, [("day1.txt", DAY_ONE.encode())]).files)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [DUPLICATE, NEW]
    assert _count(factory, models.Release) == 1


def test_starter_data_then_full_text_revision(factory, tmp_path):
    from db.starter import export_facts, load_starter_data

    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    import gzip
    import json

    facts = export_facts(factory)
    assert "Near Raqqa" not in json.dumps(facts)  # facts only: no release text
    path = tmp_path / "starter.json.gz"
    path.write_bytes(gzip.compress(json.dumps(facts).encode()))
    from db.engine import make_engine, session_factory
    from db.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    fresh = session_factory(engine)
    assert load_starter_data(fresh, path) == 1
    assert _current_strikes(fresh) == 7
    result = ingest_files(fresh, [("day1.txt", DAY_ONE.encode())])
    assert result.files[0].outcome == REVISION
    with fresh() as session:
        current = session.scalars(select(models.Release).where(models.Release.is_current.is_(True))).one()
        assert current.format == "txt" and current.raw_text
    assert _current_strikes(fresh) == 7
    engine.dispose()


def test_starter_data_loads_on_both_databases(factory):
    """The bundled starter facts load into an empty database (SQLite and PostgreSQL)."""
    from db.settings import STARTER_DATA_PATH
    from db.starter import load_starter_data

    loaded = load_starter_data(factory, STARTER_DATA_PATH)
    assert loaded > 300
    assert _count(factory, models.Release, models.Release.format == "starter") == loaded
    assert load_starter_data(factory, STARTER_DATA_PATH) == 0  # never twice


def _summary_rows(session) -> dict[str, list[tuple]]:
    tables = (models.StrikeDay, models.ReleaseDay, models.TargetMonth, models.TargetPlaceMonth)
    summary = {model.__tablename__: sorted(session.execute(select(*model.__table__.c)).all()) for model in tables}
    summary["release"] = sorted(session.execute(select(models.Release.id, models.Release.stated_strikes,
                                                       models.Release.stated_late_strikes,
                                                       models.Release.parsed_strikes, models.Release.report_count)).all())
    return summary


def test_starter_data_load_in_a_fixed_number_of_statements_and_sums_as_a_rebuild(factory, tmp_path):
    """The starter load writes known-good rows in bulk: as many statements for 200 releases as for
    every one (no per-release planning or flush), and the summaries it works out in memory are
    those a rebuild from the stored rows gives."""
    import gzip
    import json

    from sqlalchemy import event

    from db import summaries
    from db.settings import STARTER_DATA_PATH
    from db.starter import load_starter_data

    facts = json.loads(gzip.decompress(STARTER_DATA_PATH.read_bytes()))
    few = tmp_path / "few.json.gz"
    few.write_bytes(gzip.compress(json.dumps({**facts, "releases": facts["releases"][:200]}).encode()))
    engine = factory.kw["bind"]
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert load_starter_data(factory, few) == 200
        for_few, statements[:] = len(statements), []
        with factory() as session, session.begin():  # as a staff undo of the whole would leave it
            for model in (models.Target, models.StrikeReport, models.Diagnostic, models.PublishedTotal,
                          models.Release, models.ImportBatch):
                session.execute(model.__table__.delete())
            summaries.rebuild(session)
        statements[:] = []
        assert load_starter_data(factory, STARTER_DATA_PATH) == len(facts["releases"])
        assert len(statements) == for_few, [s[:60] for s in statements]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with factory() as session:
        loaded = _summary_rows(session)
        assert loaded["strike_day"] and loaded["target_month"]
        summaries.rebuild(session)
        assert _summary_rows(session) == loaded
        session.rollback()


def test_a_batch_sends_the_same_statements_however_much_is_stored(factory):
    """ingest_parsed plans, writes and sums a batch with a fixed set of statements: none of them
    repeats per row already stored, so a batch's work does not grow with the database (the
    benchmark's 100x ingest). Two kinds vary by design and are set apart: a place the batch is
    first to name (created in a savepoint), and PostgreSQL statistics refreshed after growth."""
    import re

    from sqlalchemy import event

    from bench.synthetic import generate
    from db.ingest import ingest_parsed, start_import
    from loaders import parse_document, read_bytes

    batch = 40
    releases = [parse_document(read_bytes(item.data, item.source))[0] for item in generate(6 * batch, 2024)]
    engine = factory.kw["bind"]
    import_id = start_import(factory, "test", "cli")
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        sent.append(" ".join(statement.split())[:60])  # an IN list's length aside

    by_batch, places_named = [], []
    event.listen(engine, "before_cursor_execute", record)
    try:
        for number in range(6):
            places_before = _count(factory, models.Place)
            sent.clear()
            ingest_parsed(factory, f"batch {number}", releases[number * batch:(number + 1) * batch], import_id)
            by_batch.append(list(sent))
            places_named.append(_count(factory, models.Place) - places_before)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    set_apart = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|INSERT INTO place |ANALYZE )")
    fixed = [[statement for statement in statements if not set_apart.match(statement)] for statements in by_batch]
    new_places = [sum(statement.startswith("INSERT INTO place ") for statement in statements) for statements in by_batch]
    assert new_places == places_named  # one insert for each new place, none for a stored one
    # the first batch also makes the data-version row the others update
    assert all(statements == fixed[1] for statements in fixed[2:]), fixed
    assert len(fixed[1]) < 30, fixed[1]


def test_migrations_match_the_models(empty_database_url):
    """Every model change has its Alembic revision: autogenerate finds nothing to add."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.engine import make_engine
    from db.models import Base
    from db.schema import upgrade

    engine = make_engine(empty_database_url)
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


# one release as an old revision's table holds it (rows of an older schema are written in SQL)
_OLD_RELEASE = ("INSERT INTO release (id, release_key, content_hash, source, format, stated_totals, is_current, created_at) "
                "VALUES (:id, :key, :key, 's', 'txt', :stated, true, '2020-01-01')")


def _database_at(url: str, revision: str, *statements: tuple[str, dict]):
    """An engine on a new database migrated to an old revision, holding what the statements write."""
    from alembic import command
    from sqlalchemy import text

    from db.engine import make_engine
    from db.schema import alembic_config

    engine = make_engine(url)
    command.upgrade(alembic_config(engine), revision)
    with engine.begin() as connection:
        for statement, values in statements:
            connection.execute(text(statement), values)
    return engine


def test_schema_upgrades_keep_the_data(tmp_path):
    """A database made at the first revision keeps every row through later migrations
    (on SQLite a column change rebuilds the table: no cascade may fire)."""
    from db.engine import session_factory
    from db.schema import upgrade

    # a release with a strike report and a target, at 0001
    engine = _database_at(f"sqlite:///{tmp_path / 'old.db'}", "0001", (_OLD_RELEASE, {"id": 1, "key": "k", "stated": "{}"}),
                          ("INSERT INTO strike_report (id, release_id, position, date_stated, block) VALUES (1, 1, 0, 1, 'main')", {}),
                          ("INSERT INTO target (id, strike_report_id, action) VALUES (1, 1, 'destroyed')", {}))
    upgrade(engine)
    factory = session_factory(engine)
    assert (_count(factory, models.Release), _count(factory, models.StrikeReport), _count(factory, models.Target)) == (1, 1, 1)
    engine.dispose()


@needs_corpus
def test_corpus_pairs_count_once(factory):
    """The 10 June 2017 release from defense.gov and from centcom.mil, in two wordings, is one
    release; the 28 December 2016 copies report different days (27 and 26 Dec.): two releases."""
    names = ["2017-06-10_dodnews-1210258.txt", "2017-06-10_centcom-1210500.txt",
             "2016-12-28_dodnews-1038685.txt", "2016-12-28_iraqbusinessnews-dodnews.txt"]
    result = ingest_files(factory, [(name, (RELEASES / name).read_bytes()) for name in names])
    assert [f.outcome for f in result.files] == [NEW, REVISION, NEW, NEW]
    with factory() as session:
        current = session.execute(
            select(models.Release.source, models.Release.stated_strikes)
            .where(models.Release.is_current.is_(True)).order_by(models.Release.published, models.Release.source)
        ).all()
    # Dec. 27: Syria 15 + Iraq 4; Dec. 26: Syria 12 + Iraq 4 (per country only, read from the texts)
    assert [(source.rsplit("/", 1)[-1], stated) for source, stated in current] == [
        ("2016-12-28_dodnews-1038685.txt", 19), ("2016-12-28_iraqbusinessnews-dodnews.txt", 16),
        ("2017-06-10_centcom-1210500.txt", 27),  # the later of two equal copies (both cut short)
    ]


REPOST = (DAY_TWO.replace("SOUTHWEST ASIA, July 22, 2017 — ", "")
          .replace("continued to attack ISIS yesterday", "continued to attack ISIS on Friday")
          .replace("officials reported today", "officials reported yesterday"))


def test_a_repost_dated_the_day_after_is_a_version_of_the_release(factory):
    """A repost without the dateline, dated the day it was reposted (its "yesterday" rewritten as
    a weekday), reports the same day and the same totals: it is the same release."""
    ingest_files(factory, [("day2.txt", DAY_TWO.encode())])
    result = ingest_files(factory, [("2017-07-23_repost.txt", REPOST.encode())])
    assert result.files[0].outcome == REVISION
    assert _count(factory, models.Release, models.Release.is_current.is_(True)) == 1
    assert _current_strikes(factory) == 3


# the same repost without its headline total: only its lines, word for word
REPOST_OF_LINES = REPOST.split("Strikes in Iraq", 1)[1].replace(
    "In Iraq, coalition military forces conducted 3 strikes consisting of 3 engagements against ISIS targets:", "")


@pytest.mark.parametrize("order", ["original first", "repost first"])
def test_a_repost_without_dateline_or_total_named_for_another_day_counts_once(factory, order):
    """A repost without its dateline, named for another day (25 July), counted twice: the check
    that it is a copy needed a stated overall total and the same days. Its lines are the same
    sentences, word for word, and one of the two texts has no dateline: the same release,
    counted once on its first publication."""
    files = [("2017-07-22_day2.txt", DAY_TWO.encode()), ("2017-07-25_repost.txt", REPOST_OF_LINES.encode())]
    for name, data in files if order == "original first" else files[::-1]:
        ingest_files(factory, [(name, data)])
    assert _count(factory, models.Release) == 2
    assert _current_strikes(factory) == 3
    with factory() as session:
        counted = session.scalars(select(models.Release.source).where(models.Release.is_current.is_(True))).one()
    assert counted == "2017-07-22_day2.txt"


def test_the_same_short_list_on_two_dated_days_counts_twice(factory):
    """Two releases with their own datelines whose one line reads the same are two days."""
    other_day = DAY_TWO.replace("July 22, 2017", "July 25, 2017")
    ingest_files(factory, [("day2.txt", DAY_TWO.encode()), ("day5.txt", other_day.encode())])
    assert _current_strikes(factory) == 6


def test_a_revision_keeps_the_best_known_web_link(factory):
    """Staff re-import a release the starter data hold with its web address: the new version,
    uploaded as a file without one, keeps it; one with its own address keeps its own."""
    link = "https://www.defense.gov/News/Article/Article/1/strikes/"
    ingest_files(factory, [("day2.txt", DAY_TWO.encode())], source_notes={"day2.txt": SourceNote(link)})
    ingest_files(factory, [("day2-corrected.txt", DAY_TWO_CORRECTED.encode())])
    with factory() as session:
        current = session.scalars(select(models.Release).where(models.Release.is_current.is_(True))).one()
    assert (current.source, current.source_url) == ("day2-corrected.txt", link)
    other = "https://www.centcom.mil/strikes"
    again = DAY_TWO_CORRECTED.replace("one more", "one more").replace("four strikes engaged", "four strikes  engaged")
    ingest_files(factory, [("day2-again.txt", again.encode())], source_notes={"day2-again.txt": SourceNote(other)})
    with factory() as session:
        current = session.scalars(select(models.Release).where(models.Release.is_current.is_(True))).one()
    assert current.source_url == other


def test_places_stored_once_per_precision_become_one_place(tmp_path):
    """Revision 0009 on a database whose Baghdad was two rows ("near" and "southwest of"): one
    Baghdad, both reports on it, each report keeping how it placed itself."""
    from db.engine import session_factory
    from db.schema import upgrade

    engine = _database_at(
        f"sqlite:///{tmp_path / 'places.db'}", "0008", (_OLD_RELEASE, {"id": 1, "key": "k", "stated": "{}"}),
        ("INSERT INTO place (id, name, country, precision, lat, lon, source) VALUES "
         "(1, 'Baghdad', 'Iraq', 'relative', 33.3, 44.4, ''), (2, 'Baghdad', 'Iraq', 'place', 33.3, 44.4, ''), "
         "(3, 'Sinjar Mountain', 'Iraq', 'region', NULL, NULL, '')", {}),
        ("INSERT INTO strike_report (id, release_id, position, place_id, strikes, date_stated, block, itemised) VALUES "
         "(1, 1, 0, 1, 1, 1, 'main', 1), (2, 1, 1, 2, 2, 1, 'main', 1), (3, 1, 2, 3, 1, 1, 'main', 1)", {}))
    upgrade(engine)
    with session_factory(engine)() as session:
        places = session.execute(select(models.Place.id, models.Place.name, models.Place.precision)
                                 .order_by(models.Place.id)).all()
        reports = session.execute(select(models.StrikeReport.place_id, models.StrikeReport.location_precision)
                                  .order_by(models.StrikeReport.id)).all()
    engine.dispose()
    assert places == [(2, "Baghdad", "place"), (3, "Sinjar Mountain", "region")]
    assert reports == [(2, "relative"), (2, "place"), (3, "region")]


def test_the_late_blocks_stated_strikes_come_from_the_stored_totals(empty_database_url):
    """Revision 0018 fills release.stated_late_strikes from each release's stored totals (their
    "late" entry), on both databases: 30 where late blocks state 30, 0 where none do."""
    from db.engine import session_factory
    from db.schema import upgrade

    totals = ['{"all": {"strikes": 9, "engagements": null}, "late": {"strikes": 30, "engagements": null}}',
              '{"all": {"strikes": 4, "engagements": null}}', '{}']
    engine = _database_at(empty_database_url, "0017", *((_OLD_RELEASE, {"id": number, "key": f"k{number}", "stated": stated})
                                                        for number, stated in enumerate(totals, start=1)))
    upgrade(engine)
    with session_factory(engine)() as session:
        late = session.execute(select(models.Release.id, models.Release.stated_late_strikes)
                               .order_by(models.Release.id)).all()
    engine.dispose()
    assert late == [(1, 30), (2, 0), (3, 0)]


def test_the_reports_in_another_country_than_their_place_are_flagged_on_upgrade(empty_database_url):
    """Revision 0019 flags the stored reports counted in another country than their place's,
    on both databases: a report at Raqqa (a town of Syria) counted in Iraq, not one counted in
    Syria, nor one in a region that straddles the border."""
    from db.engine import session_factory
    from db.schema import upgrade

    engine = _database_at(
        empty_database_url, "0018", (_OLD_RELEASE, {"id": 1, "key": "k", "stated": "{}"}),
        ("INSERT INTO place (id, name, country, precision, lat, lon, source) VALUES (1, 'Raqqa', 'Syria', 'place', 35.9, "
         "39.0, ''), (2, 'Euphrates River Valley', 'Syria', 'region', NULL, NULL, '')", {}),
        ("INSERT INTO strike_report (id, release_id, position, place_id, country, location_precision, strikes, date_stated, "
         "block, itemised) VALUES (1, 1, 0, 1, 'Iraq', 'place', 1, true, 'main', true), "
         "(2, 1, 1, 1, 'Syria', 'place', 2, true, 'main', true), (3, 1, 2, 2, 'Iraq', 'place', 1, true, 'main', true)", {}))
    upgrade(engine)
    with session_factory(engine)() as session:
        flagged = session.scalars(select(models.StrikeReport.id).where(models.StrikeReport.country_off.is_(True))).all()
    engine.dispose()
    assert flagged == [1]


def test_each_release_counts_its_reports_on_upgrade(empty_database_url):
    """Revision 0020 fills release.report_count from the stored reports, on both databases: 2 for
    a release with two reports (of any block), 0 for one with none."""
    from db.engine import session_factory
    from db.schema import upgrade

    engine = _database_at(
        empty_database_url, "0019", *((_OLD_RELEASE, {"id": number, "key": f"k{number}", "stated": "{}"}) for number in (1, 2)),
        ("INSERT INTO strike_report (id, release_id, position, date_stated, block, itemised) VALUES "
         "(1, 1, 0, true, 'main', true), (2, 1, 1, true, 'late', true)", {}))
    upgrade(engine)
    with session_factory(engine)() as session:
        counts = session.execute(select(models.Release.id, models.Release.report_count).order_by(models.Release.id)).all()
    engine.dispose()
    assert counts == [(1, 2), (2, 0)]


def test_the_index_of_release_ids_carries_the_day_on_postgres_after_upgrade(empty_database_url):
    """Revision 0021 rebuilds the index of release ids with the publication day included on
    PostgreSQL, and leaves SQLite's as it was; either way it keeps its two columns."""
    from sqlalchemy import inspect

    from db.schema import upgrade

    engine = _database_at(empty_database_url, "0020", (_OLD_RELEASE, {"id": 1, "key": "k", "stated": "{}"}))
    upgrade(engine)
    [index] = [index for index in inspect(engine).get_indexes("release") if index["name"] == "ix_release_id_current"]
    engine.dispose()
    assert index["column_names"] == ["id", "is_current"]
    included = index.get("dialect_options", {}).get("postgresql_include", [])
    assert included == (["published"] if engine.dialect.name == "postgresql" else []), index


def test_release_texts_are_compressed_with_lz4_on_postgres_after_upgrade(empty_database_url):
    """Revision 0022 has PostgreSQL compress each new release text with LZ4 (its own method made
    an import a tenth slower at 100x); a text stored before reads back as it was. SQLite has no
    such setting and is left as it was."""
    from sqlalchemy import text

    from db.engine import session_factory
    from db.schema import upgrade

    before = "Strikes near Mosul. " * 200  # long enough to be compressed: 4,000 characters
    engine = _database_at(empty_database_url, "0021", (_OLD_RELEASE, {"id": 1, "key": "k", "stated": "{}"}),
                          ("UPDATE release SET raw_text = :text WHERE id = 1", {"text": before}))
    upgrade(engine)
    ingest_files(session_factory(engine), [("day.txt", (DAY_ONE + "\n" + "Strikes continue. " * 200).encode())])
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, raw_text FROM release")).all())
        if engine.dialect.name == "postgresql":
            methods = dict(connection.execute(text("SELECT id, pg_column_compression(raw_text) FROM release")).all())
    engine.dispose()
    assert stored[1] == before and len(stored) == 2
    if engine.dialect.name == "postgresql":
        assert methods == {1: "pglz", max(stored): "lz4"}


def test_two_versions_imported_at_once_leave_one_counted(factory):
    """Two versions of one release imported at the same moment were both counted on PostgreSQL
    (7 strikes charted instead of 3 or 4): the database keeps one counted version per release."""
    import threading

    for trial in range(4):
        barrier = threading.Barrier(2)
        texts = [DAY_TWO.replace("Strikes continue", f"Strikes continue {trial}"),
                 DAY_TWO_CORRECTED.replace("Strikes continue", f"Strikes go on {trial}")]

        def load(name: str, text: str, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            ingest_files(factory, [(name, text.encode())])

        threads = [threading.Thread(target=load, args=(f"{trial}-{n}.txt", text)) for n, text in enumerate(texts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with factory() as session:
            counted = session.scalars(select(models.Release.release_key).where(models.Release.is_current.is_(True))).all()
            charted = session.scalar(select(func.sum(models.StrikeDay.strikes)))
        assert len(counted) == len(set(counted)) == 1, trial
        assert charted in (3, 4), trial  # one version's Mosul strikes, never both


def _counted(factory) -> list[tuple[str, int]]:
    with factory() as session:
        return session.execute(select(models.Release.release_key, models.Release.id)
                               .where(models.Release.is_current.is_(True)).order_by(models.Release.id)).all()


def _charted(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.coalesce(func.sum(models.StrikeDay.strikes), 0)))


def _cut(text: str) -> str:
    """A copy that stops before the release's closing text: kept, but weaker than a complete one."""
    return text.replace("Part of Operation Inherent Resolve", "")


def test_undo_loses_no_counted_version(factory):
    """Versions v1, v2, v3 of one release; undo v2, then v3: v1 was left uncounted (0 strikes)."""
    v1 = ingest_files(factory, [("v1.txt", DAY_TWO.encode())])
    v2 = ingest_files(factory, [("v2.txt", DAY_TWO_CORRECTED.encode())])
    v3 = ingest_files(factory, [("v3.txt", DAY_TWO.replace("Strikes continue", "Strikes go on").encode())])
    undo_import(factory, v2.import_id, user_name="alice")
    assert _charted(factory) == 3
    result = undo_import(factory, v3.import_id, user_name="alice")
    assert result.restored == 1
    [(_key, counted_id)] = _counted(factory)
    assert counted_id == v1.files[0].release_ids[0]
    assert (_charted(factory), _current_strikes(factory)) == (3, 3)


def test_undo_of_a_complete_copy_counts_the_cut_copy_kept_as_history(factory):
    complete = ingest_files(factory, [("complete.txt", DAY_TWO.encode())])
    cut = ingest_files(factory, [("cut.txt", _cut(DAY_TWO).encode())])
    assert cut.files[0].outcome == REVISION and _counted(factory)[0][1] == complete.files[0].release_ids[0]
    preview = undo_preview(factory, complete.import_id)
    assert preview.restores == 1
    undo_import(factory, complete.import_id, user_name="alice")
    assert [release_id for _key, release_id in _counted(factory)] == cut.files[0].release_ids
    assert _charted(factory) == 3


_VERSIONS = {  # name: (text, how an import ranks it: complete first, then newest)
    "day2": DAY_TWO, "day2-retitled": DAY_TWO.replace("Strikes continue", "Strikes go on"),
    "day2-corrected": DAY_TWO_CORRECTED, "day2-cut": _cut(DAY_TWO), "day2-corrected-cut": _cut(DAY_TWO_CORRECTED),
    "day1": DAY_ONE, "day1-cut": _cut(DAY_ONE),
}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.one_of(st.tuples(st.just("import"), st.sampled_from(sorted(_VERSIONS))),
                                st.tuples(st.just("undo"), st.integers(0, 5))), min_size=1, max_size=8))
def test_after_any_imports_and_undos_the_best_remaining_version_counts(factory, steps):
    """The counted version of each release is the one importing the remaining versions in
    their order would leave: complete over cut, then the newest; the charts add up to it."""
    live: list[int] = []
    try:
        for action, value in steps:
            if action == "import":
                live.append(ingest_files(factory, [(f"{value}.txt", _VERSIONS[value].encode())]).import_id)
            elif live:
                undo_import(factory, live.pop(value % len(live)), user_name="alice")
            with factory() as session:
                rows = session.execute(select(models.Release.id, models.Release.release_key,
                                              models.Release.is_current)).all()
                incomplete = set(session.scalars(select(models.Diagnostic.release_id)
                                                 .where(models.Diagnostic.kind == "incomplete_list")))
            for key in {row.release_key for row in rows}:
                versions = [row for row in rows if row.release_key == key]
                best = max(versions, key=lambda row: (row.id not in incomplete, row.id))
                assert [row.id for row in versions if row.is_current] == [best.id], (steps, key)
            assert _charted(factory) == _current_strikes(factory)
    finally:
        for import_id in reversed(live):
            undo_import(factory, import_id, user_name="alice")
    assert _counted(factory) == []


def test_on_sqlite_a_writer_keeps_its_pages_in_a_larger_cache_and_a_reader_does_not(tmp_path):
    """An import's transaction has a 64 MB page cache (at 100x a file changes about 4,400 pages
    of the indexes), the next read on the same connection SQLite's default 2 MB again; the
    writer writes the WAL back itself only past 40,000 pages (the checkpoint thread does it
    from 4 MB on), and a reset WAL is cut back to 4 MB."""
    from sqlalchemy import text

    from db.engine import make_engine, session_factory, write_transaction

    engine = make_engine(f"sqlite:///{tmp_path / 'strikes.db'}")
    factory = session_factory(engine)

    def pragma(session, name: str) -> int:
        return session.execute(text(f"PRAGMA {name}")).scalar_one()

    with factory() as session:
        assert pragma(session, "cache_size") == -2000
    with write_transaction(factory) as session:
        assert (pragma(session, "cache_size"), pragma(session, "wal_autocheckpoint")) == (-65536, 40000)
        assert pragma(session, "journal_size_limit") == 4 * 1024 * 1024
        writer = session.connection().connection.dbapi_connection
    with factory() as session:
        assert session.connection().connection.dbapi_connection is writer  # the pool's one connection
        assert pragma(session, "cache_size") == -2000
    engine.dispose()
