"""Shared fixtures: the real corpus beside the project, and throwaway databases."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit  # noqa: F401
from hypothesis import HealthCheck, settings

# Streamlit first, then the charts, as the app imports them: importing Streamlit makes its own
# plotly template the default, and the charts then make theirs. A test process that imported
# Streamlit later drew every chart in Streamlit's template (a deck's bar labels ran off its edge).
import dashboard.charts  # noqa: F401, E402

# No verdict read from a clock: Hypothesis's deadline (200 ms an example) and its too_slow
# health check time each example, so on a busy machine they fail a test that is right. A
# test's own @settings keeps what it leaves unsaid from here.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture(autouse=True, scope="session")
def _cheapest_password_hashing():
    """Passwords hashed at argon2's cheapest cost in the test processes: at the app's cost each
    hash or check takes about 0.2 s, and the sign-in tests check what is done with a hash, not
    what it costs (test_one_command_line_reaches_every_verb checks the app's cost, in a process
    of its own)."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from db import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher.from_parameters(CHEAPEST))
        yield


@pytest.fixture(autouse=True, scope="session")
def _installed_components_scanned_once():
    """Streamlit's AppTest scans every installed package for components (0.17 s, reading 279
    packages' metadata) for each app it runs, about 200 runs in the suite; nothing is installed
    while the tests run, so once per test process finds the same."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests",
                      functools.cache(manifest_scanner.scan_component_manifests))
        yield


PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("STRIKES_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
RELEASES = CORPUS / "releases"
ARCHIVE = CORPUS / "archive" / "centcom_release_lines_2014-2015.csv"
CORPUS_MISSING = f"real corpus not found at {CORPUS} (clone without ../shared/corpus)"

needs_corpus = pytest.mark.skipif(not RELEASES.is_dir(), reason=CORPUS_MISSING)

POSTGRES_ADMIN_URL = os.environ.get("STRIKES_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_admin():
    """An autocommit connection to the test server, or None when no server answers."""
    try:
        import psycopg

        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception:  # noqa: BLE001 - any failure means: no server here
        return None


def missing(reason: str) -> None:
    """Skip the test for what this machine lacks, with the reason; in CI (CI=true), which has
    everything, fail it instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


def _no_postgres() -> None:
    missing(f"no PostgreSQL server answers at {POSTGRES_ADMIN_URL}")


def postgres_dsn(name: str) -> str:
    """The test server's address for the database name, as psycopg takes it."""
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def _postgres_url(name: str) -> str:
    return postgres_dsn(name).replace("postgresql://", "postgresql+psycopg://", 1)


def _database_name(request, kind: str) -> str:
    return f"strikes_{kind}_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**8}"


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request, tmp_path):
    """A fresh database with nothing in it, not even a schema: a SQLite file, and a new
    PostgreSQL database when a server answers at 127.0.0.1:5432 (skipped with the reason
    otherwise; a failure in CI). For what a migration does; other tests take database_url."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'strikes.db'}"
        return
    with _postgres_database(request) as url:
        yield url


@contextlib.contextmanager
def _postgres_database(request, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database for one test (a copy of template, if given), dropped after it."""
    admin = _postgres_admin()
    if admin is None:
        _no_postgres()
    name = _database_name(request, "test")
    _create_database(admin, name, template)
    try:
        yield _postgres_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _create_database(admin, name: str, template: str | None = None) -> None:
    """CREATE DATABASE name (a copy of template, if given), made again if a run left one. The
    default strategy, WAL_LOG, is kept: FILE_COPY is faster alone (0.06 s against 0.20 s) but
    slower in the suite (0.38 s against 0.25 s), as its checkpoint flushes what the tests wrote."""
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def _migrated(url: str) -> None:
    from db.engine import make_engine
    from db.schema import upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()  # no connection left open: the template is copied whole


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file migrated to the latest revision per test process, copied for each test
    (running the migrations took most of each database test's time)."""
    path = tmp_path_factory.mktemp("template") / "strikes.db"
    _migrated(f"sqlite:///{path}")
    return path


class _EmptiedForEachTest:
    """One PostgreSQL database per test process, brought back to its migrated state for each
    test. A copy per test (CREATE DATABASE ... TEMPLATE, and a DROP after it) took 0.35 s in the
    suite, most of it the server writing a whole database to disk, against 0.02 s to empty one;
    about 220 tests take one. Before each test: the connections left by the last test closed,
    every table emptied, every sequence restarted, the rows the migrations wrote put back."""

    def __init__(self, template: str):
        import psycopg

        from db import models

        self.name = f"strikes_test_{os.getpid()}"
        admin = _postgres_admin()
        _create_database(admin, self.name, template)
        admin.close()
        # a lock the last test left held fails the reset rather than hanging it
        self._connection = psycopg.connect(postgres_dsn(self.name), autocommit=True, options="-c lock_timeout=10s")
        self._tables = [table.name for table in reversed(models.Base.metadata.sorted_tables)]  # children first
        present = {name for (name,) in self._connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        unknown = present - set(self._tables) - {"alembic_version"}
        assert not unknown, f"tables the models do not name, which a reset would leave full: {sorted(unknown)}"
        self._sequences = [name for (name,) in self._connection.execute(
            "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences")]
        self._schema_as_migrated = self._schema()
        self._as_migrated = {}
        for table in self._tables:
            cursor = self._connection.execute(f'SELECT * FROM "{table}"')
            if rows := cursor.fetchall():
                self._as_migrated[table] = ([column.name for column in cursor.description], rows)

    def fresh(self) -> str:
        """The URL of the database, as it was when migrated."""
        connection = self._connection
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        with connection.transaction():
            # what a test added to the schema (a table, a trigger noting the rows an UPDATE
            # touches, its function) would outlive it on this database: dropped
            tables, triggers, functions = (now - before for now, before in zip(self._schema(), self._schema_as_migrated,
                                                                              strict=True))
            for trigger, table in triggers:
                connection.execute(f'DROP TRIGGER "{trigger}" ON "{table}"')
            for table in tables:
                connection.execute(f'DROP TABLE "{table}" CASCADE')
            for function in functions:
                connection.execute(f"DROP FUNCTION {function} CASCADE")
            for table in self._tables:
                connection.execute(f'DELETE FROM "{table}"')
            for sequence in self._sequences:
                connection.execute(f"ALTER SEQUENCE {sequence} RESTART")
            for table, (columns, rows) in self._as_migrated.items():
                names = ", ".join(f'"{column}"' for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                connection.cursor().executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        return _postgres_url(self.name)

    def _schema(self) -> tuple[set, set, set]:
        """The tables, the triggers (name, table) and the functions of the database's schema."""
        def rows(query: str) -> set:
            return set(self._connection.execute(query).fetchall())

        return ({name for (name,) in rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")},
                rows("SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"),
                {name for (name,) in rows("SELECT p.oid::regprocedure::text FROM pg_proc p "
                                          "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()")})

    def close(self) -> None:
        self._connection.close()
        admin = _postgres_admin()
        admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """One PostgreSQL database migrated to the latest revision per test process, the template
    the tests' databases are created from (CREATE DATABASE ... TEMPLATE); None without a server."""
    admin = _postgres_admin()
    if admin is None:
        yield None
        return
    name = f"strikes_template_{os.getpid()}"
    _create_database(admin, name)
    try:
        _migrated(_postgres_url(name))
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def _postgres_emptied(postgres_template) -> Iterator[_EmptiedForEachTest | None]:
    if postgres_template is None:
        yield None
        return
    database = _EmptiedForEachTest(postgres_template)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A database at the latest schema revision, with no data: a new SQLite file (a copy of a
    template migrated once per test process), and a PostgreSQL database when a server answers at
    127.0.0.1:5432 (skipped with the reason otherwise; a failure in CI), emptied for the test."""
    if request.param == "sqlite":
        path = tmp_path / "strikes.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    database = request.getfixturevalue("_postgres_emptied")
    if database is None:
        _no_postgres()
    yield database.fresh()


@pytest.fixture
def factory(database_url):
    """A session factory on a migrated, empty database (SQLite and PostgreSQL)."""
    from db.engine import make_engine, session_factory

    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def _filled_templates() -> Iterator[dict]:
    """(kind, fill) -> the SQLite file or PostgreSQL database that fill filled, once per module."""
    made: dict[tuple[str, Callable], str] = {}
    yield made
    admin = _postgres_admin() if any(kind == "postgres" for kind, _ in made) else None
    for (kind, _), name in made.items():
        if kind == "postgres" and admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if admin is not None:
        admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def filled_factory(request, tmp_path, _filled_templates) -> Iterator[Callable]:
    """fill -> a session factory on a copy of a database that fill(factory) filled once in this
    module (SQLite and PostgreSQL): for tests that each need the same data, loaded at length, and
    may change it. The copy is a file copy, or CREATE DATABASE ... TEMPLATE."""
    from db.engine import make_engine, session_factory

    kind = request.param
    with contextlib.ExitStack() as cleanup:
        def copy(fill: Callable) -> object:
            if (kind, fill) not in _filled_templates:
                _filled_templates[kind, fill] = _filled_template(request, kind, fill)
            template = _filled_templates[kind, fill]
            if kind == "sqlite":
                path = tmp_path / "strikes.db"
                shutil.copyfile(template, path)
                url = f"sqlite:///{path}"
            else:
                url = cleanup.enter_context(_postgres_database(request, template))
            engine = make_engine(url)
            cleanup.callback(engine.dispose)
            return session_factory(engine)

        yield copy


def _filled_template(request, kind: str, fill: Callable) -> str:
    from db.engine import make_engine, session_factory

    if kind == "sqlite":
        path = request.getfixturevalue("tmp_path_factory").mktemp("filled") / "strikes.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url, name = f"sqlite:///{path}", str(path)
    else:
        template = request.getfixturevalue("postgres_template")
        if template is None:
            _no_postgres()
        admin = _postgres_admin()
        name = f"strikes_filled_{os.getpid()}_{abs(hash((request.node.module.__name__, fill.__name__))) % 10**8}"
        _create_database(admin, name, template)
        admin.close()
        url = _postgres_url(name)
    engine = make_engine(url)
    try:
        fill(session_factory(engine))
    finally:
        engine.dispose()  # no connection left open: the template is copied whole
    return name


_DATABASE_FIXTURES = ("database_url", "empty_database_url", "filled_factory")
_POSTGRES_FIXTURES = ("postgres_template", "_postgres_emptied")  # the server's own, for tests of the fixtures


def _needs_chromium(item) -> bool:
    """Whether the test drives Chromium: through the browser fixture (Playwright), or by a
    module's needs_browser / needs_chromium mark (the app's own image export, tests/test_briefing.py)."""
    if "browser" in getattr(item, "fixturenames", ()):
        return True
    needs = [getattr(getattr(item, "module", None), name, None) for name in ("needs_browser", "needs_chromium")]
    needed = [decorator.mark for decorator in needs if isinstance(decorator, pytest.MarkDecorator)]
    return any(mark == wanted for mark in item.iter_markers("skipif") for wanted in needed)


# Test modules whose tests share set-up made once per module (an app server and its Chromium, a
# corpus loaded, a database filled): under -n each runs whole on one worker, which makes that
# set-up once; every other test is a work unit of its own. pytest-xdist's own grouping (the
# xdist_group mark) renames node ids, which pytest 9 no longer reads: each worker ran part of
# each module and made its set-up again. The controller sees only node ids, hence this list;
# the collection checks it against the fixtures the tests use.
ONE_WORKER_MODULES = frozenset({
    "tests/test_audit.py", "tests/test_briefing.py", "tests/test_browser.py", "tests/test_browser_analyst.py",
    "tests/test_browser_layout.py",
    "tests/test_consistency.py", "tests/test_corpus_measures.py", "tests/test_e2e_upload.py",
    "tests/test_gazetteer.py", "tests/test_pages.py", "tests/test_summaries.py", "tests/test_summary.py",
})
# module-scoped, but cheap to make again
_LIGHT_MODULE_FIXTURES = frozenset({"monkeypatch_module"})


def _module_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


def pytest_xdist_make_scheduler(config, log):
    """Under -n: a module of ONE_WORKER_MODULES is one unit of work, every other test its own."""
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerPerModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _module_of(nodeid) if _module_of(nodeid) in ONE_WORKER_MODULES else nodeid

    return OneWorkerPerModule(config, log)


def _shares_module_setup(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(definitions[-1].scope == "module" for name, definitions in info.name2fixturedefs.items()
               if definitions and name not in _LIGHT_MODULE_FIXTURES)


def _check_one_worker_modules(items) -> None:
    sharing = {_module_of(item.nodeid) for item in items if _shares_module_setup(item)}
    collected = {_module_of(item.nodeid) for item in items}
    unlisted = sorted(sharing - ONE_WORKER_MODULES)
    # a module is stale only by all its tests: known when the whole suite was collected
    whole_suite = collected >= {f"tests/{path.name}" for path in Path(__file__).parent.glob("test_*.py")}
    stale = sorted((ONE_WORKER_MODULES & collected) - sharing) if whole_suite else []
    if unlisted or stale:
        raise pytest.UsageError(
            "tests/conftest.py ONE_WORKER_MODULES is out of date: "
            + (f"add {unlisted} (their tests share a module-scoped fixture) " if unlisted else "")
            + (f"remove {stale} (no module-scoped set-up left)" if stale else ""))


def pytest_collection_modifyitems(config, items):
    """Markers from what a test uses, so that -m selects the truth: db for a throwaway database
    (any database fixture), postgres for its PostgreSQL half (the fixtures' postgres param),
    corpus for the real releases (a skip for want of them), browser for Chromium."""
    _check_one_worker_modules(items)
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        if any(name in fixtures for name in _DATABASE_FIXTURES):
            item.add_marker(pytest.mark.db)
        if any(params.get(name) == "postgres" for name in _DATABASE_FIXTURES) or any(
                name in fixtures for name in _POSTGRES_FIXTURES):
            item.add_marker(pytest.mark.postgres)
        if any(str(mark.kwargs.get("reason", "")).startswith("real corpus not found")
               for mark in item.iter_markers("skipif")):
            item.add_marker(pytest.mark.corpus)
        if _needs_chromium(item):
            item.add_marker(pytest.mark.browser)


_skipped: list[str] = []


def pytest_collection_finish(session):
    """What collection imported (the app, pandas, SQLAlchemy, Streamlit) lives as long as the
    worker: frozen, the collector stops walking it at each full collection (on the page and
    summary tests, full collections took 6.3-6.6 s of 60; frozen, 4.4-5.1)."""
    gc.collect()
    gc.freeze()


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_sessionfinish(session, exitstatus):
    """In CI (CI=true) a skipped test is a failure: CI has the corpus, PostgreSQL and Chromium."""
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"CI: {len(_skipped)} skipped tests count as failures:", red=True)
            for line in _skipped:
                reporter.write_line(f"  {line}")


@pytest.fixture(scope="session")
def count_work():
    """Counts the work of a call, in lines of Python and characters regular expressions scan, in
    a process of its own (tests/work.py): how a test of growth measures, never by a clock."""
    from work import WorkCounter

    counter = WorkCounter()
    yield counter
    counter.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    from app_server import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def _module_tab(browser):
    from app_server import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(_module_tab):
    """A browser tab at 1280x720: the module's one, for each test in turn (a tab of its own cost
    each test a new renderer process, about a second). A test opens its page with visit(), a new
    app session; after it the tab is blank again (the session ends), at 1280x720. A test that
    listens to the tab's events removes its listener."""
    from app_server import VIEWPORT

    yield _module_tab
    _module_tab.goto("about:blank")
    _module_tab.set_viewport_size(VIEWPORT)


def plan_of(engine, run: Callable[[], object], naming: str) -> str:
    """The query plan of the one statement run() sends that names `naming`, as the database
    would run it: on PostgreSQL from these rows' statistics and compact tables, with scans off
    (a test's tables are tiny, so scanning them is cheaper), so the plan shows whether an index
    can serve it."""
    from sqlalchemy import event

    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    [(statement, parameters)] = [(sent, values) for sent, values in statements if naming in sent]
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (COSTS OFF) "
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            # the tables and indexes rewritten compact first: a worker's database is emptied for
            # each test, and the pages the tests before this one filled would weigh on the plan
            # (an index of two rows over nine pages lost to a table's index); then VACUUM sets the
            # visibility map an index-only read is costed from (the rewrite leaves it empty;
            # autovacuum keeps it in service)
            from db.models import Base

            tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            connection.exec_driver_sql(f"VACUUM FULL ANALYZE {tables}")
            connection.exec_driver_sql("VACUUM ANALYZE " + tables)
            connection.exec_driver_sql("SET enable_seqscan = off")
        return " ".join(str(row[-1]) for row in connection.exec_driver_sql(explain + statement, parameters))


def live_markdown(at) -> list[str]:
    """What an AppTest page renders as markdown and would turn into a link or an image:
    every heading, text, caption, alert and expander label holding "](" or "![" unescaped, or
    an address outside a link's brackets (markdown links a bare address by itself)."""
    shown = [element.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                                        "error", "success") for element in getattr(at, kind)]
    shown += [expander.label for expander in at.expander]
    bare_address = re.compile(r"(?<!\(<)(?<!\()\b(?:https?://|www\.)")
    return [text for text in shown if "](" in text.replace(r"\]\(", "") or "![" in text or bare_address.search(text)]


def as_read(markdown: str) -> str:
    """What a reader sees of escaped markdown text (dashboard.record.plain undone)."""
    from dashboard.record import WORD_JOINER

    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")
