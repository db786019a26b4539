"""partial index of the releases whose stated total differs from the parsed one: the
data-quality check read every release for the few that differ (docs/BENCHMARKS.md)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TOTALS_DIFFER = "stated_strikes IS NOT NULL AND stated_strikes != parsed_strikes"


def upgrade() -> None:
    op.create_index("ix_release_totals_differ", "release", ["published", "id"],
                    sqlite_where=sa.text(_TOTALS_DIFFER), postgresql_where=sa.text(_TOTALS_DIFFER))


def downgrade() -> None:
    op.drop_index("ix_release_totals_differ", table_name="release")
