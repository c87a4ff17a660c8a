"""Registration by staff of a person who never uses the portal.

Some accordeurs have no computer or never log in: staff record their
exchanges for them. Such a person still needs a CKAN user, because a
member row references one. ``accorderie_member_register`` creates that
user, with a random password that nobody ever sees, and an active member
with the opening credit, all in one transaction.
"""
from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic.schema import default_user_schema, validator_args
from ckan.types import ActionResult, Context, DataDict, Schema, Validator

from . import schema as acc_schema
from .schema import validate
from .access import session_of

__all__ = ["accorderie_member_register"]

log = logging.getLogger(__name__)

# Fields of the registration that go to the member row, as in an application.
MEMBER_FIELDS = (
    "accorderie_id", "neighbourhood", "skills", "availability",
    "email", "email_visibility", "phone", "phone_visibility",
    "address", "address_visibility", "language",
)
# CKAN user names are 2 to 100 characters, so the base name is cut to
# leave room for a suffix such as "-12".
USER_NAME_BASE_MAX = 90
FALLBACK_USER_NAME = "accordeur"
# Names that CKAN's name_validator rejects, treated as taken.
RESERVED_USER_NAMES = {"new", "edit", "search"}
# Key of the PostgreSQL advisory lock that serialises the choice of user
# names, so two registrations of the same name get distinct user names.
USER_NAME_LOCK = 0x61636372  # "accr" in ASCII


@validator_args
def _user_schema(
    ignore_missing: Validator, strip_value: Validator, email_validator: Validator,
    accorderie_email_unused: Validator, unicode_safe: Validator,
) -> Schema:
    """CKAN's user schema, with the e-mail address optional: many people
    registered by staff have none."""
    schema = default_user_schema()
    schema["email"] = [
        ignore_missing, strip_value, email_validator, accorderie_email_unused, unicode_safe,
    ]
    return schema


def user_name_base(display_name: str) -> str:
    """Turn a person's name into a CKAN user name: ``Hélène N'Diaye`` gives
    ``helene-n-diaye``. Names without a Latin letter or digit give
    FALLBACK_USER_NAME."""
    ascii_text = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:USER_NAME_BASE_MAX].strip("-")
    return base if len(base) >= 2 else FALLBACK_USER_NAME


def _free_user_name(session: Any, base: str) -> str:
    """Return ``base``, or ``base-N`` with the lowest N from 2 that no CKAN
    user has. The caller must have taken USER_NAME_LOCK."""
    taken = set(session.execute(
        sa.select(model.User.name).where(
            sa.or_(model.User.name == base, model.User.name.like(f"{base}-%"))
        )
    ).scalars()) | RESERVED_USER_NAMES
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def accorderie_member_register(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Register a person who does not use the portal as an active member.

    Staff of the accorderie and sysadmins may call it. It creates a CKAN
    user named after the person (``camille-martin``, or ``camille-martin-2``
    when that name is taken) with a long random password that is never
    shown, so nobody can log in as them until a sysadmin resets it. Then it
    creates the member, approves them and credits the opening credit. All
    of it is one transaction: when a step fails, nothing is stored.

    :param accorderie_id: the id or name of the accorderie
    :type accorderie_id: string
    :param display_name: the person's name, as the pages show it
    :type display_name: string
    :param orientation_date: date of the orientation meeting, DD/MM/YYYY or
        YYYY-MM-DD (optional, default: today)
    :type orientation_date: string
    :param email: e-mail address of the person; no other CKAN user may have
        it (optional)
    :type email: string
    :param language: the locale code of the e-mails sent to the member
        (optional, default: the portal's default locale)
    :type language: string

    The other parameters (``neighbourhood``, ``skills``, ``availability``,
    ``phone``, ``address`` and the ``*_visibility`` of each contact detail)
    are those of ``accorderie_member_apply``.

    :returns: the member, with every field staff may read, and
        ``user_name``, the CKAN user name made for the person
    :rtype: dict
    """
    tk.check_access("accorderie_member_register", context, data_dict)
    data = validate(data_dict, acc_schema.member_register_schema(), context)
    session = session_of(context)

    # The steps below are actions themselves. They run as trusted code in
    # this transaction, which is committed once at the end.
    def step_context(**extra: Any) -> Context:
        return {  # type: ignore[return-value]
            "user": context.get("user"), "ignore_auth": True, "defer_commit": True,
            "session": session, "model": model, **extra,
        }

    try:
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(USER_NAME_LOCK)))
        user_dict: dict[str, Any] = {
            "name": _free_user_name(session, user_name_base(data["display_name"])),
            "fullname": data["display_name"],
            "password": secrets.token_urlsafe(48),
        }
        if data.get("email"):
            user_dict["email"] = data["email"]
        user = tk.get_action("user_create")(step_context(schema=_user_schema()), user_dict)

        member = tk.get_action("accorderie_member_apply")(step_context(), {
            **{field: data[field] for field in MEMBER_FIELDS if data.get(field) is not None},
            "user_id": user["id"],
        })
        approval: dict[str, Any] = {"id": member["id"]}
        if data.get("orientation_date"):
            approval["orientation_date"] = data["orientation_date"]
        member = tk.get_action("accorderie_member_approve")(step_context(), approval)
    except Exception:
        # A caller that defers the commit owns the transaction and its undo.
        if not context.get("defer_commit"):
            session.rollback()
        raise

    if not context.get("defer_commit"):
        session.commit()
    log.info("Member %s of accorderie %s registered by staff", member["id"], member["accorderie_id"])
    return {**member, "user_name": user["name"]}
