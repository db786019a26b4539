"""End to end in a real browser: staff sign in, upload a real release, check the preview,
import it, find it on the Releases page and its strikes on the Timeline, undo, and see them
gone. Then: two app processes on one PostgreSQL database, an import through one shown by the
other without a restart. Screenshots of each step go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from app_server import needs_browser, running_app, screenshot, wait_for_app
from conftest import RELEASES, needs_corpus
from sample_releases import DAY_ONE

pytestmark = [pytest.mark.browser, needs_browser]
PASSWORD = "correct horse battery"
RELEASE_FILE = "2017-07-21_dodnews-1253904.txt"


def _make_staff(database_url: str) -> None:
    from db.accounts import add_user
    from db.engine import make_engine, session_factory
    from db.schema import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    add_user(session_factory(engine), "alice", PASSWORD)
    engine.dispose()


def _current_release_id(database_url: str, published: str) -> int:
    from sqlalchemy import select

    from db.engine import make_engine, session_factory
    from db.models import Release

    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        release_id = session.scalar(
            select(Release.id).where(Release.published == published, Release.is_current.is_(True))
        )
    engine.dispose()
    return release_id


# A text waited for is its first copy: while a run redraws the page, Streamlit keeps the last
# run's copy of an element that moved until the run ends, and two copies fail a strict wait.


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/upload")
    wait_for_app(page)
    page.get_by_role("textbox", name="User name").fill("alice")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").first.wait_for(timeout=60_000)
    wait_for_app(page)


@needs_corpus
def test_upload_find_and_undo(browser, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    _make_staff(database_url)
    # no starter data: the release's strikes come only from this upload
    with running_app(database_url, tmp_path / "app.log", STRIKES_STARTER_DATA="none") as base:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        _sign_in(page, base)
        screenshot(page, "upload-1-signed-in")

        page.locator("input[type=file]").set_input_files(str(RELEASES / RELEASE_FILE))
        page.get_by_text("Preview: nothing is saved yet").first.wait_for(timeout=60_000)
        # the file's own line of the preview, drawn after the heading (a busy machine can pause between them)
        page.get_by_role("button", name=re.compile(r"Import 1 file")).wait_for(timeout=60_000)
        wait_for_app(page)
        preview = page.locator("[data-testid='stMain']").inner_text()
        assert "2017-07-21_dodnews-1253904.txt: new" in preview
        screenshot(page, "upload-2-preview")

        page.get_by_role("button", name=re.compile(r"Import 1 file")).click()
        page.get_by_text(re.compile(r"Import \d+ finished")).first.wait_for(timeout=90_000)
        wait_for_app(page)
        screenshot(page, "upload-3-imported")

        page.goto(f"{base}/releases?q=Kisik")
        wait_for_app(page)
        assert "1 current release" in page.locator("[data-testid='stMain']").inner_text()
        page.goto(f"{base}/releases?release={_current_release_id(database_url, '2017-07-21')}")
        wait_for_app(page)
        shown = page.locator("[data-testid='stMain']").inner_text()
        assert "Near Kisik, Iraq, a strike suppressed" in shown  # the source text, with its sentences
        screenshot(page, "upload-4-release")

        timeline = f"{base}/timeline?start=2017-07-20&end=2017-07-20&grain=day&split=country"
        page.goto(timeline)
        wait_for_app(page)
        # July 20, 2017: 20 strikes in Syria + 8 in Iraq, read from the release by hand
        assert "28 strikes" in page.locator("[data-testid='stMain']").inner_text()
        screenshot(page, "upload-5-timeline")

        _sign_in(page, base)  # a new browser session after loading pages by URL
        page.get_by_role("button", name="Undo …").click()
        page.get_by_text(re.compile(r"Undo import \d+ \(upload, by ")).first.wait_for(timeout=60_000)
        screenshot(page, "upload-6-undo-asks-first")
        page.get_by_role("button", name=re.compile(r"Yes, undo import \d+")).click()
        page.get_by_text(re.compile(r"Import \d+ undone")).first.wait_for(timeout=60_000)
        wait_for_app(page)
        screenshot(page, "upload-7-undone")

        page.goto(timeline)
        wait_for_app(page)
        assert "0 strike reports, 0 strikes" in page.locator("[data-testid='stMain']").inner_text()
        screenshot(page, "upload-8-timeline-after-undo")


def _strikes_metric(page) -> int:
    text = page.locator("[data-testid='stMetric']").first.inner_text()
    return int(re.search(r"([\d,]+)", text.split("\n", 1)[1]).group(1).replace(",", ""))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # the shared, multi-process deployment
def test_two_app_processes_share_one_postgres_database(browser, database_url, tmp_path):
    _make_staff(database_url)
    with running_app(database_url, tmp_path / "a.log") as first, running_app(database_url, tmp_path / "b.log") as second:
        reader = browser.new_page(viewport={"width": 1280, "height": 720})
        reader.goto(f"{second}/overview?start=2017-07-20&end=2017-07-20")
        wait_for_app(reader)
        before = _strikes_metric(reader)

        writer = browser.new_page(viewport={"width": 1280, "height": 720})
        _sign_in(writer, first)
        writer.get_by_label("Or paste the text of a release").fill(DAY_ONE.replace("July 21", "July 21"))
        writer.keyboard.press("Control+Enter")
        writer.get_by_text("Preview: nothing is saved yet").first.wait_for(timeout=60_000)
        wait_for_app(writer)
        writer.get_by_role("button", name=re.compile(r"Import 1 file")).click()
        writer.get_by_text(re.compile(r"Import \d+ finished")).first.wait_for(timeout=90_000)

        reader.reload()
        wait_for_app(reader)
        after = _strikes_metric(reader)
        screenshot(reader, "two-processes-reader-after-import")
        # DAY_ONE (a hand-written test release) adds 7 strikes on July 20, 2017 as a revision
        # of that day's starter release (28 strikes): the count changes in the other process
        assert after != before
