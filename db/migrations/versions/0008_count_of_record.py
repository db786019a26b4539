"""the count of record and the published totals: strike reports that are not itemised (the part
of a stated total no line of its release accounts for), releases that state no counts, the
strike_day measures that tell itemised strikes from the rest, and the totals the coalition
itself published, as reference (summaries rebuilt by db.summaries.ensure_built)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.add_column(sa.Column("itemised", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("release") as batch_op:
        batch_op.add_column(sa.Column("states_counts", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("strike_day") as batch_op:
        batch_op.add_column(sa.Column("unitemised", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("unitemised_engagements", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("lines", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "published_total",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("as_of_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.Column("engagements", sa.Integer(), nullable=True),
        sa.Column("who_stated", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("release.id", ondelete="CASCADE"), nullable=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("import_batch.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_published_total_as_of", "published_total", ["as_of_date", "scope"])
    op.create_index("ix_published_total_release_id", "published_total", ["release_id"])
    op.create_index("ix_published_total_import_id", "published_total", ["import_id"])


def downgrade() -> None:
    op.drop_table("published_total")
    with op.batch_alter_table("strike_day") as batch_op:
        batch_op.drop_column("lines")
        batch_op.drop_column("unitemised_engagements")
        batch_op.drop_column("unitemised")
    with op.batch_alter_table("release") as batch_op:
        batch_op.drop_column("states_counts")
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_column("itemised")
