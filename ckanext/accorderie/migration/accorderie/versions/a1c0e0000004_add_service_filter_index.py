"""Add an index on accorderie_service for listings filtered by status,
category, neighbourhood and type, newest first.

Revision ID: a1c0e0000004
Revises: a1c0e0000003
Create Date: 2026-12-04 20:45:00
"""
from alembic import op

revision = "a1c0e0000004"
down_revision = "a1c0e0000003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "accorderie_service_filter_idx", "accorderie_service",
        ["accorderie_id", "status", "category_id", "neighbourhood", "type", "created"],
    )


def downgrade():
    op.drop_index("accorderie_service_filter_idx", table_name="accorderie_service")
