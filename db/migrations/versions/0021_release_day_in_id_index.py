"""the publication day carried in the index of release ids on PostgreSQL (INCLUDE): Data
quality's diagnostics by month join each diagnostic to its release's day, and PostgreSQL read
the whole release table for the day (62 ms at 100x; 15-26 ms from the index). SQLite reads
its rows by id and is left as it was.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 01:40:00
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_index("ix_release_id_current", table_name="release")
    op.create_index("ix_release_id_current", "release", ["id", "is_current"], postgresql_include=["published"])


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_index("ix_release_id_current", table_name="release")
    op.create_index("ix_release_id_current", "release", ["id", "is_current"])
