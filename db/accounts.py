"""Staff accounts: argon2 password hashes (argon2-cffi), sign-in throttled after repeated
failures, sessions that end after an idle time. Tokens are random; only their SHA-256 is
stored, so a copy of the database holds no usable session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import write_transaction
from db.models import StaffSession, StaffUser
from db.settings import get_settings

_hasher = PasswordHasher()
# Checked against when the name is unknown, so a wrong name and a wrong password take as long.
_DUMMY_HASH = _hasher.hash("not a real password")
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
    with write_transaction(factory) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.name == name))
        if user is None:
            session.add(StaffUser(name=name, password_hash=_hasher.hash(password)))
        else:
            user.password_hash = _hasher.hash(password)
            user.failed_logins = 0
            user.locked_until = None


def list_users(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(StaffUser.name).order_by(StaffUser.name)))


def sign_in(factory: sessionmaker[Session], name: str, password: str) -> Staff:
    """Return a new staff session, or raise SignInError. After max_failed_logins failures in
    a row the account is locked for a time that doubles with each further failure."""
    settings = get_settings()
    refusal: str | None = None
    # The failure count must be committed, so the refusal is raised after the transaction.
    with write_transaction(factory) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.name == name.strip()))
        locked_until = _aware(user.locked_until) if user else None
        if user is None or not user.is_active:
            _verify(_DUMMY_HASH, password)
            refusal = "wrong user name or password"
        elif locked_until and locked_until > _now():
            wait = int((locked_until - _now()).total_seconds()) + 1
            refusal = f"too many failed sign-ins: try again in {wait} seconds"
        elif not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= settings.max_failed_logins:
                extra = user.failed_logins - settings.max_failed_logins
                user.locked_until = _now() + timedelta(seconds=30 * 2 ** min(extra, 10))
            refusal = "wrong user name or password"
        else:
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            token = secrets.token_urlsafe(32)
            session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id))
            staff = Staff(user.name, token)
    if refusal:
        raise SignInError(refusal)
    return staff


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
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    user_name: str | None = None
    with write_transaction(factory) as session:
        row = session.get(StaffSession, _token_hash(staff.token))
        user = session.get(StaffUser, row.user_id) if row else None
        if row is not None and (_aware(row.last_seen) + idle < _now() or user is None or not user.is_active):
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
