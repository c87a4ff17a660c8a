"""Replace the service listing index with one that ends in id, so that a
list sorted newest first (created, then id) walks the index in order and
stops after its page.

Revision ID: c2e0e0000008
Revises: c1e0e0000007
Create Date: 2026-12-05 00:15:00
"""
from alembic import op

revision = "c2e0e0000008"
down_revision = "c1e0e0000007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "accorderie_service_newest_idx", "accorderie_service",
        ["accorderie_id", "status", "created", "id"],
    )
    op.drop_index("accorderie_service_listing_idx", table_name="accorderie_service")


def downgrade():
    op.create_index(
        "accorderie_service_listing_idx", "accorderie_service",
        ["accorderie_id", "status", "created"],
    )
    op.drop_index("accorderie_service_newest_idx", table_name="accorderie_service")
