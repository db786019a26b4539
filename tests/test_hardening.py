"""Threats found by trying to break the app, each named after what it was (docs/SECURITY.md).
Growth is checked as work counted at two sizes of the same input (tests/work.py), never timed."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import UnreadableFile, parse_document, read_bytes

HEAD = "Strikes in Iraq\n\n-- Near Mosul, a strike destroyed "
PATHOLOGICAL = {
    "a target list of one vehicle and thousands of 'and'": lambda n: HEAD + "a vehicle" + " and" * n + ".",
    "one word repeated in a target list": lambda n: HEAD + "vehicle " * n + ".",
    "unclosed brackets": lambda n: HEAD + "a vehicle " + "(" * n + " and two bunkers.",
    "a release line repeated": lambda n: "Strikes in Iraq\n\n" + "-- Near Mosul, a strike destroyed a vehicle.\n" * n,
    "markup of nested elements": lambda n: "<html><body>" + "<div><p>Near Mosul, a strike.</p>" * (n // 40)
                                           + "</div>" * (n // 40) + "</body></html>",
}


def _parse(text: str, name: str = "release.txt"):
    try:
        return parse_document(read_bytes(text.encode(), name, max_bytes=50_000_000))
    except UnreadableFile:
        return []


PARSE = "work:parse_from_cold"  # what the work counter runs: read and parse, the parser's memory forgotten


def _file_name(shape: str) -> str:
    return "page.html" if "markup" in shape else "release.txt"


def _size(make, characters: int) -> int:
    """The smallest size (100 doubled) at which make gives at least that many characters."""
    size = 100
    while len(make(size)) < characters:
        size *= 2
    return size


@pytest.mark.parametrize("shape", list(PATHOLOGICAL))
def test_parse_work_grows_linearly_with_a_pathological_input(shape, count_work):
    make, name = PATHOLOGICAL[shape], _file_name(shape)
    count_work(PARSE, make(200), name)  # warm: taxonomy and gazetteer loaded
    size = _size(make, 10_000)
    small, large = count_work(PARSE, make(size), name), count_work(PARSE, make(8 * size), name)
    # 8 times the input: at most 8 times the work if linear, 64 times if quadratic
    assert large.times(small) <= 8.5, f"{shape}: 8 times the input took {large} against {small}"


def test_pathological_text_parses_with_the_work_of_as_much_release_text(count_work):
    """Per character, no count of work over 5 times what an ordinary release takes (as text or
    as a web page, whichever takes more); with the growth checked above, a megabyte of it parses
    in seconds, not minutes."""
    line = "-- Near Mosul, a strike destroyed a vehicle.\n"
    ordinary = {"release.txt": "Strikes in Iraq\n\n" + line * 3_000,  # about 130 KB each
                "page.html": "<html><body>" + f"<p>{line}</p>" * 2_500 + "</body></html>"}
    for name, text in ordinary.items():
        count_work(PARSE, text[:5_000], name)  # warm
    rates = [[measure / len(text) for measure in count_work(PARSE, text, name)] for name, text in ordinary.items()]
    per_character = [max(kinds) for kinds in zip(*rates, strict=True)]  # each measure, the larger of the two
    for shape, make in PATHOLOGICAL.items():
        text = make(_size(make, 128_000))
        work = count_work(PARSE, text, _file_name(shape))
        for measure, rate, done in zip(work._fields, per_character, work, strict=True):
            assert done / len(text) <= 5 * rate, f"{shape}: {measure} {done / len(text):.1f} a character"


def test_what_one_sentence_produces_is_bounded():
    """8,000 "and"s made 8,000 diagnostics each holding the whole sentence (132 MB stored)."""
    [release] = _parse(PATHOLOGICAL["a target list of one vehicle and thousands of 'and'"](8_000))
    assert len(release.diagnostics) <= 12
    assert sum(len(d.text or "") for d in release.diagnostics) <= 12 * 1_000
    [release] = _parse(HEAD + ", ".join(f"{n} widget{n}s" for n in range(1, 200)) + ".")
    unclassified = [d for d in release.diagnostics if d.kind == "unclassified_target"]
    assert len(unclassified) == 11  # ten, and one that says more were left out
    assert unclassified[-1].message == "more of the same in this sentence, not listed"
    [report] = release.strikes
    assert len(report.targets) == 199  # every target is still read; only the flags are bounded


def test_a_long_phrase_fits_the_columns_that_hold_it():
    [release] = _parse(HEAD + "a " + "very " * 400 + "strange vehicle.")
    [target] = release.strikes[0].targets
    assert len(target.text) <= 500 and len(target.type) <= 200


def test_deeply_nested_markup_is_refused_with_a_reason():
    page = "<html><body>" + "<div>" * 8_000 + "Near Mosul, a strike destroyed a vehicle." + "</div>" * 8_000 + "</body></html>"
    with pytest.raises(UnreadableFile, match="HTML nested more than 256 elements deep"):
        read_bytes(page.encode(), "page.html")


ABSURD = """SOUTHWEST ASIA, July 22, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday.

Strikes in Iraq

-- Near Mosul, 3,000,000,000 strikes destroyed a vehicle.

-- Near Tal Afar, 1,000,000 strikes destroyed a vehicle.

-- Near Kirkuk, 5,000 strikes engaged an ISIS tactical unit.

-- Near Ramadi, -5 strikes destroyed a vehicle.

-- Near Baghdadi, 2.5 strikes destroyed a vehicle.

-- Near Haditha, three strikes destroyed 9,000 fighting positions and a vehicle.

-- Near Sinjar, a strike destroyed """ + "9" * 5000 + """ vehicles.

-- Near Hit, two strikes destroyed a bunker.
"""


def test_absurd_numbers_are_never_counted():
    """One file pushed the headline to 3,001,000,014 strikes (and failed on PostgreSQL); "-5"
    became 5 and "2.5" became 5. Counts stay within what releases state."""
    from loaders import parse_release
    from loaders.numbers import MAX_PLAUSIBLE_COUNT

    release = parse_release(ABSURD)
    counted = {report.location_raw: report.strikes for report in release.strikes if report.itemised}
    assert counted == {"Haditha": 3, "Sinjar": 1, "Hit": 2}  # the lines a person would count
    haditha = next(report for report in release.strikes if report.location_raw == "Haditha")
    assert [(target.count, target.type) for target in haditha.targets] == [(None, "fighting position"), (1, "vehicle")]
    sinjar = next(report for report in release.strikes if report.location_raw == "Sinjar")
    assert all(target.count is None or target.count <= MAX_PLAUSIBLE_COUNT for target in sinjar.targets)
    flagged = [d.text for d in release.diagnostics if d.kind == "implausible_count"]
    assert any("Kirkuk" in text for text in flagged) and any("Haditha" in text for text in flagged)


def test_absurd_numbers_are_stored_alike_on_both_databases(factory):
    """The same file failed on PostgreSQL (integer out of range) and counted three billion
    strikes on SQLite: both now store the plausible lines and the diagnostics."""
    from sqlalchemy import func, select

    from db import models
    from db.ingest import NEW, ingest_files

    result = ingest_files(factory, [("absurd.txt", ABSURD.encode())])
    assert [file.outcome for file in result.files] == [NEW], result.files[0].reason
    with factory() as session:
        assert session.scalar(select(func.sum(models.StrikeDay.strikes))) == 6
        assert session.scalar(select(func.max(models.Target.count))) == 1
        assert session.scalar(select(func.count()).select_from(models.Diagnostic)
                              .where(models.Diagnostic.kind == "implausible_count")) == 3


def test_a_locked_sqlite_file_does_not_block_starting_and_reading(tmp_path):
    """Every process start opened a write transaction to check the summaries: while another
    process held the write lock (an import), the first page and read-only commands failed
    after 30 s. Starting and reading take no write lock."""
    import sqlite3

    from sample_releases import DAY_ONE
    from sqlalchemy import event

    from db import queries
    from db.engine import make_engine, session_factory
    from db.ingest import ingest_files
    from db.queries import Filters
    from db.schema import upgrade

    url = f"sqlite:///{tmp_path / 'locked.db'}"
    engine = make_engine(url)
    upgrade(engine)
    ingest_files(session_factory(engine), [("day1.txt", DAY_ONE.encode())])
    engine.dispose()
    writer = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of an import
    started = make_engine(url)
    # no waiting for a lock: a start that takes one fails at once ("database is locked"), a
    # verdict no clock decides
    event.listen(started, "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout=0"))
    try:
        upgrade(started)  # what every process start does
        with session_factory(started)() as session:
            assert queries.headline(session, Filters()).strikes == 7
    finally:
        started.dispose()
        writer.execute("ROLLBACK")
        writer.close()


def _pdf(content: bytes, pages: int = 1, stated: int | None = None) -> bytes:
    """A PDF written object by object: `pages` pages sharing one compressed content stream; its
    page tree states `stated` pages (by default, as many as it holds)."""
    import zlib

    stream = zlib.compress(content, 9)
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages if stated is None else stated),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font "
                b"<< /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"] * pages
    parts, offsets, size = [b"%PDF-1.4\n"], [], 9  # parts joined once: adding to one bytes was quadratic
    for number, body in enumerate(objects, start=1):
        offsets.append(size)
        parts.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        size += len(parts[-1])
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    parts.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, size))
    return b"".join(parts)


RELEASE_LINE = b"BT /F1 12 Tf 72 700 Td (Near Mosul, a strike destroyed an ISIS vehicle.) Tj ET"


def test_a_pdf_of_a_few_pages_is_read():
    [release] = parse_document(read_bytes(_pdf(RELEASE_LINE, pages=2), "release.pdf"))
    assert [report.location_raw for report in release.strikes] == ["Mosul", "Mosul"]


HOSTILE_PDFS = {  # made when a test runs, not when tests are collected
    "20,000 pages": lambda: _pdf(RELEASE_LINE, pages=20_000),  # 99,000 pages took 59 s and 880 MB
    "compression bomb": lambda: _pdf(b"0" * 200_000_000),  # pypdf's LimitReachedError escaped
    "broken PDF": lambda: _pdf(RELEASE_LINE)[:-300] + b"garbage",
}


@pytest.mark.parametrize("reason", list(HOSTILE_PDFS))
def test_a_huge_or_hostile_pdf_is_refused_with_its_reason(reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_bytes(HOSTILE_PDFS[reason](), "release.pdf")


def test_a_pdf_of_too_many_pages_is_refused_before_any_page_is_read(monkeypatch):
    """Counting the pages of a 20,000-page file read every page object (5 s) before refusing it;
    the count the file states at the root of its page tree reads none."""
    from pypdf._doc_common import PdfDocCommon

    def read_every_page(*_args, **_kwargs):
        raise AssertionError("the page objects were read")

    monkeypatch.setattr(PdfDocCommon, "_flatten", read_every_page)
    with pytest.raises(UnreadableFile, match="PDF of 20,000 pages"):
        read_bytes(_pdf(RELEASE_LINE, pages=20_000), "release.pdf")


def test_a_pdf_stating_fewer_pages_than_it_holds_is_refused_by_those_it_holds():
    with pytest.raises(UnreadableFile, match="PDF of 300 pages"):
        read_bytes(_pdf(RELEASE_LINE, pages=300, stated=3), "release.pdf")


@pytest.mark.parametrize(("data", "reason"), [
    (b"\xff\xfe" + "Near Mosul, a strike.".encode("utf-16-le") + b"\x00", "broken UTF-16"),  # odd byte count
    (b"Near Mosul, a strike destroyed a vehicle.\n" * 400 + b"\x00 and more", "NUL character"),  # after 8 KB
    (b"\xfe\xff" + "Near Mosul\x00, a strike.".encode("utf-16-be"), "NUL character"),
], ids=["UTF-16 of an odd byte count", "NUL after 8 KB", "NUL in UTF-16"])
def test_text_that_crashed_the_preview_is_refused_with_its_reason(data, reason):
    """A UTF-16 file of an odd byte count raised UnicodeDecodeError; a NUL byte after the first
    8 KB passed the binary check (SQLite stored it, PostgreSQL failed the file)."""
    with pytest.raises(UnreadableFile, match=reason):
        read_bytes(data, "release.txt")


def test_csv_downloads_never_carry_a_formula():
    """CSV exports wrote `=2+5` and `+cmd|' /C calc'!A0` as they came: a spreadsheet would run them."""
    import csv
    import io

    import pandas as pd

    from dashboard.downloads import csv_bytes

    table = pd.DataFrame({"phrase": ["=2+5", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "\t=1", "vehicle", None],
                          "mentions": [1, 2, -3, 4, 5, 6, 7]})
    rows = list(csv.DictReader(io.StringIO(csv_bytes(table).decode("utf-8"))))
    assert [row["phrase"] for row in rows] == ["'=2+5", "'+cmd|' /C calc'!A0", "'-1+1", "'@SUM(A1)", "'\t=1", "vehicle", ""]
    assert [row["mentions"] for row in rows] == ["1", "2", "-3", "4", "5", "6", "7"]  # numbers stay numbers


def test_a_charts_csv_starts_with_what_it_is():
    import io

    import pandas as pd

    from dashboard.downloads import csv_bytes

    table = pd.DataFrame({"period": ["2015-01-05"], "strikes": [12]})
    about = ["Strikes per week in Syria, Jan–Jun 2015", "01 Jan 2015 – 30 Jun 2015 · country: Syria",
             "=cmd source"]
    data = csv_bytes(table, about).decode("utf-8")
    assert data.splitlines()[:3] == ["# Strikes per week in Syria, Jan–Jun 2015",
                                     "# 01 Jan 2015 – 30 Jun 2015 · country: Syria", "# '=cmd source"]
    assert pd.read_csv(io.StringIO(data), skiprows=3).to_dict("records") == [{"period": "2015-01-05", "strikes": 12}]


def test_every_csv_download_goes_through_the_one_that_neutralises_formulas():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    writers = [path.relative_to(root).as_posix() for folder in ("pages", "dashboard") for path in (root / folder).glob("*.py")
               if ".to_csv(" in path.read_text() and path.name != "downloads.py"]
    assert writers == []


def test_a_killed_import_is_marked_stopped_at_the_next_start(database_url):
    """A killed import left an empty, never-finished row in the import log."""
    import subprocess
    import sys
    from pathlib import Path

    from db.engine import make_engine, session_factory
    from db.ingest import STOPPED, close_stopped_imports
    from db.maintenance import undo_import
    from db.queries import imports_log
    from db.schema import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    factory = session_factory(engine)
    child = """
import os, signal, sys
from sample_releases import DAY_ONE, DAY_TWO
from db.engine import make_engine, session_factory
from db.ingest import ingest_files
stop = lambda outcome: os.kill(os.getpid(), signal.SIGKILL)  # killed once the first file is stored
ingest_files(session_factory(make_engine(sys.argv[1])), [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())],
             on_progress=stop)
"""
    tests = Path(__file__).resolve().parent
    killed = subprocess.run([sys.executable, "-c", child, database_url], cwd=tests.parent, capture_output=True,
                            env={**os.environ, "PYTHONPATH": f"{tests.parent}{os.pathsep}{tests}"})
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    [stopped] = close_stopped_imports(factory)
    with factory() as session:
        log = imports_log(session)
    assert log.set_index("id").loc[stopped, "state"] == STOPPED
    assert log.set_index("id").loc[stopped, "files"] == 1  # day1.txt, stored whole before the kill
    assert close_stopped_imports(factory) == []  # marked once
    assert undo_import(factory, stopped, user_name="alice").removed == 1
    engine.dispose()


def test_an_import_running_in_this_process_is_not_marked_stopped(factory):
    from db.ingest import RUNNING, close_stopped_imports, start_import

    import_id = start_import(factory, "alice", "cli")
    assert close_stopped_imports(factory) == []
    with factory() as session:
        from db import models

        assert session.get(models.ImportBatch, import_id).summary["state"] == RUNNING


def test_a_full_disk_is_told_in_words_without_sql(tmp_path):
    """A disk-full failure showed raw SQL to data staff."""
    from sample_releases import DAY_ONE
    from sqlalchemy import event

    from db import management
    from db.accounts import add_user, sign_in
    from db.engine import DatabaseFailure, make_engine, session_factory
    from db.ingest import FAILED, ingest_files
    from db.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'full.db'}")
    upgrade(engine)
    factory = session_factory(engine)
    add_user(factory, "alice", "a long enough password")
    staff = sign_in(factory, "alice", "a long enough password")
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_connection, _record) -> None:  # the file may not grow: SQLite's "disk is full"
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    engine.dispose()
    big = DAY_ONE + "\n".join(f"-- Near Mosul, a strike destroyed {n} ISIS vehicles." for n in range(2, 500))  # under the 1,000 strikes one release may add
    [outcome] = ingest_files(factory, [("big.txt", big.encode())]).files
    assert outcome.outcome == FAILED
    assert "disk is full" in outcome.reason and "INSERT" not in outcome.reason and "SELECT" not in outcome.reason
    try:
        reasons = [file.reason for file in management.import_files(factory, staff, [("big.txt", big.encode())]).files]
    except DatabaseFailure as error:  # the import log itself could not be written
        reasons = [str(error)]
    assert reasons and all("disk is full" in reason and "INSERT" not in reason for reason in reasons)


# --- fuzz: release-like texts built from the pieces releases are made of, and hostile ones ---

_PIECES = [
    "Near Mosul, ", "Near Dayr Az Zawr, Syria ", "In Syria, coalition military forces conducted ", "Strikes in Iraq\n",
    "19 strikes consisting of 24 engagements", "two strikes ", "a strike ", "engaged ", "destroyed ", "damaged ",
    "an ISIS tactical unit", "three ISIS fighting positions", "a vehicle", "vehicle ", " and ", ", ", "; ", ".",
    "(", ")", "[", "]", "<div>", "</div>", "<p>", "\n-- ", "\n\n", "\n", "•", "* ", "July 21, 2017", "yesterday",
    "5,000", "-5", "2.5", "1,000,000,000", "9" * 40, "twenty-three ", "fives ", "ISIL ", "Daesh ", "\u2212",
    "SOUTHWEST ASIA, July 22, 2017 — ", "officials reported today.", "Part of Operation Inherent Resolve",
]
_TEXTS = st.lists(st.one_of(st.sampled_from(_PIECES), st.integers(0, 10**12).map(str), st.text(max_size=12)),
                  min_size=1, max_size=60).map("".join)


def _plausible(release) -> list[str]:
    from loaders.numbers import MAX_PLAUSIBLE_COUNT

    counts = [(f"strikes of {r.sentence[:60]!r}", r.strikes) for r in release.strikes]
    counts += [(f"engagements of {r.sentence[:60]!r}", r.engagements) for r in release.strikes]
    counts += [(f"targets {t.text[:60]!r}", t.count) for r in release.strikes for t in r.targets]
    counts += [(f"stated {key}", getattr(totals, measure)) for key, totals in release.stated_totals.items()
               for measure in ("strikes", "engagements")]
    return [what for what, count in counts if count is not None and not 0 <= count <= MAX_PLAUSIBLE_COUNT]


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS)
def test_release_like_texts_never_raise_and_never_count_beyond_reason(text):
    for name in ("release.txt", "page.html"):
        for release in _parse(text, name):  # UnreadableFile is an answer; any other exception fails
            assert not _plausible(release), _plausible(release)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS)
def test_release_like_texts_parse_in_linear_time(text, count_work):
    repeats = max(1, 2_000 // (len(text) + 1))  # some 2,000 characters, then 8 times as many
    make = lambda size: (text + "\n") * size  # noqa: E731
    count_work(PARSE, make(1), "release.txt")  # warm
    small, large = count_work(PARSE, make(repeats), "release.txt"), count_work(PARSE, make(8 * repeats), "release.txt")
    # linear work grows at most 8 times, quadratic 64 times
    assert large.times(small) <= 8.5, f"8 times the input took {large} against {small}: {text[:200]!r}"
