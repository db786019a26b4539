"""The garbage collector: the pause around parsing and storing leaves it as it found it, and
what the app's start-up made is left out of the collection after each page run."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.gc_pause import gc_paused


def test_pause_restores_the_collector_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a broken file")
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_outermost():
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_host_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


_PAGE_IN_A_NEW_PROCESS = """
import gc, json
from streamlit.testing.v1 import AppTest
before = gc.get_freeze_count()
at = AppTest.from_file("app.py", default_timeout=120)
at.switch_page("pages/overview.py")
at.run()
assert not at.exception, [e.stack_trace for e in at.exception]
print(json.dumps({"frozen_before": before, "frozen": gc.get_freeze_count(), "walked": len(gc.get_objects())}))
"""


def test_after_start_up_a_page_run_collects_only_what_came_since(tmp_path):
    """Streamlit collects every generation after each script run: in a new app process, once
    the first page has run, what start-up made (about 200,000 objects: modules, gazetteer,
    engine) is frozen, and a collection walks only what came after (it walked all of them,
    0.2-0.3 s of every page run)."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "STRIKES_STARTER_DATA": "none",
           "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", _PAGE_IN_A_NEW_PROCESS], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["frozen_before"] == 0
    assert counts["walked"] * 10 < counts["frozen"], counts
