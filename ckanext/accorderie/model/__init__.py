"""Tables of the accorderie plugin: accorderies, members, services,
exchanges and the double-entry time ledger.

Amounts of time are whole minutes everywhere. The models never commit: the
actions own the transactions.
"""
from __future__ import annotations

import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, types
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import deferred

from ckan.model.base import BaseModel
from ckan.model.types import make_uuid

__all__ = [
    "Accorderie",
    "Member",
    "MemberNote",
    "Category",
    "Service",
    "Exchange",
    "Account",
    "Transfer",
    "Entry",
    "SEARCH_CONFIG",
    "MEMBER_STATES",
    "MEMBER_ROLES",
    "VISIBILITIES",
    "SERVICE_TYPES",
    "SERVICE_STATUSES",
    "EXCHANGE_STATES",
]

# Text-search configuration created by a migration: PostgreSQL's `french`
# stemmer applied after `unaccent`, so "Ménage" and "menages" match.
SEARCH_CONFIG = "accorderie_fr"

MEMBER_STATES = ("applicant", "active", "suspended", "left")
MEMBER_ROLES = ("member", "staff")
# Readers of a contact detail besides the member and sysadmins.
VISIBILITIES = ("staff", "members", "nobody")
SERVICE_TYPES = ("offer", "request")
SERVICE_STATUSES = ("draft", "published", "closed", "hidden")
EXCHANGE_STATES = ("pending", "settled", "rejected", "cancelled")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Accorderie(BaseModel):  # type: ignore[misc]
    """A time bank run by one association, with its own rules and ledger."""

    __tablename__ = "accorderie_accorderie"

    id = Column(types.UnicodeText, primary_key=True, default=make_uuid)
    name = Column(types.UnicodeText, nullable=False, unique=True)
    title = Column(types.UnicodeText, nullable=False)
    opening_credit = Column(types.Integer, nullable=False)
    min_balance = Column(types.Integer, nullable=False)
    max_balance = Column(types.Integer, nullable=False)
    max_exchange = Column(types.Integer, nullable=False)
    neighbourhoods = Column(ARRAY(types.UnicodeText), nullable=False, default=list)
    self_recording = Column(types.Boolean, nullable=False, default=True)
    created = Column(types.DateTime, nullable=False, default=_utcnow)


class Member(BaseModel):  # type: ignore[misc]
    """A CKAN user's membership of one accorderie."""

    __tablename__ = "accorderie_member"
    __table_args__ = (
        sa.UniqueConstraint("accorderie_id", "user_id"),
        sa.UniqueConstraint("accorderie_id", "number"),
    )

    id = Column(types.UnicodeText, primary_key=True, default=make_uuid)
    accorderie_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_accorderie.id"),
        nullable=False,
    )
    # A member is a CKAN user, so the row references CKAN's `user` table.
    # Erasure sets it to NULL and keeps the row, because the member's ledger
    # account must survive for the accorderie's balances to sum to zero.
    user_id = Column(
        types.UnicodeText,
        ForeignKey("user.id", ondelete="SET NULL"),
        nullable=True,
    )
    number = Column(types.Integer, nullable=False)
    state = Column(types.UnicodeText, nullable=False, default="applicant")
    role = Column(types.UnicodeText, nullable=False, default="member")
    neighbourhood = Column(types.UnicodeText)
    skills = Column(types.UnicodeText)
    availability = Column(types.UnicodeText)
    email = Column(types.UnicodeText)
    email_visibility = Column(types.UnicodeText, nullable=False, default="staff")
    phone = Column(types.UnicodeText)
    phone_visibility = Column(types.UnicodeText, nullable=False, default="staff")
    address = Column(types.UnicodeText)
    address_visibility = Column(types.UnicodeText, nullable=False, default="staff")
    orientation_date = Column(types.Date)
    applied = Column(types.DateTime, nullable=False, default=_utcnow)
    approved = Column(types.DateTime)
    erased = Column(types.DateTime)
    # Locale code ("fr", "en") of the pages the member last used to apply or
    # edit the profile; e-mails to the member are written in it. NULL means
    # the portal's default locale.
    language = Column(types.UnicodeText)


class MemberNote(BaseModel):  # type: ignore[misc]
    """A note that staff keep on a member, e.g. after a phone call.

    Notes are personal data: the member's export lists them and erasure
    deletes them.
    """

    __tablename__ = "accorderie_member_note"

    id = Column(types.UnicodeText, primary_key=True, default=make_uuid)
    member_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_member.id", ondelete="CASCADE"),
        nullable=False,
    )
    author_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_member.id", ondelete="SET NULL"),
        nullable=True,
    )
    text = Column(types.UnicodeText, nullable=False)
    created = Column(types.DateTime, nullable=False, default=_utcnow)


class Category(BaseModel):  # type: ignore[misc]
    """A kind of service, labelled in French and in English."""

    __tablename__ = "accorderie_category"

    # A short slug such as "gardening", so seeds and CSV imports can name it.
    id = Column(types.UnicodeText, primary_key=True)
    label_fr = Column(types.UnicodeText, nullable=False)
    label_en = Column(types.UnicodeText, nullable=False)


class Service(BaseModel):  # type: ignore[misc]
    """An offer or a request of a service by one member."""

    __tablename__ = "accorderie_service"
    __table_args__ = (
        # With the filters, so that a text query with a neighbourhood, a
        # category or a type reads only the services that pass them
        # (columns of plain text need the btree_gin extension).
        sa.Index(
            "accorderie_service_search_filter_idx",
            "search_vector", "neighbourhood", "category_id", "type",
            postgresql_using="gin",
        ),
        # Ends in id so that the newest-first order (created, then id)
        # reads the index in order and stops after a page.
        sa.Index(
            "accorderie_service_newest_idx",
            "accorderie_id", "status", "created", "id",
        ),
        sa.Index("accorderie_service_member_idx", "member_id"),
        # Ends in id for the newest-first order, and includes the expiry date
        # so that a filtered total is counted from the index alone.
        sa.Index(
            "accorderie_service_filter_cover_idx",
            "accorderie_id", "status", "category_id", "neighbourhood", "type", "created", "id",
            postgresql_include=["expires"],
        ),
    )

    id = Column(types.UnicodeText, primary_key=True, default=make_uuid)
    accorderie_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_accorderie.id"),
        nullable=False,
    )
    member_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_member.id"),
        nullable=False,
    )
    type = Column(types.UnicodeText, nullable=False)
    title = Column(types.UnicodeText, nullable=False)
    description = Column(types.UnicodeText, nullable=False, default="")
    # CKAN's sanitized HTML rendering of the Markdown description, made on
    # every write so that listings do not render Markdown per row.
    description_html = Column(types.UnicodeText, nullable=False, default="")
    category_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_category.id"),
        nullable=False,
    )
    neighbourhood = Column(types.UnicodeText)
    availability = Column(types.UnicodeText)
    status = Column(types.UnicodeText, nullable=False, default="draft")
    expires = Column(types.Date)
    created = Column(types.DateTime, nullable=False, default=_utcnow)
    modified = Column(types.DateTime, nullable=False, default=_utcnow)
    # Maintained by PostgreSQL from the title (weight A) and the description
    # (weight B); the migration declares the same expression. Deferred, so
    # loading a service does not read it.
    search_vector = deferred(Column(
        TSVECTOR,
        sa.Computed(
            f"setweight(to_tsvector('{SEARCH_CONFIG}', title), 'A') || "
            f"setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(description, '')), 'B')",
            persisted=True,
        ),
    ))


class Exchange(BaseModel):  # type: ignore[misc]
    """Time given by a provider to a receiver, settled once confirmed."""

    __tablename__ = "accorderie_exchange"
    __table_args__ = (
        sa.Index("accorderie_exchange_provider_idx", "provider_id"),
        sa.Index("accorderie_exchange_receiver_idx", "receiver_id"),
        sa.Index("accorderie_exchange_accorderie_idx", "accorderie_id", "state"),
    )

    id = Column(types.UnicodeText, primary_key=True, default=make_uuid)
    accorderie_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_accorderie.id"),
        nullable=False,
    )
    provider_id = Column(
        types.UnicodeText, ForeignKey("accorderie_member.id"), nullable=False
    )
    receiver_id = Column(
        types.UnicodeText, ForeignKey("accorderie_member.id"), nullable=False
    )
    # Services of an erased member are deleted; the exchange stays.
    service_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_service.id", ondelete="SET NULL"),
    )
    exchange_date = Column(types.Date, nullable=False)
    minutes = Column(types.Integer, nullable=False)
    note = Column(types.UnicodeText)
    state = Column(types.UnicodeText, nullable=False, default="pending")
    # The party who recorded the exchange (provider or receiver). When staff
    # recorded it on that party's behalf, recorded_on_behalf is true and
    # recorded_by_staff_id names the staff member (NULL for a sysadmin who
    # is not a member of the accorderie).
    recorded_by_id = Column(
        types.UnicodeText, ForeignKey("accorderie_member.id"), nullable=False
    )
    recorded_on_behalf = Column(types.Boolean, nullable=False, default=False)
    recorded_by_staff_id = Column(
        types.UnicodeText, ForeignKey("accorderie_member.id")
    )
    # The member who confirmed, rejected or cancelled it.
    closed_by_id = Column(types.UnicodeText, ForeignKey("accorderie_member.id"))
    # Set on a correction made by staff: the settled exchange it reverses.
    reverses_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_exchange.id"),
        unique=True,
    )
    created = Column(types.DateTime, nullable=False, default=_utcnow)
    settled = Column(types.DateTime)


class Account(BaseModel):  # type: ignore[misc]
    """A ledger account: one per member and one for the association.

    ``balance`` is kept equal to the sum of the account's entries by
    updating both in the same transaction, under a row lock.
    """

    __tablename__ = "accorderie_account"
    __table_args__ = (
        # One association account (member_id NULL) per accorderie.
        sa.Index(
            "accorderie_account_association_idx",
            "accorderie_id",
            unique=True,
            postgresql_where=sa.text("member_id IS NULL"),
        ),
    )

    id = Column(types.BigInteger, sa.Identity(), primary_key=True)
    accorderie_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_accorderie.id"),
        nullable=False,
    )
    member_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_member.id"),
        unique=True,
    )
    balance = Column(types.Integer, nullable=False, default=0)


class Transfer(BaseModel):  # type: ignore[misc]
    """One balanced movement of time: exactly two entries summing to zero."""

    __tablename__ = "accorderie_transfer"

    id = Column(types.BigInteger, sa.Identity(), primary_key=True)
    accorderie_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_accorderie.id"),
        nullable=False,
    )
    # "exchange" or "opening_credit".
    kind = Column(types.UnicodeText, nullable=False)
    exchange_id = Column(
        types.UnicodeText,
        ForeignKey("accorderie_exchange.id"),
        unique=True,
    )
    created = Column(types.DateTime, nullable=False, default=_utcnow)


class Entry(BaseModel):  # type: ignore[misc]
    """A signed amount of minutes on one account, part of a transfer."""

    __tablename__ = "accorderie_entry"
    __table_args__ = (
        sa.Index("accorderie_entry_account_idx", "account_id", "id"),
        sa.Index("accorderie_entry_transfer_idx", "transfer_id"),
    )

    id = Column(types.BigInteger, sa.Identity(), primary_key=True)
    transfer_id = Column(
        types.BigInteger,
        ForeignKey("accorderie_transfer.id"),
        nullable=False,
    )
    account_id = Column(
        types.BigInteger,
        ForeignKey("accorderie_account.id"),
        nullable=False,
    )
    minutes = Column(types.Integer, nullable=False)



# Imported last, because its tables reference the ones above.
from .bridge import NeighbourhoodPoint, ServiceDataset  # noqa: E402

__all__ += ["ServiceDataset", "NeighbourhoodPoint"]
