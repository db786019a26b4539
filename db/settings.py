"""Settings in one place, read from the environment.

DATABASE_URL selects the database (PostgreSQL for a shared deployment, e.g.
postgresql+psycopg://user@host/db); without it the embedded SQLite file data/strikes.db is used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "strikes.db"
STARTER_DATA_PATH = PROJECT_ROOT / "data" / "starter.json.gz"


@dataclass(frozen=True)
class Settings:
    database_url: str
    max_upload_bytes: int
    session_idle_minutes: int
    session_max_hours: int  # a session ends this long after sign-in, however active
    max_failed_logins: int
    starter_data_path: Path | None  # None: start with an empty database


def _normalise_url(url: str) -> str:
    # Plain postgres:// URLs (Heroku style) mean the psycopg 3 driver here.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def get_settings() -> Settings:
    """Return the settings from the environment, with the documented defaults."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    return Settings(
        database_url=_normalise_url(url),
        max_upload_bytes=int(os.environ.get("STRIKES_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        session_idle_minutes=int(os.environ.get("STRIKES_SESSION_IDLE_MINUTES", "30")),
        session_max_hours=int(os.environ.get("STRIKES_SESSION_MAX_HOURS", "12")),
        max_failed_logins=int(os.environ.get("STRIKES_MAX_FAILED_LOGINS", "5")),
        starter_data_path=_starter_path(os.environ.get("STRIKES_STARTER_DATA")),
    )


def _starter_path(value: str | None) -> Path | None:
    if value is None or value == "":
        return STARTER_DATA_PATH
    return None if value.lower() == "none" else Path(value)
