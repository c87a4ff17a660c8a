"""Replace the services' text index with one that also covers the
neighbourhood, the category and the type, so that a text query with
those filters reads only the services that pass them.

The btree_gin extension, which lets a GIN index cover plain text columns,
is trusted in PostgreSQL 13 and later, so the owner of the database may
create it. It lives outside any table and survives CKAN's test resets:
hence the existence check.

Revision ID: c3e0e0000010
Revises: c3e0e0000009
Create Date: 2026-12-05 06:15:00
"""
from alembic import op

revision = "c3e0e0000010"
down_revision = "c3e0e0000009"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.create_index(
        "accorderie_service_search_filter_idx", "accorderie_service",
        ["search_vector", "neighbourhood", "category_id", "type"], postgresql_using="gin",
    )
    op.drop_index("accorderie_service_search_idx", table_name="accorderie_service")


def downgrade():
    op.create_index(
        "accorderie_service_search_idx", "accorderie_service",
        ["search_vector"], postgresql_using="gin",
    )
    op.drop_index("accorderie_service_search_filter_idx", table_name="accorderie_service")
    # NOTE: the btree_gin extension stays, because other objects of the
    # database may depend on it; upgrade() creates it only when missing.
