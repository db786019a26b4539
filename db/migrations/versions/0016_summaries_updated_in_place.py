"""the upserted summaries (strike_day, target_month, target_place_month) leave a third of each
PostgreSQL page free, so that an import's upsert updates a row in place (HOT) instead of
writing it anew with an entry in each index; SQLite has no such setting

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:30:00
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("strike_day", "target_month", "target_place_month")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")
        # rewritten now, so the pages already full get their room too (CLUSTER names one table,
        # so it runs inside the migration's transaction, where VACUUM FULL cannot)
        op.execute(f"CLUSTER {table} USING {table}_pkey")
        op.execute(f"ALTER TABLE {table} SET WITHOUT CLUSTER")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
