"""Staff accounts: argon2 password hashes (argon2-cffi), sign-in throttled after repeated
failures, sessions that end after an idle time. Tokens are random; only their SHA-256 is
stored, so a copy of the database holds no usable session."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import write_transaction
from db.models import StaffSession, StaffUser
from db.settings import get_settings

# RFC 9106's second recommendation (64 MiB, 3 passes, 4 lanes): about 0.2 s a hash here
PASSWORD_HASHING = RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(PASSWORD_HASHING)
MIN_PASSWORD_LENGTH = 10


class SignInError(Exception):
    """Sign-in refused; the message is safe to show (it never says which part was wrong)."""


class NotSignedIn(PermissionError):
    """A change to the data was attempted without a valid staff session."""


@dataclass(frozen=True)
class Staff:
    """A verified staff session: what the data-management layer needs to allow a change."""

    user_name: str
    token: str


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes
    return moment


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(factory: sessionmaker[Session], name: str, password: str) -> None:
    """Create a staff account (or reset its password); ValueError if the input is unusable."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ValueError("a user name of 1 to 120 characters is needed")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    new_hash = _hasher.hash(password)  # before the transaction: hashing takes a while
    with write_transaction(factory) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.name == name))
        if user is None:
            session.add(StaffUser(name=name, password_hash=new_hash))
        else:
            user.password_hash = new_hash
            user.failed_logins = 0
            user.locked_until = None
            # a new password ends every session signed in with the old one
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def list_users(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(StaffUser.name).order_by(StaffUser.name)))


# One answer for every refusal, whatever the reason (a wrong name, a wrong password, a locked
# account): it tells an attacker nothing, and each takes one password check's time.
REFUSED = "wrong user name or password, or too many failed sign-ins (then wait a few minutes)"


def sign_in(factory: sessionmaker[Session], name: str, password: str, *, now: datetime | None = None) -> Staff:
    """Return a new staff session, or raise SignInError. The max_failed_logins-th failure in
    a row locks the account for 30 s, and each failure after a lock has passed locks it for
    twice as long as the last; once a lock has passed the right password signs in.

    An attempt is counted before the password is checked, in one atomic UPDATE ... RETURNING
    that matches only an account not locked at this moment, and the attempt that reaches the
    allowance sets the lock in the same transaction: of attempts made at the same moment, only
    those within the allowance are checked at all. Attempts during a lock are refused without
    a check and change nothing, so they cannot push the lock further. The password is checked
    outside any transaction (a hash takes a while: a write lock held meanwhile would make every
    import wait). now is the moment of the attempt (the clock, unless a test gives one)."""
    now = now or _now()
    allowed = get_settings().max_failed_logins
    table = StaffUser.__table__
    with write_transaction(factory) as session:
        attempt = session.execute(
            table.update()
            .where(table.c.name == name.strip(), table.c.is_active.is_(True),
                   or_(table.c.locked_until.is_(None), table.c.locked_until <= now))
            .values(failed_logins=table.c.failed_logins + 1)
            .returning(table.c.id, table.c.name, table.c.failed_logins, table.c.password_hash)
        ).one_or_none()
        if attempt is not None and attempt.failed_logins >= allowed:
            session.execute(table.update().where(table.c.id == attempt.id)
                            .values(locked_until=now + lock_time(attempt.failed_logins, allowed)))
    if attempt is None:  # an unknown name, or a locked account
        _verify(_dummy_hash(_hasher), password)  # the same time as a real check
        raise SignInError(REFUSED)
    if not _verify(attempt.password_hash, password):
        raise SignInError(REFUSED)
    token = secrets.token_urlsafe(32)
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(attempt.password_hash) else None
    with write_transaction(factory) as session:
        user = session.get(StaffUser, attempt.id)
        user.failed_logins = 0
        user.locked_until = None
        if rehashed:
            user.password_hash = rehashed
        session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id))
    return Staff(attempt.name, token)


def lock_time(failures: int, allowed: int) -> timedelta:
    """How long the failures-th failure in a row locks an account: 30 s at the allowance,
    doubling with each further one (up to about 8 hours)."""
    return timedelta(seconds=30 * 2 ** min(failures - allowed, 10))


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked against when the name is unknown, so a wrong name and a wrong password take as
    long; made on the first such sign-in, not at import (every command would pay for it)."""
    return hasher.hash("not a real password")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def require_staff(factory: sessionmaker[Session], staff: Staff | None) -> str:
    """Return the user name of a live staff session and refresh its idle clock; raise
    NotSignedIn for no session, an unknown or expired one, or a disabled account."""
    if staff is None or not isinstance(staff, Staff) or not staff.token:
        raise NotSignedIn("sign in as staff to change data")
    settings = get_settings()
    idle = timedelta(minutes=settings.session_idle_minutes)
    lifetime = timedelta(hours=settings.session_max_hours)
    user_name: str | None = None
    with write_transaction(factory) as session:
        row = session.get(StaffSession, _token_hash(staff.token))
        user = session.get(StaffUser, row.user_id) if row else None
        if row is not None and (_aware(row.last_seen) + idle < _now() or _aware(row.created_at) + lifetime < _now()
                                or user is None or not user.is_active):
            session.delete(row)  # expired: removed for good, then refused below
        elif row is not None:
            row.last_seen = _now()
            user_name = user.name
    if user_name is None:
        raise NotSignedIn("the session has ended: sign in again")
    return user_name


def sign_out(factory: sessionmaker[Session], staff: Staff | None) -> None:
    if staff is None:
        return
    with write_transaction(factory) as session:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(staff.token)))


def users_from_secrets(factory: sessionmaker[Session], accounts: dict[str, str]) -> int:
    """Create the accounts given as {name: password} (e.g. from Streamlit secrets) that do
    not exist yet; returns how many were created."""
    existing = set(list_users(factory))
    created = 0
    for name, password in accounts.items():
        if name not in existing:
            add_user(factory, name, password)
            created += 1
    return created
