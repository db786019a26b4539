"""release texts compressed with LZ4 on PostgreSQL: a release's text (2.4 KB on average) is
compressed as its row is stored, and PostgreSQL's own method (pglz) made the server's share of
an import a tenth slower (at 100x, 940-946 against 1,037-1,051 releases/s). Texts stored before
keep their compression (both are read alike); a server built without LZ4 and SQLite are left as
they were.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 03:10:00
"""

from alembic import op
from sqlalchemy import text

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_HAS_LZ4 = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")


def _set_compression(method: str) -> None:  # lz4, or default: the server's default_toast_compression
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.execute(_HAS_LZ4).scalar():
        return
    op.execute(f"ALTER TABLE release ALTER COLUMN raw_text SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
