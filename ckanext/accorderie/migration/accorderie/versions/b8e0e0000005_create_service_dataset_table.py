"""Create accorderie_service_dataset: the datasets a service offers help with.

Revision ID: b8e0e0000005
Revises: a1c0e0000004
Create Date: 2026-12-04 21:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = "b8e0e0000005"
down_revision = "a1c0e0000004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accorderie_service_dataset",
        sa.Column(
            "service_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_service.id", ondelete="CASCADE"), primary_key=True,
        ),
        # A purged dataset takes its links with it.
        sa.Column(
            "package_id", sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True,
        ),
    )
    op.create_index(
        "ix_accorderie_service_dataset_package_id", "accorderie_service_dataset", ["package_id"]
    )


def downgrade():
    op.drop_index("ix_accorderie_service_dataset_package_id", table_name="accorderie_service_dataset")
    op.drop_table("accorderie_service_dataset")
