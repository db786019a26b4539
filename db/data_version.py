"""The data's version stamp: changed by every import, undo or reparse, read by every app
process to know when its cached query results are stale."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from db import models


def bump_data_version(session: Session) -> str:
    """Mark the data as changed, so every app process drops its cached query results."""
    version = uuid.uuid4().hex
    row = session.get(models.Meta, "data_version")
    if row is None:
        session.add(models.Meta(key="data_version", value=version))
    else:
        row.value = version
    return version


def current_data_version(session: Session) -> str:
    """The version stamp of the data (changes with every import, undo or reparse)."""
    row = session.get(models.Meta, "data_version")
    return row.value if row else "empty"
