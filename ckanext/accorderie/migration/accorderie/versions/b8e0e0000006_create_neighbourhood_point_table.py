"""Create accorderie_neighbourhood_point: where staff draw each neighbourhood.

Revision ID: b8e0e0000006
Revises: b8e0e0000005
Create Date: 2026-12-04 21:41:00
"""
from alembic import op
import sqlalchemy as sa

revision = "b8e0e0000006"
down_revision = "b8e0e0000005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accorderie_neighbourhood_point",
        sa.Column(
            "accorderie_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_accorderie.id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("neighbourhood", sa.UnicodeText, primary_key=True),
        sa.Column("latitude", sa.Float, nullable=False),
        sa.Column("longitude", sa.Float, nullable=False),
    )


def downgrade():
    op.drop_table("accorderie_neighbourhood_point")
