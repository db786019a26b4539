"""AppTest of the upload page: anonymous visitors get a sign-in form and no upload control;
signed-in staff see the preview of a pasted release."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from conftest import as_read, live_markdown
from sample_releases import DAY_ONE, DAY_TWO, HOSTILE
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'upload.db'}")
    from db import starter
    from db.engine import default_engine, session_factory

    monkeypatch.setattr(starter, "STARTER_DATA_PATH", tmp_path / "no-starter.json.gz")
    default_engine.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    from db.accounts import add_user
    from db.schema import migrate

    add_user(session_factory(migrate()), "alice", PASSWORD)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/upload.py")
    yield at
    default_engine.cache_clear()
    st.cache_resource.clear()


def _table_with(app, column: str):
    """The first data table on the page that has the column."""
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


def test_anonymous_visitor_sees_sign_in_and_no_upload(app):
    app.run()
    assert not app.exception
    assert [field.label for field in app.text_input] == ["User name", "Password"]
    assert not app.get("file_uploader")
    assert not [area for area in app.text_area if area.key == "upload_paste"]


def test_wrong_password_is_refused(app):
    app.run()
    app.text_input(key="upload_user").input("alice")
    app.text_input(key="upload_password").input("wrong password!")
    app.button[0].click().run()
    assert not app.exception
    assert any("wrong user name or password" in error.value for error in app.error)
    assert not app.get("file_uploader")


def test_signed_in_staff_see_the_preview_of_pasted_text(app):
    app.run()
    app.text_input(key="upload_user").input("alice")
    app.text_input(key="upload_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert app.get("file_uploader")
    app.text_area(key="upload_paste").input(DAY_ONE).run()
    assert not app.exception
    preview = _table_with(app, "would be")
    assert preview.iloc[0]["file"] == "pasted text"
    # the starter data hold the release of 21 July 2017 (strikes of the 20th): a text of that
    # release and day is a new version of it, counted instead of the starter facts
    assert preview.iloc[0]["would be"] == "revision"
    assert preview.iloc[0]["strike reports"] == 3
    app.button(key="upload_confirm").click().run()
    assert not app.exception
    result = _table_with(app, "result")
    assert result.iloc[0]["result"] == "revision"


def test_signed_in_staff_add_published_totals_with_a_preview(app):
    """Totals the coalition published, pasted as CSV: previewed row by row, then stored."""
    app.run()
    app.text_input(key="upload_user").input("alice")
    app.text_input(key="upload_password").input(PASSWORD)
    app.button[0].click().run()
    totals = ("as_of_date,period_start,scope,strikes,engagements,who_stated,url,quote\n"
              "2017-07-31,2017-07-01,all,1200,,CJTF-OIR monthly report,https://example.org/july,\n"
              "2019-03-31,2014-08-08,all,34464,,CJTF-OIR,,\n")  # the second is in the starter data already
    app.text_area(key="upload_paste").input(totals).run()
    assert not app.exception
    preview = _table_with(app, "published totals")
    assert preview.iloc[0]["published totals"] == 2 and preview.iloc[0]["releases"] == 0
    rows = _table_with(app, "stated by")
    assert list(rows["would be"]) == ["new", "duplicate"]
    assert list(rows["strikes"]) == [1200, 34464]
    app.button(key="upload_confirm").click().run()
    assert not app.exception
    result = _table_with(app, "result")
    assert result.iloc[0]["result"] == "new"
    assert "1 of 2 totals stored already" in result.iloc[0]["reason"]


def test_undo_defaults_to_the_newest_import_and_asks_first(app):
    """The undo offers the newest import, says what it removes, and removes it only when asked twice."""
    app.run()
    app.text_input(key="upload_user").input("alice")
    app.text_input(key="upload_password").input(PASSWORD)
    app.button[0].click().run()
    app.text_area(key="upload_paste").input(DAY_TWO).run()
    app.button(key="upload_confirm").click().run()
    log = _table_with(app, "origin")
    newest = int(log["id"].max())
    assert app.selectbox(key=f"upload_undo_choice_{newest}").value == newest
    app.button(key="upload_undo").click().run()
    [warning] = [w.value for w in app.warning if "Undo import" in w.value]
    assert f"Undo import {newest} (upload, by alice)? It removes 1 release (pasted text), 3 strikes" in warning
    assert "1 earlier versions are counted again" in warning  # the starter facts of that day
    assert int(_table_with(app, "origin")["undone"].notna().sum()) == 0  # nothing undone yet
    app.button(key="upload_undo_confirm").click().run()
    assert not app.exception
    assert any(f"Import {newest} undone: 1 releases removed, 1 restored" in s.value for s in app.success)


def test_a_rerun_does_not_parse_the_upload_again(app, monkeypatch):
    """Every click reruns the page: the preview is parsed once per set of files."""
    from db import management

    calls = []
    original = management.preview
    monkeypatch.setattr(management, "preview", lambda factory, files: calls.append(len(files)) or original(factory, files))
    app.run()
    app.text_input(key="upload_user").input("alice")
    app.text_input(key="upload_password").input(PASSWORD)
    app.button[0].click().run()
    app.text_area(key="upload_paste").input(DAY_ONE).run()
    app.run()
    app.run()
    assert calls == [1]
    app.text_area(key="upload_paste").input(DAY_TWO).run()  # other text: parsed anew
    assert calls == [1, 1]


def test_the_preview_shows_a_release_title_as_written(app):
    """A title written as markdown was rendered in the preview as an image from an outside host."""
    app.run()
    app.text_input(key="upload_user").input("alice")
    app.text_input(key="upload_password").input(PASSWORD)
    app.button[0].click().run()
    title, text = HOSTILE
    app.text_area(key="upload_paste").input(text).run()
    assert not app.exception
    assert title in " ".join(as_read(markdown.value) for markdown in app.markdown)
    assert not live_markdown(app)
