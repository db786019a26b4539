"""at most one counted version per release, kept by the database: two versions of one release
imported at the same moment were both counted on PostgreSQL. Where a database holds such pairs,
the newer version stays counted (summaries rebuilt by db.summaries.ensure_built)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    doubles = connection.execute(sa.text(
        "SELECT release_key, MAX(id) AS keep FROM release WHERE is_current = :yes "
        "GROUP BY release_key HAVING COUNT(*) > 1"), {"yes": True}).all()
    for key, keep in doubles:
        connection.execute(sa.text("UPDATE release SET is_current = :no WHERE release_key = :key AND id <> :keep"),
                           {"no": False, "key": key, "keep": keep})
    op.create_index("uq_release_current_key", "release", ["release_key"], unique=True,
                    sqlite_where=sa.text("is_current = 1"), postgresql_where=sa.text("is_current"))


def downgrade() -> None:
    op.drop_index("uq_release_current_key", table_name="release")
