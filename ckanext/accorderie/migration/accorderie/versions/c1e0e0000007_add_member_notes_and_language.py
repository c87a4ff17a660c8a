"""Add staff notes on members and the language each member reads.

Revision ID: c1e0e0000007
Revises: b8e0e0000006
Create Date: 2026-12-04 23:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = "c1e0e0000007"
down_revision = "b8e0e0000006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accorderie_member_note",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "member_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "author_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("text", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index(
        "accorderie_member_note_member_idx",
        "accorderie_member_note", ["member_id", "created"],
    )
    op.add_column(
        "accorderie_member", sa.Column("language", sa.UnicodeText, nullable=True),
    )


def downgrade():
    op.drop_column("accorderie_member", "language")
    op.drop_index("accorderie_member_note_member_idx")
    op.drop_table("accorderie_member_note")
