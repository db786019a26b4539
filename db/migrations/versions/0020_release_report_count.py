"""how many strike reports each release has (release.report_count, filled here from the
reports), and the counted releases that have one indexed: the whole data's count of releases
reporting strikes reads the index instead of counting distinct releases among every release's
days

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 22:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("release", sa.Column("report_count", sa.Integer(), nullable=False, server_default="0"))
    release = sa.table("release", sa.column("id", sa.Integer()), sa.column("report_count", sa.Integer()))
    report = sa.table("strike_report", sa.column("release_id", sa.Integer()))
    reports = sa.select(sa.func.count()).where(report.c.release_id == release.c.id).scalar_subquery()
    op.execute(release.update().where(sa.exists(sa.select(report.c.release_id).where(report.c.release_id == release.c.id)))
               .values(report_count=reports))
    op.create_index("ix_release_reporting", "release", ["id", "is_current", "report_count"],
                    sqlite_where=sa.text("report_count > 0 AND is_current = 1"),
                    postgresql_where=sa.text("report_count > 0 AND is_current"))


def downgrade() -> None:
    op.drop_index("ix_release_reporting", table_name="release")
    with op.batch_alter_table("release") as batch:
        batch.drop_column("report_count")
