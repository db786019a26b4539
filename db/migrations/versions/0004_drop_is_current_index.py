"""drop the index on release.is_current: nearly every row is current, and SQLite's planner
chose it over better plans (docs/BENCHMARKS.md)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 16:06:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("release") as batch_op:
        batch_op.drop_index("ix_release_is_current")


def downgrade() -> None:
    with op.batch_alter_table("release") as batch_op:
        batch_op.create_index("ix_release_is_current", ["is_current"], unique=False)
