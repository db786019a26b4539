"""the strike reports counting strikes no line places, found through a partial index
(ix_strike_report_unitemised) instead of by reading every report: the releases Data quality
flags, which the Overview and the Timeline mark on their bars

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 07:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_strike_report_unitemised", "strike_report", ["release_id", "strikes"],
                    sqlite_where=sa.text("itemised = 0"), postgresql_where=sa.text("NOT itemised"))


def downgrade() -> None:
    op.drop_index("ix_strike_report_unitemised", table_name="strike_report")
