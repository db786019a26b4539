"""The suite's own databases: each PostgreSQL test's database is the migrated template again,
whatever the test before it wrote or left open (tests/conftest.py empties one database per test
process instead of copying the template for each test)."""

from __future__ import annotations

import psycopg
from conftest import POSTGRES_ADMIN_URL, missing, postgres_dsn
from sample_releases import DAY_ONE, DAY_TWO

from db import accounts
from db.engine import make_engine, session_factory
from db.ingest import ingest_files


def _contents(database: str) -> dict[str, list]:
    """Every table's rows and every sequence's position, by name."""
    with psycopg.connect(postgres_dsn(database)) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
        sequences = [name for (name,) in connection.execute(
            "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences ORDER BY 1")]
        found = {table: sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"'))) for table in tables}
        for sequence in sequences:
            found[sequence] = list(connection.execute(f"SELECT last_value, is_called FROM {sequence}"))
        found["triggers"] = sorted(connection.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"))
        found["functions"] = sorted(connection.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema()"))
        return found


def test_each_postgres_test_starts_from_the_migrated_template(_postgres_emptied, postgres_template):
    database, template = _postgres_emptied, postgres_template
    if database is None:
        missing(f"no PostgreSQL server answers at {POSTGRES_ADMIN_URL}")
    engine = make_engine(database.fresh())
    factory = session_factory(engine)
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    accounts.add_user(factory, "alice", "correct horse battery")
    accounts.sign_in(factory, "alice", "correct horse battery")
    with engine.begin() as connection:  # a table, a function and a trigger a test added (tests/test_audit.py)
        connection.exec_driver_sql("CREATE TABLE touched (id integer)")
        connection.exec_driver_sql("CREATE FUNCTION note_touched() RETURNS trigger LANGUAGE plpgsql AS "
                                   "$$ BEGIN INSERT INTO touched VALUES (NEW.id); RETURN NEW; END $$")
        connection.exec_driver_sql("CREATE TRIGGER note_touched AFTER UPDATE ON strike_report "
                                   "FOR EACH ROW EXECUTE FUNCTION note_touched()")
    left_open = engine.connect()  # a connection the test left in a transaction holds locks
    left_open.exec_driver_sql("SELECT id FROM release FOR UPDATE").all()
    filled = _contents(database.name)
    assert filled != _contents(template)

    database.fresh()

    assert _contents(database.name) == _contents(template)
    left_open.invalidate()
    engine.dispose()
