#!/usr/bin/env python3
"""The project's one command line, with nothing but Python 3.11 on the machine.

    python3 manage.py serve              start the dashboard (SQLite by default, starter data on first start)
    python3 manage.py test [PYTEST ...]  run the whole test suite (pytest options pass through)
    python3 manage.py lint               check the code (ruff)

  Read (a database that never had an import gets the starter data first, as serve does):
    python3 manage.py parse PATH... [--json]     parse release files, touch no database
    python3 manage.py measure [CORPUS]           measure the parser on the corpus (Markdown)
    python3 manage.py imports                    the import log
    python3 manage.py audit [--all]              check every strike is counted once (exit 1 on a violation)
    python3 manage.py export --format F OUT      the data as open-data files (docs/DATA.md; --help for filters)

  Change the database:
    python3 manage.py ingest PATH...             store release files and folders in the database
    python3 manage.py undo IMPORT_ID             undo one import
    python3 manage.py reparse                    rebuild derived rows from the stored texts
    python3 manage.py users add NAME | list      staff accounts
    python3 manage.py migrate                    bring the database up to date

  Change files of the project:
    python3 manage.py starter                    rebuild the tracked data/starter.json.gz from ../shared/corpus
    python3 manage.py bench [OPTIONS]            benchmarks: rewrites docs/BENCHMARKS.md (bench/README.md)

Each creates .venv beside this file and installs the pinned requirements into it when they
change; then it runs inside it. The database is DATABASE_URL, else data/strikes.db.

A relative path means what it means to any command: a file in the folder you run manage.py from
(serve, test and lint work in the project folder). A verb that writes a file (export, starter
--output) replaces an existing one only with --force.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# through the link, where .venv is one (CI keeps the environment elsewhere, .ci/run): every
# process then imports the packages from one path, and their bytecode is written once
PYTHON = VENV.resolve() / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
REQUIREMENTS = (ROOT / "requirements.txt", ROOT / "requirements-dev.txt")
STAMP = VENV / ".requirements.sha256"
BYTECODE = VENV / "pycache"


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for path in REQUIREMENTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create the virtual environment and install the requirements if they changed."""
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("installing requirements ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    # --no-compile: Python compiles a module when it is first imported; compiling every file of
    # every package up front took 10 of the install's 22 s, for the few the project imports
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--no-compile", "-r",
                    str(ROOT / "requirements-dev.txt")], check=True)
    STAMP.write_text(wanted)


# verb -> the command it runs inside .venv, in the project folder: the tools that work on the
# project itself (streamlit runs app.py; pytest and ruff read their settings there)
TOOLS = {
    "serve": ["-m", "streamlit", "run", "app.py"],
    "test": ["-m", "pytest"],
    "lint": ["-m", "ruff", "check", "."],
}
# verb -> the project's own command line it runs inside .venv (the verb and what follows are
# passed on), in the caller's folder, so that every relative path argument names the caller's file
COMMANDS = {
    "bench": ["-m", "bench.run"],
    **{verb: ["-m", "loaders", verb] for verb in ("parse", "measure")},
    **{verb: ["-m", "db", verb] for verb in ("ingest", "imports", "undo", "reparse", "starter", "users", "migrate", "export", "audit")},
}
VERBS = {**TOOLS, **COMMANDS}


def environment() -> dict[str, str]:
    """The environment of the commands run in .venv. The packages are installed without their
    bytecode (compiling all of them took 10 of the install's 22 s) and Python writes it as each
    module is first imported. Where the caller's environment forbids writing bytecode
    (PYTHONDONTWRITEBYTECODE), every process would compile every module it imports again: 8 of
    the 11 s a test worker takes to start, and as much in each app server the tests start. The
    bytecode then goes to .venv/pycache, which keeps the promise behind that setting (nothing
    written beside the sources) and still compiles each module once."""
    env = dict(os.environ)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        env.setdefault("PYTHONPYCACHEPREFIX", str(BYTECODE))
    return env


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in VERBS:
        print(__doc__)
        return 0 if argv[:1] in (["--help"], ["-h"]) else 2
    ensure_environment()
    verb, rest = argv[0], argv[1:]
    if verb in TOOLS:
        return subprocess.call([str(PYTHON), *TOOLS[verb], *rest], cwd=ROOT, env=environment())
    # The project's packages come from PYTHONPATH; -P keeps the caller's folder off sys.path, so
    # a db/ or loaders/ folder there is never imported in their place.
    path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return subprocess.call([str(PYTHON), "-P", *COMMANDS[verb], *rest], env={**environment(), "PYTHONPATH": path})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
