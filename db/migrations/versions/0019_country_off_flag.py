"""reports counted in another country than their place's, flagged where they are written
(strike_report.country_off, db.summaries.country_off) with a partial index, so the audit's
"countries" check reads those few rows instead of every report; filled here for the stored
reports by the same rule

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (a batch operation would copy the table on SQLite: 6 s at 100x)
    op.add_column("strike_report", sa.Column("country_off", sa.Boolean(), nullable=False, server_default=sa.text("false")))
    report = sa.table("strike_report", sa.column("country_off", sa.Boolean()), sa.column("place_id", sa.Integer()),
                      sa.column("country", sa.String()), sa.column("location_precision", sa.String()))
    place = sa.table("place", sa.column("id", sa.Integer()), sa.column("country", sa.String()),
                     sa.column("precision", sa.String()))
    elsewhere = sa.exists(sa.select(place.c.id).where(place.c.id == report.c.place_id, place.c.precision == "place",
                                                      place.c.country != report.c.country))
    op.execute(report.update().where(report.c.country.is_not(None), report.c.location_precision == "place", elsewhere)
               .values(country_off=True))
    op.create_index("ix_strike_report_country_off", "strike_report", ["release_id"],
                    sqlite_where=sa.text("country_off = 1"), postgresql_where=sa.text("country_off"))


def downgrade() -> None:
    op.drop_index("ix_strike_report_country_off", table_name="strike_report")
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_column("country_off")
