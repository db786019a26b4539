"""SQLite's write-ahead log written back on the checkpoint thread, not by the writer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db import checkpoint
from db.engine import make_engine, session_factory, write_transaction

_WAIT_SECONDS = 60  # how long a test waits for the thread before it fails (never its verdict)


def _database(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    factory = session_factory(engine)
    with write_transaction(factory) as session:
        session.execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)"))
    return engine, factory


def _write(factory, megabytes: int) -> None:
    with write_transaction(factory) as session:
        session.execute(text("INSERT INTO filler (data) VALUES (:data)"),
                        [{"data": bytes(1024)} for _ in range(megabytes * 1024)])


def test_a_large_write_is_written_back_by_the_checkpoint_thread_and_the_log_reset(tmp_path):
    path = tmp_path / "strikes.db"
    engine, factory = _database(path)
    _write(factory, 6)
    assert Path(f"{path}-wal").stat().st_size > checkpoint.BACKGROUND_CHECKPOINT_BYTES
    thread = checkpoint._checkpointers[str(path)]
    assert thread.idle.wait(_WAIT_SECONDS)
    busy, frames, written_back = thread.last
    # every frame of the log is in the database file: the writer (bound at 40,000 pages) did none
    assert busy == 0 and frames > 1000 and written_back == frames
    _write(factory, 1)  # the next writer starts the log again and cuts it back to the limit
    assert Path(f"{path}-wal").stat().st_size <= checkpoint.BACKGROUND_CHECKPOINT_BYTES
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM filler")).scalar_one() == 7 * 1024
    engine.dispose()


def test_small_writes_wake_no_thread(tmp_path):
    path = tmp_path / "strikes.db"
    engine, factory = _database(path)
    for _ in range(3):
        with write_transaction(factory) as session:
            session.execute(text("INSERT INTO filler (data) VALUES (x'00')"))
    assert str(path) not in checkpoint._checkpointers
    assert checkpoint.checkpoint_soon(str(path)) is None
    engine.dispose()


def test_a_database_removed_meanwhile_is_not_created_again(tmp_path):
    path = tmp_path / "strikes.db"
    engine, factory = _database(path)
    _write(factory, 6)
    thread = checkpoint._checkpointers[str(path)]
    engine.dispose()  # waits for the checkpoint asked for
    assert thread.idle.is_set() and thread.last is not None
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    thread.request()
    assert thread.idle.wait(_WAIT_SECONDS)
    assert not path.exists()


def test_disposing_of_the_engine_waits_for_a_checkpoint_under_way(tmp_path, monkeypatch):
    """So a file copied after its engine is disposed is whole: no checkpoint writes it meanwhile."""
    import threading

    entered, release, waiting = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []
    connect = checkpoint.sqlite3.connect

    def held_connect(*args, **kwargs):  # the thread's checkpoint, held until released
        entered.set()
        release.wait(_WAIT_SECONDS)
        return connect(*args, **kwargs)

    class SeenWaiting(threading.Event):
        def wait(self, timeout=None):
            waiting.set()
            return super().wait(timeout)

    path = tmp_path / "strikes.db"
    engine, factory = _database(path)
    monkeypatch.setattr(checkpoint.sqlite3, "connect", held_connect)
    _write(factory, 6)
    thread = checkpoint._checkpointers[str(path)]
    assert entered.wait(_WAIT_SECONDS)
    thread.idle = SeenWaiting()  # the checkpoint is under way: its idle event is not set
    thread.request()

    def dispose():
        engine.dispose()
        order.append("disposed")

    disposer = threading.Thread(target=dispose)
    disposer.start()
    assert waiting.wait(_WAIT_SECONDS)  # the disposal waits on the thread
    order.append("released")
    release.set()
    disposer.join(_WAIT_SECONDS)
    assert order == ["released", "disposed"] and thread.last is not None
