"""partial index of the strike reports whose release states no day: the data-quality list and
the timeline's check of a towering bar read every report for the few without one
(docs/BENCHMARKS.md)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_strike_report_undated", "strike_report", ["strike_date", "release_id"],
                    sqlite_where=sa.text("date_stated = 0"), postgresql_where=sa.text("NOT date_stated"))


def downgrade() -> None:
    op.drop_index("ix_strike_report_undated", table_name="strike_report")
