"""what a release's late blocks state in a column of its own (release.stated_late_strikes, from
its stored totals), the counted releases that state a total indexed with what they state
(ix_release_stated_totals), and the strike reports' release index covering their strikes: the
audit's totals check reads neither a release row (each holding its text) nor a report row

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("release", sa.Column("stated_late_strikes", sa.Integer(), nullable=False, server_default="0"))
    release = sa.table("release", sa.column("stated_totals", sa.JSON()), sa.column("stated_late_strikes", sa.Integer()))
    late = release.c.stated_totals[("late", "strikes")].as_integer()
    op.execute(release.update().where(late.is_not(None)).values(stated_late_strikes=late))
    op.create_index("ix_release_stated_totals", "release", ["id", "is_current", "stated_strikes", "stated_late_strikes"],
                    sqlite_where=sa.text("stated_strikes IS NOT NULL AND is_current = 1"),
                    postgresql_where=sa.text("stated_strikes IS NOT NULL AND is_current"))
    op.drop_index("ix_strike_report_release", table_name="strike_report")
    op.create_index("ix_strike_report_release", "strike_report", ["release_id", "strikes"])


def downgrade() -> None:
    op.drop_index("ix_strike_report_release", table_name="strike_report")
    op.create_index("ix_strike_report_release", "strike_report", ["release_id"])
    op.drop_index("ix_release_stated_totals", table_name="release")
    with op.batch_alter_table("release") as batch:
        batch.drop_column("stated_late_strikes")
