"""The project's command lines (db/__main__.py, loaders/__main__.py) run inside the test process, as `python3 manage.py
VERB ...` runs it in a process of its own: in the caller's folder, on DATABASE_URL, with its exit
status and what it printed. A process of its own costs about a second of start-up (imports,
the interpreter); this costs none, so the tests of what a verb does run here, and the tests of
manage.py itself (its folder rules, its dispatch, the app's password cost) start it for real."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import NamedTuple

import pytest


class Ran(NamedTuple):
    """What subprocess.run would have answered for the same command."""

    returncode: int
    stdout: str
    stderr: str


def run_verb(*argv: str, cwd: Path, database: str, stdin: str = "", program: str = "db") -> Ran:
    """Run one verb of program (the package whose __main__ manage.py starts for it) with its
    arguments; an exception a process would have printed as a traceback is raised here (no test
    of the command line expects one)."""
    from importlib import import_module

    from db.engine import default_engine

    main = import_module(f"{program}.__main__").main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.setenv("DATABASE_URL", database)
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        default_engine.cache_clear()  # the command's engine is the one DATABASE_URL names
        try:
            with redirect_stdout(out), redirect_stderr(err):
                try:
                    status = main(list(argv))
                except SystemExit as exit:  # argparse's refusals and --help
                    status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        finally:
            if default_engine.cache_info().currsize:
                default_engine().dispose()  # a process's exit would close its connections
            default_engine.cache_clear()
    return Ran(status, out.getvalue(), err.getvalue())
