"""The architecture the README's layout table describes, checked: the loaders import nothing
from the database layer, no two modules import each other, page scripts are layout only (their
data come from dashboard/page_data, their URL state from dashboard/view_state), and one command
line reaches every verb."""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from command_line import run_verb
from sample_releases import DAY_ONE

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("loaders", "db", "dashboard")


def _imports() -> dict[str, set[str]]:
    """Each project module -> the project modules it imports (at the top or inside a function)."""
    files = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                parts = list(path.relative_to(ROOT).with_suffix("").parts)
                files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in files.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        graph[name] = (imported & set(files)) - {name}
    return graph


def test_the_loaders_import_nothing_from_the_database():
    graph = _imports()
    assert {(module, imported) for module, imports in graph.items() if module.startswith("loaders")
            for imported in imports if imported.split(".")[0] != "loaders"} == set()


def test_no_two_modules_import_each_other():
    graph = _imports()
    assert sorted({tuple(sorted((a, b))) for a, imports in graph.items() for b in imports if a in graph.get(b, ())}) == []


PAGE_SCRIPTS = sorted((ROOT / "pages").glob("*.py"))


# What opens a database session, an engine or a connection, by any name a page could use:
# the project's (db.engine), SQLAlchemy's own, and the app's cached ones (dashboard.data).
_OPENERS = frozenset({"session_factory", "make_engine", "default_engine", "write_transaction", "migrate", "upgrade",
                      "Session", "sessionmaker", "scoped_session", "create_engine", "engine", "session", "connect",
                      "raw_connection", "begin"})
_DATABASE_MODULES = ("db.engine", "db.schema", "sqlalchemy")


def _page_seam_breaches(path: Path) -> list[str]:
    """What in a page script reaches past the seam: a query function imported or called, the
    queries module used, st.query_params read or written, a lookup of anything by name in
    dashboard.data, or a database session, engine or connection opened (or an opener of one
    imported or handed on); from db, only plain data classes and constants."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    breaches = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "db" and not node.level:
            # from the database layer a page takes plain data classes and constants, nothing that acts
            module = importlib.import_module(node.module)
            for alias in node.names:
                found = getattr(module, alias.name, None)
                if found is None and importlib.util.find_spec(f"{node.module}.{alias.name}"):
                    found = importlib.import_module(f"{node.module}.{alias.name}")
                if inspect.ismodule(found) or (callable(found) and not isinstance(found, type)):
                    breaches.append(f"line {node.lineno}: imports {node.module}.{alias.name}, which acts on the data")
        elif isinstance(node, ast.Import):
            breaches += [f"line {node.lineno}: imports {alias.name}" for alias in node.names
                         if alias.name.split(".")[0] == "db"]
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.startswith(_DATABASE_MODULES):
                breaches.append(f"line {node.lineno}: imports from {node.module}")
            breaches += [f"line {node.lineno}: imports {alias.name}" for alias in node.names
                         if alias.name in _OPENERS or f"{node.module}.{alias.name}".startswith(_DATABASE_MODULES)]
        elif isinstance(node, ast.Import):
            breaches += [f"line {node.lineno}: imports {alias.name}" for alias in node.names
                         if alias.name.startswith(_DATABASE_MODULES)]
        elif isinstance(node, ast.Attribute) and node.attr == "query_params":
            breaches.append(f"line {node.lineno}: st.query_params")
        elif isinstance(node, ast.Attribute) and node.attr in {"query", "run", *_OPENERS} \
                and isinstance(node.value, ast.Name) and node.value.id == "data":
            breaches.append(f"line {node.lineno}: data.{node.attr}")
        elif isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if called in _OPENERS:
                breaches.append(f"line {node.lineno}: {called}(...)")
    return sorted(set(breaches))


@pytest.mark.parametrize("path", PAGE_SCRIPTS, ids=lambda path: path.name)
def test_a_page_script_is_layout_only(path):
    assert _page_seam_breaches(path) == []


def _bare_expressions(path: Path) -> list[str]:
    """Expressions standing alone in a script, docstrings apart: with Streamlit's magic off
    (.streamlit/config.toml) they show nothing, so whatever one was meant to show is lost."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    documented = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)}
    return [f"line {node.lineno}: {ast.unparse(node.value)[:60]}" for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and id(node.value) not in documented
            and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))]


@pytest.mark.parametrize("path", [ROOT / "app.py", *PAGE_SCRIPTS], ids=lambda path: path.name)
def test_a_page_shows_only_what_it_calls_streamlit_for(path):
    assert "magicEnabled = false" in (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert _bare_expressions(path) == []


def test_the_magic_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""A page."""\nimport pandas as pd\nframe = pd.DataFrame()\nframe\n\n\n'
                    'def draw():\n    """Draws."""\n    "a note"\n', encoding="utf-8")
    assert _bare_expressions(page) == ["line 4: frame", "line 9: 'a note'"]


def test_the_seam_check_finds_a_page_acting_on_the_data_itself(tmp_path):
    """The Upload page called db.accounts and db.management itself; pages take only plain data
    classes and constants from db (the Upload page's desk acts for it)."""
    page = tmp_path / "page.py"
    page.write_text("from db import accounts, management\nfrom db.management import import_files\n"
                    "from db.queries import GRAINS, Filters\nimport db.maintenance\n", encoding="utf-8")
    assert _page_seam_breaches(page) == [
        "line 1: imports db.accounts, which acts on the data", "line 1: imports db.management, which acts on the data",
        "line 2: imports db.management.import_files, which acts on the data", "line 4: imports db.maintenance",
    ]


def test_the_seam_check_finds_a_query_in_a_page(tmp_path):
    page = tmp_path / "page.py"
    page.write_text("from db.queries import headline\nfrom dashboard import data\nimport streamlit as st\n"
                    "x = data.query('headline')\nst.query_params['bar'] = '1'\n", encoding="utf-8")
    assert len(_page_seam_breaches(page)) == 3


@pytest.mark.parametrize("opening", [
    "from db.engine import session_factory\nfactory = session_factory(data.engine())",  # Upload's own, once
    "from db.engine import make_engine\nengine = make_engine('sqlite://')",
    "from db import engine\nfactory = engine.session_factory(None)",
    "import db.engine\nfactory = db.engine.session_factory(None)",
    "from sqlalchemy.orm import Session\nwith Session(None) as db:\n    pass",
    "import sqlalchemy\nengine = sqlalchemy.create_engine('sqlite://')",
    "with data.session() as db:\n    pass",
    "desk = StaffDesk(data.engine)",
    "from dashboard.data import engine\nwith engine().connect() as connection:\n    pass",
    "from dashboard.data import session as open_session\nwith open_session() as db:\n    pass",
], ids=["session_factory", "make_engine", "db.engine", "import db.engine", "Session(", "create_engine",
        "data.session()", "data.engine handed on", "engine().connect()", "session renamed"])
def test_the_seam_check_finds_a_database_opened_in_a_page(tmp_path, opening):
    page = tmp_path / "page.py"
    page.write_text(f"import streamlit as st\nfrom dashboard import data\n{opening}\n", encoding="utf-8")
    assert _page_seam_breaches(page), opening


def _manage_module():
    sys.path.insert(0, str(ROOT))
    try:
        import manage
    finally:
        sys.path.remove(str(ROOT))
    return manage


def test_manage_py_hands_each_verb_to_a_command_line_that_knows_it(monkeypatch):
    """manage.py runs a verb by starting the module COMMANDS names: that module's own parser must
    take the verb (it answers its --help), or the verb reaches nothing."""
    manage = _manage_module()
    started = []
    monkeypatch.setattr(manage, "ensure_environment", lambda: None)
    monkeypatch.setattr(manage.subprocess, "call", lambda command, **_options: started.append(command) or 0)
    for verb in manage.COMMANDS:
        assert manage.main([verb, "--help"]) == 0
    assert len(started) == len(manage.COMMANDS)
    for command in started:
        assert command[:3] == [str(manage.PYTHON), "-P", "-m"], command
        module, arguments = command[3], command[4:]
        main = importlib.import_module(module if module.endswith(".run") else f"{module}.__main__").main
        with pytest.raises(SystemExit) as answered, contextlib.redirect_stdout(io.StringIO()):
            main(arguments)
        assert answered.value.code == 0, command


def test_every_verb_runs_where_bytecode_is_written_once(monkeypatch):
    """Under PYTHONDONTWRITEBYTECODE each process would compile every module it imports again
    (the packages are installed without bytecode): manage.py's commands write it to .venv
    instead, never beside the sources; a caller without that setting keeps its environment."""
    manage = _manage_module()
    started = []
    monkeypatch.setattr(manage, "ensure_environment", lambda: None)
    monkeypatch.setattr(manage.subprocess, "call", lambda command, **options: started.append(options["env"]) or 0)
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    for verb in ("test", "ingest"):
        manage.main([verb, "--help"])
    for env in started:
        assert "PYTHONDONTWRITEBYTECODE" not in env
        assert env["PYTHONPYCACHEPREFIX"] == str(manage.VENV / "pycache")
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    started.clear()
    manage.main(["test", "--help"])
    assert "PYTHONPYCACHEPREFIX" not in started[0]


@pytest.mark.skipif(not (ROOT / ".venv").is_dir(), reason="manage.py makes .venv on first use; the suite runs in it")
def test_one_command_line_reaches_every_verb(tmp_path):
    """The data verbs one after another on one database, run as manage.py runs them; one of them
    through manage.py itself, which also shows the app's own password cost (the suite hashes at
    the cheapest, tests/conftest.py): RFC 9106's 64 MiB, 3 passes, 4 lanes."""
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    release = tmp_path / "2017-07-21_release.txt"
    release.write_text(DAY_ONE, encoding="utf-8")
    parsed = run_verb("parse", str(release), program="loaders", cwd=tmp_path, database=database)
    assert parsed.returncode == 0 and "5 strike reports" in parsed.stdout, parsed.stderr  # 3 lines, and each country's engagements
    assert not (tmp_path / "cli.db").exists()  # parsing touches no database
    assert run_verb("migrate", cwd=tmp_path, database=database).returncode == 0
    ingested = run_verb("ingest", str(release), "--quiet", cwd=tmp_path, database=database)
    assert ingested.returncode == 0 and "import 1" in ingested.stdout, ingested.stderr
    added = subprocess.run([sys.executable, str(ROOT / "manage.py"), "users", "add", "alice", "--password-stdin"],
                           input="a long enough password\n", capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, "DATABASE_URL": database}, timeout=300)
    assert added.returncode == 0, added.stderr
    assert run_verb("users", "list", cwd=tmp_path, database=database).stdout.split() == ["alice"]
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        stored = connection.execute("SELECT password_hash FROM staff_user").fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored
    log = run_verb("imports", cwd=tmp_path, database=database).stdout
    assert "finished" in log and "cli" in log
    undone = run_verb("undo", "1", cwd=tmp_path, database=database)
    assert undone.returncode == 0 and "removed 1 releases" in undone.stdout, undone.stderr
    again = run_verb("undo", "1", cwd=tmp_path, database=database)
    assert again.returncode == 1 and "undone already" in again.stderr
    assert run_verb("nonsense", cwd=tmp_path, database=database).returncode == 2


def test_the_benchmark_loads_what_the_pages_load():
    """bench/pages.py runs each page's loaders as the page does (checked by running the pages)."""
    from bench.pages import check_pages

    assert check_pages() == []


def test_every_test_the_counting_rules_cite_exists():
    """docs/COUNTING.md names the test behind each rule: a renamed or deleted test leaves a rule
    without its proof, so each name must be a test function of the suite."""
    import re

    cited = set(re.findall(r"\*(test_\w+)\*", (ROOT / "docs" / "COUNTING.md").read_text(encoding="utf-8")))
    defined = {node.name for path in (ROOT / "tests").glob("test_*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert len(cited) > 20 and cited <= defined, sorted(cited - defined)
