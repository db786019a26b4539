"""one place row per place: "near Baghdad" and "southwest of Baghdad" were two Baghdad rows
(keyed by name, country and how precisely a report placed itself), counted as two places. The
precision moves to the strike report; the place keeps its own kind (place or region). And
strike_day counts the lines that state engagements, so "not reported" is told from zero
(summaries rebuilt by db.summaries.ensure_built)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.add_column(sa.Column("location_precision", sa.String(length=20), nullable=True))
    with op.batch_alter_table("strike_day") as batch_op:
        batch_op.add_column(sa.Column("engagement_lines", sa.Integer(), nullable=False, server_default="0"))
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE strike_report SET location_precision = "
        "(SELECT precision FROM place WHERE place.id = strike_report.place_id) WHERE place_id IS NOT NULL"))
    places = connection.execute(sa.text("SELECT id, name, country, precision, lat, lon FROM place ORDER BY id")).all()
    groups: dict[tuple[str, str], list] = {}
    for row in places:
        groups.setdefault((row.name, row.country), []).append(row)
    for rows in groups.values():
        # the row of the named place itself leads (its coordinates), else the first
        keep = next((row for row in rows if row.precision == "place"), rows[0])
        kind = "place" if any(row.precision in ("place", "relative") for row in rows) else "region"
        connection.execute(sa.text("UPDATE place SET precision = :kind WHERE id = :id"), {"kind": kind, "id": keep.id})
        for row in rows:
            if row.id == keep.id:
                continue
            connection.execute(sa.text("UPDATE strike_report SET place_id = :keep WHERE place_id = :old"),
                               {"keep": keep.id, "old": row.id})
            connection.execute(sa.text("DELETE FROM place WHERE id = :old"), {"old": row.id})
    with op.batch_alter_table("place") as batch_op:
        batch_op.drop_constraint("uq_place", type_="unique")
        batch_op.create_unique_constraint("uq_place", ["name", "country"])


def downgrade() -> None:
    with op.batch_alter_table("place") as batch_op:
        batch_op.drop_constraint("uq_place", type_="unique")
        batch_op.create_unique_constraint("uq_place", ["name", "country", "precision"])
    with op.batch_alter_table("strike_day") as batch_op:
        batch_op.drop_column("engagement_lines")
    with op.batch_alter_table("strike_report") as batch_op:
        batch_op.drop_column("location_precision")
