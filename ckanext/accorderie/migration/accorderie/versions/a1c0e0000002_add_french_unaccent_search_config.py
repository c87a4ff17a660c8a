"""Add the accorderie_fr text-search configuration: French stemming after
unaccent, so that "menage" finds "Ménages".

The unaccent extension is trusted in PostgreSQL 13 and later, so the owner
of the database may create it. The extension and the configuration live
outside any table and survive CKAN's test resets, which drop tables only:
hence the existence checks.

Revision ID: a1c0e0000002
Revises: a1c0e0000001
Create Date: 2026-12-04 20:12:00
"""
from alembic import op

revision = "a1c0e0000002"
down_revision = "a1c0e0000001"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        DO $$
        BEGIN
            IF NOT EXISTS (
                SELECT 1 FROM pg_ts_config WHERE cfgname = 'accorderie_fr'
                AND cfgnamespace = current_schema()::regnamespace
            ) THEN
                CREATE TEXT SEARCH CONFIGURATION accorderie_fr (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION accorderie_fr
                    ALTER MAPPING FOR hword, hword_part, word
                    WITH unaccent, french_stem;
            END IF;
        END
        $$
        """
    )


def downgrade():
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS accorderie_fr")
    # NOTE: the unaccent extension stays, because other objects of the
    # database may depend on it; upgrade() creates it only when missing.
