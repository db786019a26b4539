"""spans of days, and what a release reports as one key: a strike report may lie over a span
its release names ("conducted Aug. 21-23") rather than on one day: its last day (NULL for one
day), carried into the summaries with the week and month of that last day, so a chart puts it
in a period only where the period holds the whole span (summaries rebuilt by
db.summaries.ensure_built); a release's list of lines as one key (db.ingest.list_key), by which
a copy under another date is found and counted once (filled for stored releases by `reparse`)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("release") as batch_op:
        batch_op.add_column(sa.Column("list_key", sa.String(length=48), nullable=True))
        batch_op.create_index("ix_release_list_key", ["list_key"])
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.add_column(sa.Column("last_date", sa.Date(), nullable=True))
    with op.batch_alter_table("strike_day") as batch_op:
        batch_op.add_column(sa.Column("last_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_week", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_month", sa.Date(), nullable=True))
    with op.batch_alter_table("release_day") as batch_op:
        batch_op.add_column(sa.Column("last_day", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("release_day") as batch_op:
        batch_op.drop_column("last_day")
    with op.batch_alter_table("strike_day") as batch_op:
        batch_op.drop_column("last_month")
        batch_op.drop_column("last_week")
        batch_op.drop_column("last_day")
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_column("last_date")
    with op.batch_alter_table("release") as batch_op:
        batch_op.drop_index("ix_release_list_key")
        batch_op.drop_column("list_key")
