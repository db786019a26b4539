"""summaries of the current releases for the charts (strike_day, release_day, target_month,
target_place_month) and each release's stated and parsed overall strikes, filled by
db.summaries.ensure_built from the detail rows after the upgrade; covering indexes on release

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("release") as batch_op:
        batch_op.add_column(sa.Column("stated_strikes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parsed_strikes", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "strike_day",
        sa.Column("key", sa.String(length=80), primary_key=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("week", sa.Date(), nullable=True),
        sa.Column("month", sa.Date(), nullable=True),
        sa.Column("country", sa.String(length=40), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.Column("engagements", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_strike_day_day", "strike_day", ["day", "country"])
    op.create_table(
        "release_day",
        sa.Column("key", sa.String(length=80), primary_key=True),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("country", sa.String(length=40), nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_release_day_day", "release_day", ["day", "country", "release_id"])
    op.create_index("ix_release_day_release_id", "release_day", ["release_id"])
    for name, with_place in (("target_month", False), ("target_place_month", True)):
        op.create_table(
            name,
            sa.Column("key", sa.String(length=400), primary_key=True),
            sa.Column("month", sa.Date(), nullable=True),
            sa.Column("country", sa.String(length=40), nullable=True),
            *([sa.Column("place_id", sa.Integer(), nullable=True)] if with_place else []),
            sa.Column("category", sa.String(length=80), nullable=True),
            sa.Column("type", sa.String(length=200), nullable=True),
            sa.Column("action", sa.String(length=30), nullable=False),
            sa.Column("targets", sa.Integer(), nullable=False),
            sa.Column("mentions", sa.Integer(), nullable=False),
            sa.Column("numbered", sa.Integer(), nullable=False),
            sqlite_with_rowid=False,
        )
    op.create_index("ix_target_month_month", "target_month", ["month"])
    op.create_index("ix_target_place_month_place", "target_place_month", ["place_id", "month"])
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_index("ix_strike_report_place")
        batch_op.create_index("ix_strike_report_place", ["place_id", "strike_date", "release_id"])
    with op.batch_alter_table("release") as batch_op:
        batch_op.drop_index("ix_release_published")
        batch_op.create_index("ix_release_published_current", ["published", "is_current"])
        batch_op.create_index("ix_release_id_current", ["id", "is_current"])
    op.execute("DELETE FROM meta WHERE key = 'summary_version'")


def downgrade() -> None:
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_index("ix_strike_report_place")
        batch_op.create_index("ix_strike_report_place", ["place_id"])
    with op.batch_alter_table("release") as batch_op:
        batch_op.drop_index("ix_release_id_current")
        batch_op.drop_index("ix_release_published_current")
        batch_op.create_index("ix_release_published", ["published"])
    op.drop_table("target_place_month")
    op.drop_table("target_month")
    op.drop_table("release_day")
    op.drop_table("strike_day")
    with op.batch_alter_table("release") as batch_op:
        batch_op.drop_column("parsed_strikes")
        batch_op.drop_column("stated_strikes")
