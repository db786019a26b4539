"""Engine and sessions; the schema is brought to the latest Alembic revision on open."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, event, func, select, text
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.checkpoint import BACKGROUND_CHECKPOINT_BYTES, checkpoint_soon, finish_checkpoints
from db.settings import get_settings

# The writer itself writes the WAL back to the database file only past 160 MB (SQLite's default:
# 4 MB): past 4 MB a write transaction has it written back on a thread of its own meanwhile
# (checkpoint.py), so this is the bound, reached only when that thread falls behind; then the
# writer copies only what the thread has not. (At 100x one import of 200 releases writes about
# 4,400 pages: the writer waited for a checkpoint every two or three files.)
_WAL_CHECKPOINT_PAGES = 40_000
# A writer's page cache holds the index pages its transaction changes until the commit (64 MB,
# in KiB); a reader's is SQLite's default, 2 MB: a larger one made the pages' queries slower.
_WRITER_CACHE_KIB, _READER_CACHE_KIB = 65_536, 2_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions, so savepoints and rollbacks
    # really undo everything (the driver's own transaction handling skips them).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Foreign keys for cascades; WAL so readers in other app processes never block an import.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL keeps the database consistent through a crash or power loss (only
    # the last commits may be rolled back); FULL syncs the disk on every commit, which costs
    # an import of many files tens of milliseconds per file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={_WAL_CHECKPOINT_PAGES}")
    # once reset, the WAL file is cut back, so its size tells what was written since
    cursor.execute(f"PRAGMA journal_size_limit={BACKGROUND_CHECKPOINT_BYTES}")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # Writers take the write lock up front: two deferred transactions that both read and then
    # write would deadlock, and SQLite answers "database is locked" without waiting.
    immediate = connection.get_execution_options().get("immediate", False)
    cache = _WRITER_CACHE_KIB if immediate else _READER_CACHE_KIB
    connection.exec_driver_sql(f"PRAGMA cache_size=-{cache}")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction that will write: committed at the end, rolled back on error."""
    with factory() as session, session.begin():
        session.connection(execution_options={"immediate": True})
        yield session
    if path := _sqlite_file(factory.kw["bind"]):
        checkpoint_soon(path)


def _sqlite_file(engine: Engine) -> str | None:
    in_memory = engine.url.database in (None, "", ":memory:")
    return engine.url.database if engine.dialect.name == "sqlite" and not in_memory else None


def make_engine(url: str | None = None) -> Engine:
    """Return an engine for the URL (default: the settings), SQLite folders created."""
    url = url or get_settings().database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        if path := _sqlite_file(engine):
            event.listen(engine, "engine_disposed", lambda _engine: finish_checkpoints(path))
    return engine


_LOG = logging.getLogger("strikes.db")

# What a database's own message means for data staff, by words it contains.
_FAILURE_WORDS = (
    (("disk is full", "no space left", "could not extend file", "disk full"),
     "the database's disk is full: nothing of it was stored; free space and try again"),
    (("database is locked", "could not obtain lock", "deadlock detected", "lock timeout"),
     "the database was busy with other changes for too long: nothing of it was stored; try again"),
    (("read-only", "readonly", "permission denied"),
     "the database may not be written to (read-only file or missing permission): nothing of it was stored"),
    (("could not connect", "connection refused", "server closed the connection", "unable to open database"),
     "the database could not be reached: nothing of it was stored"),
)


class DatabaseFailure(RuntimeError):
    """A change the database refused, in words for data staff (failure_in_words)."""


@contextmanager
def failures_in_words() -> Iterator[None]:
    """Raise a database failure as DatabaseFailure, its SQL logged and not shown."""
    try:
        yield
    except DBAPIError as error:
        raise DatabaseFailure(failure_in_words(error)) from error


def failure_in_words(error: DBAPIError) -> str:
    """What a database failure means, without the SQL and values it carries: those go to the
    log for an operator, never to the page."""
    _LOG.error("database failure", exc_info=error)
    message = str(error.orig if error.orig is not None else error).lower()
    for words, meaning in _FAILURE_WORDS:
        if any(word in message for word in words):
            return meaning
    return f"the database refused the change ({type(error.orig or error).__name__}): nothing of it was stored"


IN_LIST_SIZE = 500  # values per IN list: well under every driver's parameter limit


def in_chunks(values: Iterable) -> Iterator[list]:
    """Distinct values in lists short enough for one IN (...) each."""
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), IN_LIST_SIZE):
        yield values[start:start + IN_LIST_SIZE]


def execute_many(session: Session, statement, rows: list[dict], meanwhile: Callable[[], None] | None = None) -> None:
    """Run an INSERT (or an upsert) of many rows through the driver's executemany: values are
    bound with their column types' processors, once per column, without SQLAlchemy's
    per-row parameter work (most of the cost of a bulk insert). All rows have the same keys.
    meanwhile, if given, runs once the rows are sent and before their insert is waited for: on
    PostgreSQL the server stores them while it runs (on SQLite it simply runs after)."""
    if not rows:
        if meanwhile:
            meanwhile()
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    # named parameters, so the rows go to the driver as they are (both drivers take dicts)
    compiled = statement.compile(dialect=_NAMED_SQLITE if dialect.name == "sqlite" else dialect, column_keys=names)
    columns = statement.table.c
    processors = [(name, processor) for name in names
                  if (processor := columns[name].type._cached_bind_processor(dialect)) is not None]
    if processors:
        rows = [row.copy() for row in rows]  # the caller's rows keep their Python values
        for name, processor in processors:
            # a column's values repeat (the same few days in a batch): each is converted once
            converted: dict = {}
            for row in rows:
                value = row[name]
                try:
                    row[name] = converted[value]
                except KeyError:
                    row[name] = converted[value] = processor(value)
                except TypeError:  # unhashable (a JSON document): converted each time
                    row[name] = processor(value)
    if dialect.name == "postgresql" and statement._post_values_clause is None:  # no ON CONFLICT
        # a plain INSERT: COPY streams the rows in one command (in the same transaction)
        # instead of one INSERT each
        quote = dialect.identifier_preparer
        columns = ", ".join(quote.quote(name) for name in names)
        from psycopg.errors import IntegrityError as DriverIntegrityError

        copy_sql = f"COPY {quote.format_table(statement.table)} ({columns}) FROM STDIN"
        try:
            with connection.connection.driver_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                columns_of = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
                for row in rows:
                    copy.write_row(columns_of(row))
                if meanwhile:
                    meanwhile()  # the client's work overlaps the server's, on another core
        except DriverIntegrityError as error:
            # as SQLAlchemy raises it for an INSERT: callers answer a duplicate the same way
            raise IntegrityError(copy_sql, None, error) from error
        return
    connection.exec_driver_sql(compiled.string, rows)
    if meanwhile:
        meanwhile()


_NAMED_SQLITE = SQLiteDialect_pysqlite(paramstyle="named")


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for rows about to be inserted into a table with an integer id, taken before the
    insert so other rows can name them without reading them back: from the table's sequence on
    PostgreSQL; on SQLite the next ones after the largest (a write transaction holds the
    database's only write lock, and a table without AUTOINCREMENT would give the same)."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # the sequence looked up once: named in each row's nextval, it was looked up by name for
        # every id (1,700 ids: 4.9 ms against 0.8)
        return sorted(session.scalar(
            text("WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(:table, 'id')::regclass AS sequence) "
                 "SELECT array_agg(nextval(s.sequence)) FROM s, generate_series(1, :count)"),
            {"table": table.name, "count": count},
        ))
    largest = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(largest + 1, largest + 1 + count))


# A table is analyzed again once it holds four times the pages its statistics counted. Any
# statistics keep the planner's estimates in scale (it scales row counts by the table's current
# size); a table never analyzed is what misleads it, however small: without statistics of the
# places' kinds, a condition on them was taken to hold for one place in 200, and the flag of the
# reports placed in another country compared every place with every report of the batch. Updates
# in place, as the summaries' upserts make, do not count. The size on disk is known at once; the
# row counters lag.
_GROWTH = 4.0
_MIN_PAGES = 16
_GROWN_TABLES = text("""
    SELECT relname FROM pg_class
    WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND relpersistence = 'p'
      AND (pg_relation_size(oid) / current_setting('block_size')::int > GREATEST(:min_pages, :growth * relpages)
           OR (reltuples < 0 AND pg_relation_size(oid) > 0))
    ORDER BY relname
""")


def refresh_planner_statistics(session: Session) -> list[str]:
    """PostgreSQL: ANALYZE, inside the caller's transaction, the tables that grew much since
    their statistics were taken, and those with rows never analyzed; returns their names.
    Without statistics the planner takes a look-up of a few hundred release keys for most of the
    table and scans it, so an import of many files slowed down as the database grew
    (autovacuum, where it runs, analyzes only after its next pause, and a server may run
    without it). SQLite plans from its indexes alone: nothing to do. Statistics only guide
    plans: a table that cannot be analyzed is skipped, never the import's failure."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    stale = list(session.execute(_GROWN_TABLES, {"growth": _GROWTH, "min_pages": _MIN_PAGES}).scalars())
    analyzed = []
    for table in stale:
        try:
            with session.begin_nested():
                session.execute(text(f'ANALYZE "{table}"'))
            analyzed.append(table)
        except DBAPIError:
            continue
    return analyzed


@cache
def default_engine() -> Engine:
    """The process-wide engine for the configured database (db.schema.migrate brings its
    schema up to date, once, at every start)."""
    return make_engine()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or default_engine(), expire_on_commit=False)
