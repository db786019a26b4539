"""reports on days their release does not name, flagged where they are written
(strike_report.day_off, db.summaries.day_off) with a partial index, so the audit's "days named"
check reads those few rows instead of every report; filled for stored reports by the summaries'
rebuild that follows this migration (db.summaries.SUMMARY_VERSION 6)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.add_column(sa.Column("day_off", sa.Boolean(), nullable=False, server_default=sa.text("false")))
    op.create_index("ix_strike_report_day_off", "strike_report", ["release_id"],
                    sqlite_where=sa.text("day_off = 1"), postgresql_where=sa.text("day_off"))


def downgrade() -> None:
    op.drop_index("ix_strike_report_day_off", table_name="strike_report")
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_column("day_off")
