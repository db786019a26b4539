"""The command line (`python3 manage.py VERB ...`) from another folder: a relative path means
the caller's file, never one in the project; a file that exists is replaced only with --force;
the export's temporary file is a new file beside OUT (never a link someone left there), and a
file it cannot write is told in one line, exit 2, no traceback. What a file is given (the path,
the temporary file, the refusals) is the same whichever database the rows come from, so those
tests run on SQLite; reading a database never imported runs on both. The folder rule is
manage.py's own, so its test starts manage.py; the others run the verb in this process
(tests/command_line.py)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from command_line import Ran, run_verb

ROOT = Path(__file__).resolve().parents[1]

NEEDS_VENV = pytest.mark.skipif(not (ROOT / ".venv").is_dir(),
                                reason="manage.py makes .venv on first use; the suite runs in it")


def manage(*args: str, cwd: Path, database: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "DATABASE_URL": database}, timeout=300)


def told_in_words(done: subprocess.CompletedProcess | Ran, *words: str) -> bool:
    """Exit 2 with one line on stderr holding the words, and no traceback."""
    lines = done.stderr.strip().splitlines()
    return done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr and all(
        word in lines[0] for word in words)


# the file handling does not depend on the database the rows come from
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def caller(tmp_path) -> Path:
    """A folder other than the project's, the one the command is run from."""
    folder = tmp_path / "caller"
    folder.mkdir()
    return folder


@NEEDS_VENV
@ON_SQLITE
def test_a_relative_path_names_the_callers_file_never_the_projects(database_url, caller):
    name = f"export-{uuid.uuid4().hex}.csv"  # a name nothing in the project has
    release = caller / "2017-07-21_release.txt"
    release.write_text("Coalition strikes in Syria: Near Raqqa, one strike destroyed a vehicle.\n", encoding="utf-8")
    try:
        done = manage("export", "--format", "csv", "--table", "releases", name, cwd=caller, database=database_url)
        assert done.returncode == 0, done.stderr
        assert not (ROOT / name).exists()
        assert (caller / name).read_text(encoding="utf-8").startswith("release_id,")
        parsed = manage("parse", release.name, cwd=caller, database=database_url)  # a file read, as one written
        assert parsed.returncode == 0 and "2017-07-21" in parsed.stdout, parsed.stderr
    finally:
        (ROOT / name).unlink(missing_ok=True)  # what the export wrote into the project before the fix


@ON_SQLITE
def test_an_existing_file_is_replaced_only_with_force(database_url, caller):
    existing = caller / "existing.zip"
    existing.write_bytes(b"the caller's own file")
    refused = run_verb("export", "--format", "csv", str(existing), cwd=caller, database=database_url)
    assert told_in_words(refused, "existing.zip", "--force"), (refused.returncode, refused.stderr)
    assert existing.read_bytes() == b"the caller's own file"
    forced = run_verb("export", "--format", "csv", "--force", str(existing), cwd=caller, database=database_url)
    assert forced.returncode == 0, forced.stderr
    assert existing.read_bytes().startswith(b"PK")  # the export's zip
    assert sorted(path.name for path in caller.iterdir()) == ["existing.zip"]  # no temporary file left


def test_the_starter_build_replaces_a_named_file_only_with_force(tmp_path, caller):
    existing = caller / "starter.json.gz"
    existing.write_bytes(gzip.compress(b"{}"))
    refused = run_verb("starter", "--corpus", str(tmp_path / "empty"), "--output", str(existing), cwd=caller,
                     database=f"sqlite:///{tmp_path / 'unused.db'}")
    assert told_in_words(refused, "starter.json.gz", "--force"), (refused.returncode, refused.stderr)
    assert gzip.decompress(existing.read_bytes()) == b"{}"


@ON_SQLITE
def test_the_export_never_writes_through_a_link_beside_its_file(database_url, caller, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("not to be overwritten", encoding="utf-8")
    (caller / "out.csv.part").symlink_to(target)  # the name the export used for its temporary file
    out = caller / "out.csv"
    done = run_verb("export", "--format", "csv", "--table", "releases", str(out), cwd=caller, database=database_url)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == "not to be overwritten"
    assert out.read_text(encoding="utf-8").startswith("release_id,")
    assert (caller / "out.csv.part").is_symlink()  # left as it was
    assert sorted(path.name for path in caller.iterdir()) == ["out.csv", "out.csv.part"]


@ON_SQLITE
def test_a_file_the_export_cannot_write_is_told_in_words(database_url, caller):
    (caller / "folder").mkdir()
    folder, missing = str(caller / "folder"), str(caller / "missing" / "out.zip")
    for args, words in [([folder], ["folder", "is a folder"]), (["--force", folder], ["folder", "is a folder"]),
                        ([missing], ["out.zip", "no folder"])]:
        done = run_verb("export", "--format", "csv", *args, cwd=caller, database=database_url)
        assert told_in_words(done, *words), (args, done.returncode, done.stderr)
    assert sorted(path.name for path in caller.iterdir()) == ["folder"]
    assert not any((caller / "folder").iterdir())


def test_the_help_lists_every_verb(caller):
    """`python3 manage.py --help` did not list export."""
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "--help"], capture_output=True, text=True,
                          cwd=caller, timeout=60)
    assert done.returncode == 0
    sys.path.insert(0, str(ROOT))
    try:
        from manage import VERBS
    finally:
        sys.path.remove(str(ROOT))
    assert [verb for verb in VERBS if f"manage.py {verb}" not in done.stdout] == []
    assert "rebuild the tracked data/starter.json.gz" in done.stdout


def test_an_export_of_a_database_never_imported_holds_the_starter_data(database_url, caller):
    """On a fresh clone, before serve, an export wrote files without rows and said nothing."""
    done = run_verb("export", "--format", "csv", "--table", "releases", "releases.csv", cwd=caller, database=database_url)
    assert done.returncode == 0, done.stderr
    assert "starter data" in done.stderr
    rows = (caller / "releases.csv").read_text(encoding="utf-8").splitlines()
    assert len([row for row in rows if row and row[0].isdigit()]) > 100
