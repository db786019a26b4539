"""what every page's coverage reads of the releases, from indexes instead of from the rows,
which hold each release's whole text: the releases that keep their text (a partial index,
ix_release_with_text) and the periods releases cover (ix_release_periods)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_release_with_text", "release", ["published", "is_current"],
                    sqlite_where=sa.text("raw_text IS NOT NULL"), postgresql_where=sa.text("raw_text IS NOT NULL"))
    op.create_index("ix_release_periods", "release", ["period_start", "period_end", "states_counts", "is_current"])


def downgrade() -> None:
    op.drop_index("ix_release_periods", table_name="release")
    op.drop_index("ix_release_with_text", table_name="release")
