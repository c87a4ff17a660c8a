"""Create the accorderie tables: accorderies, members, categories, services,
exchanges and the ledger (accounts, transfers, entries).

Revision ID: a1c0e0000001
Revises:
Create Date: 2026-12-04 20:10:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

revision = "a1c0e0000001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accorderie_accorderie",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("opening_credit", sa.Integer, nullable=False),
        sa.Column("min_balance", sa.Integer, nullable=False),
        sa.Column("max_balance", sa.Integer, nullable=False),
        sa.Column("max_exchange", sa.Integer, nullable=False),
        sa.Column("neighbourhoods", ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("self_recording", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "accorderie_member",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "accorderie_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_accorderie.id"), nullable=False,
        ),
        # A member is a CKAN user; erasure keeps the row with a NULL user_id.
        sa.Column(
            "user_id", sa.UnicodeText,
            sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("neighbourhood", sa.UnicodeText),
        sa.Column("skills", sa.UnicodeText),
        sa.Column("availability", sa.UnicodeText),
        sa.Column("email", sa.UnicodeText),
        sa.Column("email_visibility", sa.UnicodeText, nullable=False),
        sa.Column("phone", sa.UnicodeText),
        sa.Column("phone_visibility", sa.UnicodeText, nullable=False),
        sa.Column("address", sa.UnicodeText),
        sa.Column("address_visibility", sa.UnicodeText, nullable=False),
        sa.Column("orientation_date", sa.Date),
        sa.Column("applied", sa.DateTime, nullable=False),
        sa.Column("approved", sa.DateTime),
        sa.Column("erased", sa.DateTime),
        sa.UniqueConstraint("accorderie_id", "user_id"),
        sa.UniqueConstraint("accorderie_id", "number"),
    )
    op.create_table(
        "accorderie_category",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("label_fr", sa.UnicodeText, nullable=False),
        sa.Column("label_en", sa.UnicodeText, nullable=False),
    )
    op.create_table(
        "accorderie_service",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "accorderie_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_accorderie.id"), nullable=False,
        ),
        sa.Column(
            "member_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id"), nullable=False,
        ),
        sa.Column("type", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("description_html", sa.UnicodeText, nullable=False),
        sa.Column(
            "category_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_category.id"), nullable=False,
        ),
        sa.Column("neighbourhood", sa.UnicodeText),
        sa.Column("availability", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("expires", sa.Date),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index(
        "accorderie_service_listing_idx", "accorderie_service",
        ["accorderie_id", "status", "created"],
    )
    op.create_index("accorderie_service_member_idx", "accorderie_service", ["member_id"])

    op.create_table(
        "accorderie_exchange",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "accorderie_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_accorderie.id"), nullable=False,
        ),
        sa.Column(
            "provider_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id"), nullable=False,
        ),
        sa.Column(
            "receiver_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id"), nullable=False,
        ),
        sa.Column(
            "service_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_service.id", ondelete="SET NULL"),
        ),
        sa.Column("exchange_date", sa.Date, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("note", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column(
            "recorded_by_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id"), nullable=False,
        ),
        sa.Column("recorded_on_behalf", sa.Boolean, nullable=False),
        sa.Column(
            "recorded_by_staff_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id"),
        ),
        sa.Column(
            "closed_by_id", sa.UnicodeText, sa.ForeignKey("accorderie_member.id"),
        ),
        sa.Column(
            "reverses_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_exchange.id"), unique=True,
        ),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("settled", sa.DateTime),
    )
    op.create_index("accorderie_exchange_provider_idx", "accorderie_exchange", ["provider_id"])
    op.create_index("accorderie_exchange_receiver_idx", "accorderie_exchange", ["receiver_id"])
    op.create_index(
        "accorderie_exchange_accorderie_idx", "accorderie_exchange",
        ["accorderie_id", "state"],
    )

    op.create_table(
        "accorderie_account",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "accorderie_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_accorderie.id"), nullable=False,
        ),
        sa.Column(
            "member_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_member.id"), unique=True,
        ),
        sa.Column("balance", sa.Integer, nullable=False),
    )
    op.create_index(
        "accorderie_account_association_idx", "accorderie_account",
        ["accorderie_id"], unique=True,
        postgresql_where=sa.text("member_id IS NULL"),
    )
    op.create_table(
        "accorderie_transfer",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "accorderie_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_accorderie.id"), nullable=False,
        ),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column(
            "exchange_id", sa.UnicodeText,
            sa.ForeignKey("accorderie_exchange.id"), unique=True,
        ),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "accorderie_entry",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "transfer_id", sa.BigInteger,
            sa.ForeignKey("accorderie_transfer.id"), nullable=False,
        ),
        sa.Column(
            "account_id", sa.BigInteger,
            sa.ForeignKey("accorderie_account.id"), nullable=False,
        ),
        sa.Column("minutes", sa.Integer, nullable=False),
    )
    op.create_index("accorderie_entry_account_idx", "accorderie_entry", ["account_id", "id"])
    op.create_index("accorderie_entry_transfer_idx", "accorderie_entry", ["transfer_id"])


def downgrade():
    for table in (
        "accorderie_entry",
        "accorderie_transfer",
        "accorderie_account",
        "accorderie_exchange",
        "accorderie_service",
        "accorderie_category",
        "accorderie_member",
        "accorderie_accorderie",
    ):
        op.drop_table(table)
