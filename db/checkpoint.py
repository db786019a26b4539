"""SQLite's write-ahead log written back to the database file on a thread of its own.

A checkpoint copies the log's pages into the database file and waits for the disk twice (the
log, then the file): at 100x, 100-170 ms every few imports, which the importing writer waited
for when it ran the checkpoint at its own commit. A writer whose commit leaves the log longer
than `BACKGROUND_CHECKPOINT_BYTES` wakes a thread that runs a PASSIVE checkpoint (it never
blocks readers or writers) while the writer goes on. The writer's own automatic checkpoint stays
as the bound (engine.py): it only copies what the thread has not yet, and resets the log.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

_LOG = logging.getLogger("strikes.db")

# SQLite's own default for a checkpoint (1,000 pages of 4 KB): an app's small writes stay under
# it and wake nothing; the log is cut back to it once reset (journal_size_limit), so its size
# tells how much was written since.
BACKGROUND_CHECKPOINT_BYTES = 4 * 1024 * 1024
# A thread with nothing to do for this long ends; the next large commit starts another.
_IDLE_SECONDS = 30.0
# The longest an engine's disposal waits for a checkpoint under way (one takes well under 1 s).
_FINISH_SECONDS = 60.0

_lock = threading.Lock()
_checkpointers: dict[str, BackgroundCheckpointer] = {}


class BackgroundCheckpointer(threading.Thread):
    """Runs PASSIVE checkpoints of one database file, one after another, whenever woken."""

    def __init__(self, path: str):
        super().__init__(name=f"checkpoint {Path(path).name}", daemon=True)
        self.path = path
        self.wake = threading.Event()
        self.idle = threading.Event()  # set while no checkpoint is asked for or running
        self.idle.set()
        self.last: tuple[int, int, int] | None = None  # (busy, log frames, frames written back)
        # a request and the thread's "nothing left" are each one step: a request made as the
        # thread finishes never leaves idle set with a checkpoint still to run
        self._requests = threading.Lock()

    def request(self) -> None:
        with self._requests:
            self.idle.clear()
            self.wake.set()

    def run(self) -> None:
        while True:
            if not self.wake.wait(_IDLE_SECONDS):
                with _lock:
                    if not self.wake.is_set():
                        del _checkpointers[self.path]
                        return
            self.wake.clear()
            try:
                # mode=rw: a database removed meanwhile is not created again, empty
                with closing(sqlite3.connect(f"file:{self.path}?mode=rw", uri=True)) as connection:
                    self.last = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as error:
                # the writer's own checkpoint still bounds the log: nothing is lost by skipping
                _LOG.warning("background checkpoint of %s skipped: %s", self.path, error)
            with self._requests:
                if not self.wake.is_set():
                    self.idle.set()


def checkpoint_soon(path: str) -> BackgroundCheckpointer | None:
    """After a commit to the SQLite file at path: have its log written back on the checkpoint
    thread if it has grown past the threshold (the thread that does it, or None)."""
    try:
        if os.path.getsize(f"{path}-wal") < BACKGROUND_CHECKPOINT_BYTES:
            return None
    except OSError:  # no log: not in WAL mode, or removed
        return None
    path = os.path.abspath(path)
    with _lock:
        checkpointer = _checkpointers.get(path)
        if checkpointer is None:
            checkpointer = _checkpointers[path] = BackgroundCheckpointer(path)
            checkpointer.start()
        checkpointer.request()
    return checkpointer


def finish_checkpoints(path: str) -> None:
    """Wait until no checkpoint of the file at path is asked for or running: once its engine is
    disposed, the file may be copied whole (the thread's connection is closed between runs)."""
    with _lock:
        checkpointer = _checkpointers.get(os.path.abspath(path))
    if checkpointer is not None and not checkpointer.idle.wait(_FINISH_SECONDS):
        _LOG.warning("a background checkpoint of %s still runs after %.0f s", path, _FINISH_SECONDS)
