"""the versions of releases not counted, found through a partial index (ix_release_not_counted):
the repeated-lists check (Data quality, the audit) started from every counted release and read
its row, which holds its whole text

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 07:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_release_not_counted", "release", ["release_key", "list_key"],
                    sqlite_where=sa.text("is_current = 0"), postgresql_where=sa.text("NOT is_current"))


def downgrade() -> None:
    op.drop_index("ix_release_not_counted", table_name="release")
