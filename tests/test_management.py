"""Data management for staff on SQLite and PostgreSQL: accounts, sign-in throttling, idle
sessions, and the permission check inside the data layer (not only in the page)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sample_releases import DAY_ONE, DAY_TWO, DAY_TWO_CORRECTED
from sqlalchemy import func, select, update

from db import accounts, management, models
from db.accounts import NotSignedIn, SignInError, Staff
from db.ingest import ingest_files
from db.maintenance import undo_import

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(factory) -> Staff:
    accounts.add_user(factory, "alice", PASSWORD)
    return accounts.sign_in(factory, "alice", PASSWORD)


def _releases(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(models.Release))


def test_passwords_are_stored_as_argon2_hashes(factory):
    accounts.add_user(factory, "alice", PASSWORD)
    with factory() as session:
        stored = session.scalar(select(models.StaffUser.password_hash))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_short_passwords_are_refused(factory):
    with pytest.raises(ValueError, match="at least"):
        accounts.add_user(factory, "bob", "short")


def test_wrong_password_and_unknown_user_look_the_same(factory):
    accounts.add_user(factory, "alice", PASSWORD)
    with pytest.raises(SignInError, match="wrong user name or password"):
        accounts.sign_in(factory, "alice", "not the password")
    with pytest.raises(SignInError, match="wrong user name or password"):
        accounts.sign_in(factory, "mallory", "anything at all")


def test_sign_in_is_throttled_after_repeated_failures(factory, monkeypatch):
    monkeypatch.setenv("STRIKES_MAX_FAILED_LOGINS", "3")
    accounts.add_user(factory, "alice", PASSWORD)
    for _ in range(3):
        with pytest.raises(SignInError, match="wrong"):
            accounts.sign_in(factory, "alice", "guess")
    with pytest.raises(SignInError, match="too many failed sign-ins"):
        accounts.sign_in(factory, "alice", PASSWORD)  # even the right password waits


def test_a_lock_passes_and_the_right_password_signs_in_again(factory, monkeypatch):
    """Six wrong passwords locked an account for good: failures above the allowance were
    reset only by a successful sign-in, so the right password was refused after the lock had
    passed, and each try pushed the lock further. A lock lasts 30 s, then twice as long after
    each further failure, and tries during a lock change nothing."""
    from datetime import UTC, datetime

    monkeypatch.setenv("STRIKES_MAX_FAILED_LOGINS", "5")
    accounts.add_user(factory, "alice", PASSWORD)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def refused(seconds: float, password: str = "a wrong guess") -> bool:
        try:
            accounts.sign_in(factory, "alice", password, now=start + timedelta(seconds=seconds))
        except SignInError:
            return True
        return False

    assert all(refused(second) for second in range(6))  # the fifth locks until 34 s
    assert refused(20, PASSWORD) and refused(33.9, PASSWORD)  # during the lock, even the right one
    assert refused(35)  # the lock has passed: checked, wrong, locked for 60 s (until 95 s)
    assert refused(94, PASSWORD)
    assert not refused(95, PASSWORD)
    with factory() as session:
        user = session.scalar(select(models.StaffUser).where(models.StaffUser.name == "alice"))
        assert user.failed_logins == 0 and user.locked_until is None


def test_anonymous_cannot_import_or_undo(factory, staff):
    with pytest.raises(NotSignedIn):
        management.import_files(factory, None, [("day1.txt", DAY_ONE.encode())])
    with pytest.raises(NotSignedIn):
        management.import_files(factory, Staff("alice", "forged-token"), [("day1.txt", DAY_ONE.encode())])
    assert _releases(factory) == 0
    result = management.import_files(factory, staff, [("day1.txt", DAY_ONE.encode())])
    with pytest.raises(NotSignedIn):
        management.undo(factory, None, result.import_id)
    assert _releases(factory) == 1


def test_signed_out_and_idle_sessions_end(factory, staff, monkeypatch):
    accounts.sign_out(factory, staff)
    with pytest.raises(NotSignedIn, match="ended"):
        management.import_files(factory, staff, [("day1.txt", DAY_ONE.encode())])
    fresh = accounts.sign_in(factory, "alice", PASSWORD)
    monkeypatch.setenv("STRIKES_SESSION_IDLE_MINUTES", "15")
    with factory() as session, session.begin():
        session.execute(update(models.StaffSession).values(last_seen=models.utcnow() - timedelta(minutes=16)))
    with pytest.raises(NotSignedIn, match="ended"):
        management.import_files(factory, fresh, [("day1.txt", DAY_ONE.encode())])
    assert _releases(factory) == 0


def test_preview_says_what_an_import_would_do_and_writes_nothing(factory, staff):
    management.import_files(factory, staff, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    previews = management.preview(
        factory,
        [
            ("day1.txt", DAY_ONE.encode()),
            ("day2-corrected.txt", DAY_TWO_CORRECTED.encode()),
            ("new.txt", DAY_ONE.replace("July 21", "July 25").encode()),
            ("empty.txt", b""),
            ("notes.txt", b"Minutes of the planning meeting. Nothing about operations."),
            (management.PASTE_NAME, DAY_TWO.replace("July 22", "July 23").encode()),
        ],
    )
    assert [p.outcome for p in previews] == ["duplicate", "revision", "new", "failed", "failed", "new"]
    assert "empty file" in previews[3].reason
    assert "format the parser does not know" in previews[4].reason
    assert previews[5].releases[0].format == "paste"
    assert _releases(factory) == 2


def test_uploaded_text_is_kept_as_text(factory, staff):
    hostile = DAY_ONE.replace("Strikes continue against ISIS", "<script>alert('x')</script> Strikes continue")
    result = management.import_files(factory, staff, [("hostile.txt", hostile.encode())])
    assert result.files[0].outcome == "new"
    with factory() as session:
        release = session.scalars(select(models.Release)).one()
    assert "<script>alert('x')</script>" in release.raw_text  # stored verbatim, escaped when shown


def test_unknown_format_is_refused_with_reason(factory, staff):
    result = management.import_files(factory, staff, [("odd.txt", b"Operations summary: 4 sorties, 7 targets neutralised.")])
    assert result.files[0].outcome == "failed"
    assert "format the parser does not know" in result.files[0].reason
    assert _releases(factory) == 0


def test_large_archive_imports(factory, staff):
    """A 10,000-line archive: every row parsed, one transaction. Each day lists other places (a
    day whose list repeats another day's is one report of strikes, counted once)."""
    lines = ["date,country,location,number,line"]
    for day in range(1, 29):
        for row in range(358):  # 28 x 358 = 10,024 rows, cut to 10,000
            place = "Ramadi" if row < day else "Mosul"
            lines.append(f"02/{day:02d}/2015,Iraq,{place},2,\"- Near {place}, two airstrikes struck an ISIL tactical unit.\"")
    data = ("\n".join(lines[:10_001]) + "\n").encode()
    result = management.import_files(factory, staff, [("archive.csv", data)])
    assert result.files[0].outcome == "new"
    assert result.files[0].strikes == 10_000


def test_starter_data_of_an_older_version_are_replaced_only_where_nothing_else_is(factory, tmp_path):
    """A database holding nothing but starter data gets the bundled ones when they change; one
    that has had any other import, or whose starter import was undone, keeps what it has."""
    import gzip
    import json

    from db.settings import STARTER_DATA_PATH
    from db.starter import load_starter_data, starter_refresh_due

    facts = json.loads(gzip.decompress(STARTER_DATA_PATH.read_bytes()))
    older = tmp_path / "older.json.gz"
    older.write_bytes(gzip.compress(json.dumps({**facts, "releases": facts["releases"][:20]}).encode()))
    assert load_starter_data(factory, older) == 20
    assert not starter_refresh_due(factory, older)
    assert starter_refresh_due(factory, STARTER_DATA_PATH)
    assert load_starter_data(factory, STARTER_DATA_PATH) == len(facts["releases"])
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.Release)) == len(facts["releases"])
        strikes = session.scalar(select(func.sum(models.StrikeDay.strikes)))
    assert strikes == sum(r["strikes"] or 0 for item in facts["releases"] for r in item["reports"])
    assert not starter_refresh_due(factory, STARTER_DATA_PATH)
    # staff data of their own: no refresh, ever
    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    assert not starter_refresh_due(factory, older)
    assert load_starter_data(factory, older) == 0


def test_parallel_wrong_passwords_are_counted_and_lock_the_account(factory, monkeypatch):
    """24 wrong passwords at once (the counter ended at 2 on PostgreSQL, the account never
    locked): each attempt is counted, only the allowed five are checked, then it is locked."""
    import threading

    accounts.add_user(factory, "alice", PASSWORD)
    checked, real = [], accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda stored, given: checked.append(stored != accounts._dummy_hash(accounts._hasher))
                        or real(stored, given))
    refusals, barrier = [], threading.Barrier(24)

    def attempt() -> None:
        barrier.wait()
        try:
            accounts.sign_in(factory, "alice", "a wrong password")
        except SignInError as error:
            refusals.append(str(error))

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refusals) == 24
    assert sum(checked) <= 5  # the account's own hash, checked within the allowance only
    with factory() as session:
        user = session.scalar(select(models.StaffUser).where(models.StaffUser.name == "alice"))
        assert user.failed_logins == 5 and user.locked_until is not None  # the rest refused unchecked
    with pytest.raises(SignInError):
        accounts.sign_in(factory, "alice", PASSWORD)  # locked: even the right password waits


def test_a_locked_account_answers_as_an_unknown_name(factory, monkeypatch):
    monkeypatch.setenv("STRIKES_MAX_FAILED_LOGINS", "2")
    accounts.add_user(factory, "alice", PASSWORD)
    for _ in range(3):
        with pytest.raises(SignInError):
            accounts.sign_in(factory, "alice", "guess")
    answers = {}
    for name in ("alice", "nobody"):
        with pytest.raises(SignInError) as refusal:
            accounts.sign_in(factory, name, PASSWORD)
        answers[name] = str(refusal.value)
    assert answers["alice"] == answers["nobody"] == accounts.REFUSED


def test_a_new_password_ends_the_other_sessions_and_sessions_end_in_time(factory, staff, monkeypatch):
    accounts.add_user(factory, "alice", "a brand new password")
    with pytest.raises(NotSignedIn):
        accounts.require_staff(factory, staff)
    fresh = accounts.sign_in(factory, "alice", "a brand new password")
    assert accounts.require_staff(factory, fresh) == "alice"
    with factory() as session, session.begin():
        session.execute(update(models.StaffSession).values(created_at=models.utcnow() - timedelta(hours=13)))
    with pytest.raises(NotSignedIn):  # active a minute ago, but signed in 13 hours ago
        accounts.require_staff(factory, fresh)


def test_an_anonymous_visit_after_staff_undid_every_import_loads_nothing(factory):
    """After staff undo every import, the next visit loaded the starter data again as a new
    import: starter data go only into a database that has never had an import."""
    from db.settings import STARTER_DATA_PATH
    from db.starter import load_starter_data, never_imported

    assert never_imported(factory)
    assert load_starter_data(factory, STARTER_DATA_PATH) > 0
    staff = ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    with factory() as session:
        starter = session.scalars(select(models.ImportBatch.id).where(models.ImportBatch.origin == "starter")).one()
    undo_import(factory, staff.import_id, user_name="alice")
    undo_import(factory, starter, user_name="alice")
    assert not never_imported(factory)
    assert load_starter_data(factory, STARTER_DATA_PATH) == 0
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.Release)) == 0


def test_a_password_check_holds_no_write_lock(database_url, factory, staff, monkeypatch):
    """On SQLite the sign-in held the write lock during the password hash: 80 parallel anonymous
    sign-ins delayed a staff import by 10 s. An import goes on while a password is checked: it
    is run with no wait for a lock at all, so a held lock fails it at once (no clock decides)."""
    import threading

    from sqlalchemy import event

    from db.engine import make_engine, session_factory

    checking, done = threading.Event(), threading.Event()
    real_verify = accounts._verify

    def slow_verify(password_hash: str, password: str) -> bool:
        checking.set()
        done.wait()  # the check lasts until the import below has run
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", slow_verify)
    signing_in = threading.Thread(target=lambda: _try_sign_in(factory, "alice", "wrong password!!"), daemon=True)
    signing_in.start()
    checking.wait()
    impatient = make_engine(database_url)

    @event.listens_for(impatient, "connect")
    def no_lock_wait(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0" if impatient.dialect.name == "sqlite" else "SET lock_timeout = 1")
        cursor.close()

    try:
        [outcome] = ingest_files(session_factory(impatient), [("day1.txt", DAY_ONE.encode())]).files
    finally:
        done.set()
        signing_in.join()
        impatient.dispose()
    assert outcome.outcome == "new", outcome.reason


def _try_sign_in(factory, name: str, password: str) -> None:
    with contextlib.suppress(SignInError):
        accounts.sign_in(factory, name, password)
