"""Replace the filtered service index with one that ends in id and includes
the expiry date, so that a filtered list sorted newest first walks it in
order, and its total is counted from the index alone.

Revision ID: c3e0e0000009
Revises: c2e0e0000008
Create Date: 2026-12-05 06:00:00
"""
from alembic import op

revision = "c3e0e0000009"
down_revision = "c2e0e0000008"
branch_labels = None
depends_on = None

FILTER_COLUMNS = ["accorderie_id", "status", "category_id", "neighbourhood", "type", "created"]


def upgrade():
    op.create_index(
        "accorderie_service_filter_cover_idx", "accorderie_service",
        FILTER_COLUMNS + ["id"], postgresql_include=["expires"],
    )
    op.drop_index("accorderie_service_filter_idx", table_name="accorderie_service")


def downgrade():
    op.create_index("accorderie_service_filter_idx", "accorderie_service", FILTER_COLUMNS)
    op.drop_index("accorderie_service_filter_cover_idx", table_name="accorderie_service")
