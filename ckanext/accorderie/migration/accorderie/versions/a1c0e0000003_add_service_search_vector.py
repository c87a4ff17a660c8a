"""Add the generated search_vector column to accorderie_service, with a GIN
index, for the French full-text search of services.

Revision ID: a1c0e0000003
Revises: a1c0e0000002
Create Date: 2026-12-04 20:14:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "a1c0e0000003"
down_revision = "a1c0e0000002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "accorderie_service",
        sa.Column(
            "search_vector",
            TSVECTOR,
            sa.Computed(
                "setweight(to_tsvector('accorderie_fr', title), 'A') || "
                "setweight(to_tsvector('accorderie_fr', coalesce(description, '')), 'B')",
                persisted=True,
            ),
        ),
    )
    op.create_index(
        "accorderie_service_search_idx", "accorderie_service",
        ["search_vector"], postgresql_using="gin",
    )


def downgrade():
    op.drop_index("accorderie_service_search_idx", table_name="accorderie_service")
    op.drop_column("accorderie_service", "search_vector")
