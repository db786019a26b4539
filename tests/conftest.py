"""Shared fixtures: the real corpus beside the project, and throwaway databases."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

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


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, and a new PostgreSQL database when a
    server answers at 127.0.0.1:5432 (skipped with the reason otherwise)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'strikes.db'}"
        return
    admin = _postgres_admin()
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL does not answer at {POSTGRES_ADMIN_URL} (CI must test it)")
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_ADMIN_URL}")
    name = f"strikes_test_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**8}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def factory(database_url):
    """A session factory on a migrated, empty database (SQLite and PostgreSQL)."""
    from db.engine import make_engine, session_factory
    from db.schema import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


_skipped: list[str] = []


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
