"""the releases' list keys indexed with whether the release counts (ix_release_list_key_current,
replacing ix_release_list_key): the audit's repeated-lists check groups the counted releases by
their list from the index alone, where it read every release row (each holding its text), and
an import's look-up of counted lists stops reading rows too

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 20:05:00
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_release_list_key_current", "release", ["list_key", "is_current"])
    op.drop_index("ix_release_list_key", table_name="release")


def downgrade() -> None:
    op.create_index("ix_release_list_key", "release", ["list_key"])
    op.drop_index("ix_release_list_key_current", table_name="release")
