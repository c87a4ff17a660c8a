"""Dicts returned by the accorderie actions, cut to what the caller may see.

Levels of a reader, from least to most:

- ``public``: anybody, including anonymous visitors and members of other
  accorderies: no member identity at all;
- ``member``: an active member of the same accorderie: display names, and
  the contact details whose visibility is ``members``;
- ``staff``: staff of the accorderie: everything, with the contact details
  whose visibility is ``staff`` or ``members``;
- ``self``: the member themself, or a sysadmin: everything.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from ckan.model import User

from .. import model as acc_model
from .access import Viewer

__all__ = [
    "reader_level",
    "display_name",
    "accorderie_dictize",
    "category_dictize",
    "member_dictize",
    "service_dictize",
    "exchange_dictize",
    "statement_entry_dictize",
]

LEVELS = ("public", "member", "staff", "self")
CONTACT_FIELDS = ("email", "phone", "address")


def _iso(value: Any) -> Optional[str]:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def reader_level(viewer: Viewer, accorderie_id: str, member: Optional[acc_model.Member] = None) -> str:
    """Return how much ``viewer`` may read about ``member`` (or about the
    accorderie's members in general when ``member`` is None)."""
    if viewer.sysadmin or (member is not None and viewer.is_self(member)):
        return "self"
    if viewer.is_staff(accorderie_id):
        return "staff"
    if viewer.is_member(accorderie_id):
        return "member"
    return "public"


def display_name(user: Optional[User]) -> Optional[str]:
    """Return the name shown for a member: the full name, else the user name."""
    if user is None:
        return None
    return user.fullname or user.name


def _contact(member: acc_model.Member, level: str) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for field in CONTACT_FIELDS:
        visibility = getattr(member, f"{field}_visibility")
        if (
            level == "self"
            or (level == "staff" and visibility in ("staff", "members"))
            or (level == "member" and visibility == "members")
        ):
            shown[field] = getattr(member, field)
    return shown


def accorderie_dictize(accorderie: acc_model.Accorderie) -> dict[str, Any]:
    """Return an accorderie's public settings; amounts are minutes."""
    return {
        "id": accorderie.id,
        "name": accorderie.name,
        "title": accorderie.title,
        "opening_credit": accorderie.opening_credit,
        "min_balance": accorderie.min_balance,
        "max_balance": accorderie.max_balance,
        "max_exchange": accorderie.max_exchange,
        "neighbourhoods": list(accorderie.neighbourhoods or []),
        "self_recording": accorderie.self_recording,
        "created": _iso(accorderie.created),
    }


def category_dictize(category: acc_model.Category) -> dict[str, Any]:
    return {"id": category.id, "label_fr": category.label_fr, "label_en": category.label_en}


def member_dictize(
    member: acc_model.Member, user: Optional[User], level: str
) -> dict[str, Any]:
    """Return a member's dict for a reader at ``level`` (never ``public``,
    which may not read members at all)."""
    data: dict[str, Any] = {
        "id": member.id,
        "accorderie_id": member.accorderie_id,
        "number": member.number,
        "display_name": display_name(user),
        "neighbourhood": member.neighbourhood,
        "skills": member.skills,
        "availability": member.availability,
        "role": member.role,
    }
    data.update(_contact(member, level))
    if level in ("staff", "self"):
        data.update({
            "user_id": member.user_id,
            "state": member.state,
            "orientation_date": _iso(member.orientation_date),
            "applied": _iso(member.applied),
            "approved": _iso(member.approved),
            "erased": _iso(member.erased),
        })
    if level == "self":
        data["language"] = member.language
        for field in CONTACT_FIELDS:
            data[f"{field}_visibility"] = getattr(member, f"{field}_visibility")
    return data


def service_dictize(
    service: acc_model.Service,
    member: Optional[acc_model.Member],
    user: Optional[User],
    level: str,
) -> dict[str, Any]:
    """Return a service's dict for a reader at ``level``.

    The description is Markdown; ``description_html`` is CKAN's sanitized
    rendering of it, stored on write and safe to insert in a page.
    """
    data: dict[str, Any] = {
        "id": service.id,
        "accorderie_id": service.accorderie_id,
        "type": service.type,
        "title": service.title,
        "description": service.description,
        "description_html": service.description_html,
        "category_id": service.category_id,
        "neighbourhood": service.neighbourhood,
        "expires": _iso(service.expires),
        "created": _iso(service.created),
    }
    if level == "public" or member is None:
        return data

    data.update({
        "member_id": service.member_id,
        "member_name": display_name(user),
        "availability": service.availability,
        "contact": _contact(member, level),
    })
    if level in ("staff", "self"):
        data.update({"status": service.status, "modified": _iso(service.modified)})
    return data


def exchange_dictize(
    exchange: acc_model.Exchange, names: dict[str, Optional[str]]
) -> dict[str, Any]:
    """Return an exchange's dict; ``names`` maps member ids to display names."""
    return {
        "id": exchange.id,
        "accorderie_id": exchange.accorderie_id,
        "provider_id": exchange.provider_id,
        "provider_name": names.get(exchange.provider_id),
        "receiver_id": exchange.receiver_id,
        "receiver_name": names.get(exchange.receiver_id),
        "service_id": exchange.service_id,
        "exchange_date": _iso(exchange.exchange_date),
        "minutes": exchange.minutes,
        "note": exchange.note,
        "state": exchange.state,
        "recorded_by_id": exchange.recorded_by_id,
        "recorded_on_behalf": exchange.recorded_on_behalf,
        "recorded_by_staff_id": exchange.recorded_by_staff_id,
        "closed_by_id": exchange.closed_by_id,
        "reverses_id": exchange.reverses_id,
        "created": _iso(exchange.created),
        "settled": _iso(exchange.settled),
    }


def statement_entry_dictize(row: Any) -> dict[str, Any]:
    """Return a statement entry from a row of a statement query."""
    return {
        "id": row.id,
        "minutes": row.minutes,
        "balance": int(row.balance),
        "kind": row.kind,
        "created": row.created.isoformat(),
        "exchange_id": row.exchange_id,
        "exchange_date": _iso(row.exchange_date),
        "recorded_on_behalf": bool(row.recorded_on_behalf),
        "reverses_id": row.reverses_id,
        "counterparty_id": row.counterparty_id,
        "counterparty_name": row.counterparty_name,
    }
