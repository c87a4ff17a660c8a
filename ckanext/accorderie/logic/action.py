"""Action API of the accorderie plugin.

Every action checks access, validates against its schema in
``logic/schema.py``, does the work in the session of the context, commits
unless ``defer_commit`` is set, and returns plain dicts. Durations and
balances in results are whole minutes.
"""
from __future__ import annotations

import datetime
import functools
import logging
import re
from types import SimpleNamespace
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.helpers import render_markdown
from ckan.types import Action, ActionResult, Context, DataDict

from .. import model as acc_model
from ..helpers import accorderie_format_minutes, clear_category_cache
from . import dictization as dz
from . import ledger
from . import note_action
from . import schema as acc_schema
from .schema import validate
from . import validators as acc_validators
from .access import Viewer, get_viewer, session_of

__all__ = [
    "accorderie_accorderie_create",
    "accorderie_accorderie_show",
    "accorderie_accorderie_list",
    "accorderie_accorderie_update",
    "accorderie_accorderie_patch",
    "accorderie_category_list",
    "accorderie_category_create",
    "accorderie_member_apply",
    "accorderie_member_approve",
    "accorderie_member_decline",
    "accorderie_member_show",
    "accorderie_member_list",
    "accorderie_member_update",
    "accorderie_member_patch",
    "accorderie_member_statement",
    "accorderie_member_balance",
    "accorderie_member_export",
    "accorderie_member_erase",
    "accorderie_membership_list",
    "accorderie_service_create",
    "accorderie_service_show",
    "accorderie_service_list",
    "accorderie_service_update",
    "accorderie_service_patch",
    "accorderie_service_delete",
    "accorderie_exchange_create",
    "accorderie_exchange_show",
    "accorderie_exchange_list",
    "accorderie_exchange_confirm",
    "accorderie_exchange_reject",
    "accorderie_exchange_cancel",
    "accorderie_exchange_reverse",
    "accorderie_ledger_audit",
    "accorderie_report_show",
    "user_delete",
]

log = logging.getLogger(__name__)

# Profile fields a member may change on their own row.
MEMBER_PROFILE_FIELDS = (
    "neighbourhood", "skills", "availability",
    "email", "email_visibility", "phone", "phone_visibility",
    "address", "address_visibility", "language",
)
MEMBER_STAFF_FIELDS = ("state", "role", "orientation_date")
SERVICE_FIELDS = (
    "type", "title", "description", "category_id", "neighbourhood",
    "availability", "status", "expires",
)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _commit(context: Context) -> None:
    if not context.get("defer_commit"):
        session_of(context).commit()


def _get_or_404(context: Context, model_class: type, object_id: Any, field: str = "id") -> Any:
    obj = session_of(context).get(model_class, object_id) if object_id else None
    if obj is None:
        raise tk.ObjectNotFound(
            tk._("{field}: {value} was not found.").format(field=field, value=object_id)
        )
    return obj


def _patched(obj: Any, fields: tuple[str, ...], data_dict: DataDict) -> DataDict:
    """Return the stored, non-empty ``fields`` of ``obj`` updated with
    ``data_dict``: the input of an update that keeps what a patch omits."""
    current = {field: getattr(obj, field) for field in fields}
    current = {key: value for key, value in current.items() if value is not None}
    current.update(data_dict)
    return current


def _check_neighbourhood(accorderie: acc_model.Accorderie, value: Optional[str]) -> None:
    if value and accorderie.neighbourhoods and value not in accorderie.neighbourhoods:
        raise tk.ValidationError({"neighbourhood": [
            tk._("The neighbourhood {value} is not one of this accorderie's: {choices}.").format(
                value=value, choices=", ".join(accorderie.neighbourhoods)
            )
        ]})


# Accorderies


def accorderie_accorderie_create(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Create an accorderie and its association's ledger account.

    Only sysadmins may call it. Amounts are whole minutes.

    :param name: unique URL name, lowercase letters, digits, ``-`` and ``_``
    :type name: string
    :param title: name shown to people
    :type title: string
    :param opening_credit: minutes given to each new member (optional,
        default: ``ckanext.accorderie.default_opening_credit_hours``)
    :type opening_credit: int
    :param min_balance: lowest balance allowed, zero or negative (optional,
        default: ``ckanext.accorderie.default_min_balance_hours``)
    :type min_balance: int
    :param max_balance: highest balance allowed (optional, default:
        ``ckanext.accorderie.default_max_balance_hours``)
    :type max_balance: int
    :param max_exchange: longest single exchange (optional, default:
        ``ckanext.accorderie.default_max_exchange_hours``)
    :type max_exchange: int
    :param neighbourhoods: names of the neighbourhoods (optional, default: [])
    :type neighbourhoods: list of strings
    :param self_recording: whether members may record exchanges themselves
        (optional, default: true)
    :type self_recording: bool
    :returns: the accorderie
    :rtype: dict
    """
    tk.check_access("accorderie_accorderie_create", context, data_dict)
    data = validate(data_dict, acc_schema.accorderie_create_schema(), context)
    session = session_of(context)
    _check_accorderie_name_free(session, data["name"], None)

    accorderie = acc_model.Accorderie(
        name=data["name"],
        title=data["title"],
        opening_credit=data["opening_credit"],
        min_balance=data["min_balance"],
        max_balance=data["max_balance"],
        max_exchange=data["max_exchange"],
        neighbourhoods=data["neighbourhoods"],
        self_recording=data["self_recording"],
        created=_utcnow(),
    )
    session.add(accorderie)
    session.flush()
    session.add(acc_model.Account(accorderie_id=accorderie.id, member_id=None, balance=0))
    _commit(context)

    log.info("Accorderie %s created", accorderie.id)
    return dz.accorderie_dictize(accorderie)


def _check_accorderie_name_free(session: Any, name: str, own_id: Optional[str]) -> None:
    other = session.query(acc_model.Accorderie).filter(acc_model.Accorderie.name == name).one_or_none()
    if other is not None and other.id != own_id:
        raise tk.ValidationError({"name": [
            tk._("The name {value} is already used by another accorderie.").format(value=name)
        ]})


def _get_accorderie(context: Context, id_or_name: Any) -> acc_model.Accorderie:
    accorderie = None
    if id_or_name:
        # One query for an id or a name: pages address accorderies by name.
        # An id wins over another accorderie's name equal to it.
        table = acc_model.Accorderie
        accorderie = (
            session_of(context).query(table)
            .filter(sa.or_(table.id == id_or_name, table.name == id_or_name))
            .order_by((table.id == id_or_name).desc())
            .first()
        )
    if accorderie is None:
        raise tk.ObjectNotFound(
            tk._("The accorderie {value} was not found.").format(value=id_or_name)
        )
    return accorderie


@tk.side_effect_free
def accorderie_accorderie_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return an accorderie's settings.

    Anybody may call it, including anonymous visitors.

    :param id: the id or name of the accorderie
    :type id: string
    :returns: the accorderie
    :rtype: dict
    """
    tk.check_access("accorderie_accorderie_show", context, data_dict)
    return dz.accorderie_dictize(_get_accorderie(context, data_dict.get("id")))


@tk.side_effect_free
def accorderie_accorderie_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return every accorderie of the portal, by title.

    Anybody may call it, including anonymous visitors.

    :returns: the accorderies
    :rtype: list of dicts
    """
    tk.check_access("accorderie_accorderie_list", context, data_dict)
    rows = session_of(context).query(acc_model.Accorderie).order_by(acc_model.Accorderie.title).all()
    return [dz.accorderie_dictize(row) for row in rows]


def accorderie_accorderie_update(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Replace an accorderie's settings.

    Staff of the accorderie and sysadmins may call it. Takes the parameters
    of ``accorderie_accorderie_create``; missing optional ones take their
    defaults again.

    :param id: the id of the accorderie
    :type id: string
    :returns: the accorderie
    :rtype: dict
    """
    tk.check_access("accorderie_accorderie_update", context, data_dict)
    accorderie = _get_accorderie(context, data_dict.get("id"))
    data = validate(data_dict, acc_schema.accorderie_update_schema(), context)
    _check_accorderie_name_free(session_of(context), data["name"], accorderie.id)

    for field in (
        "name", "title", "opening_credit", "min_balance", "max_balance",
        "max_exchange", "neighbourhoods", "self_recording",
    ):
        setattr(accorderie, field, data[field])
    _commit(context)

    log.info("Accorderie %s updated", accorderie.id)
    return dz.accorderie_dictize(accorderie)


def accorderie_accorderie_patch(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Change some settings of an accorderie, keeping the others.

    Staff of the accorderie and sysadmins may call it. Takes the parameters
    of ``accorderie_accorderie_update``, all optional but ``id``.

    :param id: the id of the accorderie
    :type id: string
    :returns: the accorderie
    :rtype: dict
    """
    tk.check_access("accorderie_accorderie_patch", context, data_dict)
    current = dz.accorderie_dictize(_get_accorderie(context, data_dict.get("id")))
    current.update(data_dict)
    return accorderie_accorderie_update(context, current)


# Categories


@tk.side_effect_free
def accorderie_category_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return every category of services, by id.

    Anybody may call it, including anonymous visitors.

    :returns: the categories, each with ``id``, ``label_fr`` and ``label_en``
    :rtype: list of dicts
    """
    tk.check_access("accorderie_category_list", context, data_dict)
    rows = session_of(context).query(acc_model.Category).order_by(acc_model.Category.id).all()
    return [dz.category_dictize(row) for row in rows]


def accorderie_category_create(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Create a category of services.

    Only sysadmins may call it.

    :param id: short unique name, such as ``gardening``
    :type id: string
    :param label_fr: French label
    :type label_fr: string
    :param label_en: English label
    :type label_en: string
    :returns: the category
    :rtype: dict
    """
    tk.check_access("accorderie_category_create", context, data_dict)
    data = validate(data_dict, acc_schema.category_create_schema(), context)
    session = session_of(context)
    if session.get(acc_model.Category, data["id"]) is not None:
        raise tk.ValidationError({"id": [
            tk._("The category {value} already exists.").format(value=data["id"])
        ]})

    category = acc_model.Category(id=data["id"], label_fr=data["label_fr"], label_en=data["label_en"])
    session.add(category)
    _commit(context)
    clear_category_cache()
    return dz.category_dictize(category)


# Members


def accorderie_member_apply(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Apply to an accorderie: create a member row in state ``applicant``.

    Any logged-in user may apply for themself; sysadmins (and trusted code
    such as the CSV import) may apply for another user with ``user_id``.
    The member number is the accorderie's highest plus one.

    :param accorderie_id: the id or name of the accorderie
    :type accorderie_id: string
    :param user_id: the CKAN user who applies (optional, default: the caller)
    :type user_id: string
    :param neighbourhood: one of the accorderie's neighbourhoods (optional)
    :type neighbourhood: string
    :param skills: what the member can offer (optional)
    :type skills: string
    :param availability: when the member is available (optional)
    :type availability: string
    :param email: contact e-mail address (optional)
    :type email: string
    :param phone: contact phone number (optional)
    :type phone: string
    :param address: postal address (optional)
    :type address: string
    :param email_visibility: who may see the e-mail address: ``staff``,
        ``members`` or ``nobody`` (optional, default: ``staff``); the same
        applies to ``phone_visibility`` and ``address_visibility``
    :type email_visibility: string
    :param language: the locale code of the e-mails sent to the member,
        one that the portal offers such as ``fr`` or ``en`` (optional,
        default: none, so the portal's default locale)
    :type language: string
    :returns: the member, with every field the member may read
    :rtype: dict
    """
    tk.check_access("accorderie_member_apply", context, data_dict)
    viewer = get_viewer(context)
    user_id = _applicant_user_id(viewer, data_dict.get("user_id"))
    data = validate(data_dict, acc_schema.member_apply_schema(), context)
    session = session_of(context)

    # Lock the accorderie row so that two applications get distinct numbers.
    accorderie = session.execute(
        sa.select(acc_model.Accorderie)
        .where(acc_model.Accorderie.id == data["accorderie_id"])
        .with_for_update()
    ).scalar_one()
    _check_neighbourhood(accorderie, data.get("neighbourhood"))
    existing = (
        session.query(acc_model.Member)
        .filter_by(accorderie_id=accorderie.id, user_id=user_id)
        .one_or_none()
    )
    if existing is not None:
        raise tk.ValidationError({"accorderie_id": [
            tk._("This user already is a member or an applicant of this accorderie.")
        ]})

    highest = session.execute(
        sa.select(sa.func.max(acc_model.Member.number))
        .where(acc_model.Member.accorderie_id == accorderie.id)
    ).scalar_one()
    member = acc_model.Member(
        accorderie_id=accorderie.id,
        user_id=user_id,
        number=(highest or 0) + 1,
        state="applicant",
        role="member",
        applied=_utcnow(),
        **{field: data.get(field) for field in MEMBER_PROFILE_FIELDS},
    )
    session.add(member)
    session.flush()
    ledger.ensure_member_account(session, member)
    _commit(context)

    log.info("Application %s to accorderie %s received", member.id, accorderie.id)
    return dz.member_dictize(member, model.User.get(user_id), "self")


@tk.side_effect_free
def accorderie_membership_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List the caller's own member rows, in every accorderie and state.

    Any logged-in user may call it; the pages use it to know whether the
    visitor is an applicant, a member or staff of an accorderie.

    :returns: the caller's members, with every field the member may
        read, each with the ``accorderie_name`` of its accorderie
    :rtype: list of dicts
    """
    tk.check_access("accorderie_membership_list", context, data_dict)
    validate(data_dict, acc_schema.membership_list_schema(), context)
    viewer = get_viewer(context)
    if viewer.user_id is None:
        return []

    rows = session_of(context).execute(
        sa.select(acc_model.Member, acc_model.Accorderie.name, model.User)
        .join(acc_model.Accorderie, acc_model.Accorderie.id == acc_model.Member.accorderie_id)
        .join(model.User, model.User.id == acc_model.Member.user_id)
        .where(acc_model.Member.user_id == viewer.user_id)
        .order_by(acc_model.Accorderie.name)
    ).all()
    results = []
    for member, accorderie_name, user in rows:
        result = dz.member_dictize(member, user, "self")
        result["accorderie_name"] = accorderie_name
        results.append(result)
    return results


def _applicant_user_id(viewer: Viewer, requested: Any) -> str:
    if not requested:
        if viewer.user_id is None:
            raise tk.ValidationError({"user_id": [tk._("Missing value")]})
        return viewer.user_id

    user = model.User.get(requested)
    if user is None:
        raise tk.ObjectNotFound(tk._("The user {value} was not found.").format(value=requested))
    if user.id != viewer.user_id and not viewer.sysadmin:
        raise tk.NotAuthorized(tk._("Only sysadmins may apply on behalf of another user."))
    return user.id


def _lock_applicant(session: Any, member_id: str) -> acc_model.Member:
    """Lock a member row for a decision on the application."""
    member = ledger.lock_member(session, member_id)
    if member is None:
        raise tk.ObjectNotFound(tk._("{field}: {value} was not found.").format(field="id", value=member_id))
    if member.state != "applicant":
        raise tk.ValidationError({"id": [
            tk._("This member is not an applicant: their state is {state}.").format(state=member.state)
        ]})
    return member


def accorderie_member_approve(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Approve an applicant after the orientation meeting.

    Staff of the accorderie and sysadmins may call it. The member becomes
    ``active`` and receives the opening credit from the association's
    account, in one transaction; approving twice credits once.

    :param id: the member's id
    :type id: string
    :param orientation_date: date of the orientation meeting, YYYY-MM-DD
        (optional, default: today)
    :type orientation_date: string
    :returns: the member, with every field staff may read
    :rtype: dict
    """
    tk.check_access("accorderie_member_approve", context, data_dict)
    data = validate(data_dict, acc_schema.member_approve_schema(), context)
    session = session_of(context)

    member = _lock_applicant(session, data["id"])

    accorderie = session.get(acc_model.Accorderie, member.accorderie_id)
    member.state = "active"
    member.approved = _utcnow()
    member.orientation_date = data.get("orientation_date") or datetime.date.today()
    ledger.credit_opening(session, member, accorderie)
    _commit(context)

    log.info("Member %s of accorderie %s approved", member.id, accorderie.id)
    return dz.member_dictize(member, model.User.get(member.user_id) if member.user_id else None, "staff")


def accorderie_member_decline(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Decline an application: the applicant's state becomes ``left``.

    Staff of the accorderie and sysadmins may call it. The reason is not
    stored; the pages send it to the applicant by e-mail.

    :param id: the member's id
    :type id: string
    :param reason: why the application is declined
    :type reason: string
    :returns: the member, with every field staff may read
    :rtype: dict
    """
    tk.check_access("accorderie_member_decline", context, data_dict)
    data = validate(data_dict, acc_schema.member_decline_schema(), context)
    session = session_of(context)

    member = _lock_applicant(session, data["id"])
    member.state = "left"
    _commit(context)

    log.info("Application %s to accorderie %s declined", member.id, member.accorderie_id)
    return dz.member_dictize(member, model.User.get(member.user_id) if member.user_id else None, "staff")


@tk.side_effect_free
def accorderie_member_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return a member, cut to what the caller may see.

    The member themself gets every field. Staff get every field but the
    contact details whose visibility is ``nobody``. Active members of the
    same accorderie get the display name, number, neighbourhood, skills,
    availability, role and the contact details shown to ``members``.
    Anybody else gets NotAuthorized.

    :param id: the member's id
    :type id: string
    :returns: the member
    :rtype: dict
    """
    tk.check_access("accorderie_member_show", context, data_dict)
    member = _get_or_404(context, acc_model.Member, data_dict.get("id"))
    level = dz.reader_level(get_viewer(context), member.accorderie_id, member)
    user = model.User.get(member.user_id) if member.user_id else None
    return dz.member_dictize(member, user, level)


@tk.side_effect_free
def accorderie_member_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List the members of an accorderie, by member number.

    Active members of the accorderie get its active members. Staff get
    every member and may filter by state.

    :param accorderie_id: the id or name of the accorderie
    :type accorderie_id: string
    :param state: ``applicant``, ``active``, ``suspended`` or ``left``
        (optional, staff only, default: all)
    :type state: string
    :param q: a member number, or part of a full name or user name
        (optional)
    :type q: string
    :param limit: page size (optional, default: 20)
    :type limit: int
    :param offset: rows to skip (optional, default: 0)
    :type offset: int
    :returns: ``{"count": total, "results": [members]}``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.member_list_schema(), context)
    tk.check_access("accorderie_member_list", context, data)
    viewer = get_viewer(context)
    level = dz.reader_level(viewer, data["accorderie_id"])

    query = (
        sa.select(acc_model.Member, model.User, sa.func.count().over().label("total"))
        .outerjoin(model.User, model.User.id == acc_model.Member.user_id)
        .where(acc_model.Member.accorderie_id == data["accorderie_id"])
        .order_by(acc_model.Member.number)
        .limit(data["limit"])
        .offset(data["offset"])
    )
    if level == "member":
        query = query.where(acc_model.Member.state == "active")
    elif data.get("state"):
        query = query.where(acc_model.Member.state == data["state"])
    text = (data.get("q") or "").strip()
    if text.isdigit():
        query = query.where(acc_model.Member.number == int(text))
    elif text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.or_(
            model.User.fullname.ilike(pattern), model.User.name.ilike(pattern),
        ))

    rows = session_of(context).execute(query).all()
    return {
        "count": rows[0].total if rows else 0,
        "results": [
            dz.member_dictize(member, user, "self" if viewer.is_self(member) else level)
            for member, user, _total in rows
        ],
    }


def accorderie_member_update(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Replace a member's profile.

    The member and staff may call it; ``state``, ``role`` and
    ``orientation_date`` are for staff only. Profile fields that are left
    out are emptied; use ``accorderie_member_patch`` to keep them. Use
    ``accorderie_member_approve`` to make an applicant active.

    :param id: the member's id
    :type id: string
    :param state: ``active``, ``suspended`` or ``left`` (optional, staff only)
    :type state: string
    :param role: ``member`` or ``staff`` (optional, staff only)
    :type role: string
    :param orientation_date: YYYY-MM-DD (optional, staff only)
    :type orientation_date: string
    :returns: the member, cut to what the caller may read
    :rtype: dict

    The other parameters are those of ``accorderie_member_apply``.
    """
    tk.check_access("accorderie_member_update", context, data_dict)
    member = _get_or_404(context, acc_model.Member, data_dict.get("id"))
    viewer = get_viewer(context)
    data = validate(data_dict, acc_schema.member_update_schema(), context)

    staff_changes = [f for f in MEMBER_STAFF_FIELDS if f in data and data[f] != getattr(member, f)]
    if staff_changes and not viewer.is_staff(member.accorderie_id):
        raise tk.NotAuthorized(
            tk._("Only staff may change these fields: {fields}.").format(fields=", ".join(staff_changes))
        )
    if "state" in staff_changes and "applicant" in (member.state, data["state"]):
        raise tk.ValidationError({"state": [
            tk._("Use the approval of applicants to change this state.")
        ]})
    if member.erased:
        raise tk.ValidationError({"id": [tk._("This member's data was erased.")]})

    accorderie = session_of(context).get(acc_model.Accorderie, member.accorderie_id)
    _check_neighbourhood(accorderie, data.get("neighbourhood"))
    for field in MEMBER_PROFILE_FIELDS:
        setattr(member, field, data.get(field))
    for field in staff_changes:
        setattr(member, field, data[field])
    _commit(context)

    log.debug("Member %s updated", member.id)
    level = dz.reader_level(viewer, member.accorderie_id, member)
    return dz.member_dictize(member, model.User.get(member.user_id) if member.user_id else None, level)


def accorderie_member_patch(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Change some fields of a member's profile, keeping the others.

    The member and staff may call it, with the parameters of
    ``accorderie_member_update``, all optional but ``id``.

    :param id: the member's id
    :type id: string
    :returns: the member, cut to what the caller may read
    :rtype: dict
    """
    tk.check_access("accorderie_member_patch", context, data_dict)
    member = _get_or_404(context, acc_model.Member, data_dict.get("id"))
    return accorderie_member_update(context, _patched(member, MEMBER_PROFILE_FIELDS, data_dict))


@tk.side_effect_free
def accorderie_member_statement(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return a member's balance and ledger entries, newest first by
    exchange date, then by settlement time.

    Only the member and staff of the accorderie may call it.

    :param id: the member's id
    :type id: string
    :param limit: page size (optional, default: 20)
    :type limit: int
    :param offset: entries to skip (optional, default: 0)
    :type offset: int
    :returns: ``{"member_id", "balance", "count", "entries"}``; each entry
        has ``id``, ``minutes`` (positive when the member's account is
        credited, that is when the member gave time), ``balance`` (the
        balance after this entry and the older ones, in the order of the
        statement), ``kind``
        (``exchange`` or ``opening_credit``), ``created``, ``exchange_id``,
        ``exchange_date``, ``recorded_on_behalf`` (the exchange was recorded
        by staff), ``reverses_id`` (the exchange this one corrects, if any),
        ``counterparty_id`` and ``counterparty_name``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.member_statement_schema(), context)
    tk.check_access("accorderie_member_statement", context, data)
    session = session_of(context)
    account = _member_account(session, data["id"], count_entries=True)

    rows = session.execute(_statement_query(), {
        "account_id": account.id, "member_id": data["id"],
        "limit": data["limit"], "offset": data["offset"],
    }).all()
    return {
        "member_id": data["id"],
        "balance": account.balance,
        "count": account.entries,
        "entries": [dz.statement_entry_dictize(row) for row in rows],
    }


@functools.lru_cache(maxsize=None)
def _statement_query() -> Any:
    """Build, once per process, the query of a statement page.

    Its parameters are ``account_id``, ``member_id``, ``limit`` and
    ``offset``. Rows come newest first by exchange date (the day of the
    transfer for an opening credit), then by settlement time. Each row's
    ``balance`` is the sum of its entry and every entry before it in that
    order, so the newest row shows the account's balance. Built from tables
    rather than aliased ORM classes, because adapting aliased columns cost
    more per call than running the query.
    """
    entry = acc_model.Entry.__table__
    transfer = acc_model.Transfer.__table__
    exchange = acc_model.Exchange.__table__.alias("exchange")
    counterparty = acc_model.Member.__table__.alias("counterparty")
    user = model.User.__table__.alias("counterparty_user")

    # The running balance needs every entry of the account. The page is cut
    # from them before the joins to the counterparty.
    day = sa.func.coalesce(exchange.c.exchange_date, sa.cast(transfer.c.created, sa.Date))
    ordered = (
        sa.select(
            entry.c.id, entry.c.minutes, transfer.c.kind, transfer.c.created,
            exchange.c.id.label("exchange_id"), exchange.c.exchange_date,
            exchange.c.recorded_on_behalf, exchange.c.reverses_id,
            exchange.c.provider_id, exchange.c.receiver_id,
            day.label("day"),
            sa.func.sum(entry.c.minutes).over(
                order_by=(day, transfer.c.created, entry.c.id)
            ).label("balance"),
        )
        .select_from(entry)
        .join(transfer, transfer.c.id == entry.c.transfer_id)
        .outerjoin(exchange, exchange.c.id == transfer.c.exchange_id)
        .where(entry.c.account_id == sa.bindparam("account_id"))
        .subquery("ordered")
    )
    newest_first = (ordered.c.day.desc(), ordered.c.created.desc(), ordered.c.id.desc())
    page = (
        sa.select(ordered)
        .order_by(*newest_first)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
        .subquery("page")
    )
    counterparty_id = sa.case(
        (page.c.provider_id == sa.bindparam("member_id"), page.c.receiver_id),
        else_=page.c.provider_id,
    )
    return (
        sa.select(
            page.c.id,
            page.c.minutes,
            page.c.balance,
            page.c.kind,
            page.c.created,
            page.c.exchange_id,
            page.c.exchange_date,
            page.c.recorded_on_behalf,
            page.c.reverses_id,
            counterparty.c.id.label("counterparty_id"),
            sa.func.coalesce(user.c.fullname, user.c.name).label("counterparty_name"),
        )
        .select_from(page)
        .outerjoin(counterparty, counterparty.c.id == counterparty_id)
        .outerjoin(user, user.c.id == counterparty.c.user_id)
        .order_by(page.c.day.desc(), page.c.created.desc(), page.c.id.desc())
    )


def _member_account(session: Any, member_id: str, count_entries: bool = False) -> Any:
    """Return a row with the ``id``, ``member_id`` and ``balance`` of a
    member's account, and its number of ``entries`` if ``count_entries``."""
    accounts = acc_model.Account
    columns: list[Any] = [accounts.id, accounts.member_id, accounts.balance]
    if count_entries:
        columns.append(
            sa.select(sa.func.count())
            .where(acc_model.Entry.account_id == accounts.id)
            .scalar_subquery()
            .label("entries")
        )
    account = session.execute(
        sa.select(*columns).where(accounts.member_id == member_id)
    ).one_or_none()
    if account is None:
        raise tk.ObjectNotFound(tk._("{field}: {value} was not found.").format(field="id", value=member_id))
    return account


@tk.side_effect_free
def accorderie_member_balance(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return a member's balance, read from their account row.

    Only the member and staff of the accorderie may call it.

    :param id: the member's id
    :type id: string
    :returns: ``{"member_id": id, "balance": minutes}``
    :rtype: dict
    """
    tk.check_access("accorderie_member_balance", context, data_dict)
    account = _member_account(session_of(context), data_dict.get("id"))
    return {"member_id": account.member_id, "balance": account.balance}


@tk.side_effect_free
def accorderie_member_export(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return everything the accorderie stores about a member, for a data
    portability request.

    Only the member themself and sysadmins may call it.

    :param id: the member's id
    :type id: string
    :returns: ``{"member", "accorderie", "balance", "services",
        "exchanges", "entries", "notes"}``, all JSON-serializable; the
        notes are those staff keep on the member
    :rtype: dict
    """
    tk.check_access("accorderie_member_export", context, data_dict)
    session = session_of(context)
    member = _get_or_404(context, acc_model.Member, data_dict.get("id"))
    user = model.User.get(member.user_id) if member.user_id else None
    account = _member_account(session, member.id)

    services = session.query(acc_model.Service).filter_by(member_id=member.id).order_by(acc_model.Service.created).all()
    exchanges = (
        session.query(acc_model.Exchange)
        .filter(sa.or_(
            acc_model.Exchange.provider_id == member.id,
            acc_model.Exchange.receiver_id == member.id,
        ))
        .order_by(acc_model.Exchange.created)
        .all()
    )
    names = _display_names(session, {x.provider_id for x in exchanges} | {x.receiver_id for x in exchanges})
    entries = session.execute(
        sa.select(acc_model.Entry, acc_model.Transfer)
        .join(acc_model.Transfer, acc_model.Transfer.id == acc_model.Entry.transfer_id)
        .where(acc_model.Entry.account_id == account.id)
        .order_by(acc_model.Entry.id)
    ).all()

    return {
        "member": dz.member_dictize(member, user, "self"),
        "accorderie": dz.accorderie_dictize(session.get(acc_model.Accorderie, member.accorderie_id)),
        "balance": account.balance,
        "services": [dz.service_dictize(s, member, user, "self") for s in services],
        "exchanges": [dz.exchange_dictize(x, names) for x in exchanges],
        "entries": [
            {
                "id": entry.id,
                "minutes": entry.minutes,
                "kind": transfer.kind,
                "exchange_id": transfer.exchange_id,
                "created": transfer.created.isoformat(),
            }
            for entry, transfer in entries
        ],
        "notes": note_action.notes_of(session, member.id),
    }


def accorderie_member_erase(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Erase a member's personal data, keeping an anonymised ledger account.

    The member and staff of the accorderie may call it. The member's link to
    their CKAN user and every profile and contact field are removed, their
    services and the staff's notes on them are deleted, their pending
    exchanges are cancelled and the notes of their exchanges are emptied.
    Their account, entries and balance stay, so that the accorderie still
    sums to zero.

    :param id: the member's id
    :type id: string
    :returns: ``{"id": member id, "erased": timestamp}``
    :rtype: dict
    """
    tk.check_access("accorderie_member_erase", context, data_dict)
    session = session_of(context)
    member = ledger.lock_member(session, data_dict.get("id") or "")
    if member is None:
        raise tk.ObjectNotFound(tk._("{field}: {value} was not found.").format(field="id", value=data_dict.get("id")))
    if member.erased:
        raise tk.ValidationError({"id": [tk._("This member's data was already erased.")]})

    erase_member(session, member)
    _commit(context)

    log.info("Member %s of accorderie %s erased", member.id, member.accorderie_id)
    return {"id": member.id, "erased": member.erased.isoformat()}


def erase_member(session: Any, member: acc_model.Member) -> None:
    """Anonymise a locked member row in the caller's transaction."""
    parties = sa.or_(
        acc_model.Exchange.provider_id == member.id,
        acc_model.Exchange.receiver_id == member.id,
    )
    session.execute(
        sa.update(acc_model.Exchange)
        .where(parties, acc_model.Exchange.state == "pending")
        .values(state="cancelled")
    )
    session.execute(sa.update(acc_model.Exchange).where(parties).values(note=None))
    session.execute(sa.delete(acc_model.Service).where(acc_model.Service.member_id == member.id))
    note_action.delete_notes_of(session, member.id)

    for field in MEMBER_PROFILE_FIELDS:
        if not field.endswith("_visibility"):
            setattr(member, field, None)
    member.orientation_date = None
    member.user_id = None
    member.state = "left"
    member.role = "member"
    member.erased = _utcnow()
    session.flush()


@tk.chained_action
def user_delete(original_action: Action, context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Delete a CKAN user, then erase their accorderie memberships.

    Chained to CKAN's ``user_delete`` (same callers: sysadmins) so that
    deleting the account of a member erases them as
    ``accorderie_member_erase`` does. The erasure runs after CKAN's own
    action, so it never happens when that action is refused or fails.
    """
    user = model.User.get(data_dict.get("id") or "")
    result = original_action(context, data_dict)
    if user is None:
        return result

    session = session_of(context)
    member_ids = session.execute(
        sa.select(acc_model.Member.id).where(acc_model.Member.user_id == user.id)
    ).scalars().all()
    for member_id in member_ids:
        member = ledger.lock_member(session, member_id)
        if member is not None and not member.erased:
            erase_member(session, member)
            log.info("Member %s erased because its CKAN user was deleted", member.id)
    _commit(context)
    return result


# Services


def _service_level(viewer: Viewer, service: acc_model.Service) -> str:
    own = viewer.membership(service.accorderie_id)
    if own is not None and own.id == service.member_id:
        return "self"
    level = dz.reader_level(viewer, service.accorderie_id)
    # A sysadmin reads services like staff: "self" is for the owner.
    return "staff" if level == "self" else level


def _service_result(context: Context, service: acc_model.Service) -> dict[str, Any]:
    level = _service_level(get_viewer(context), service)
    if level == "public":
        # The public view names nobody, so the member and user are not read.
        return dz.service_dictize(service, None, None, level)
    owner = session_of(context).execute(
        sa.select(*_owner_columns())
        .select_from(acc_model.Member)
        .outerjoin(model.User, model.User.id == acc_model.Member.user_id)
        .where(acc_model.Member.id == service.member_id)
    ).one()
    return dz.service_dictize(service, *_member_and_user(owner), level)


# A "<" that does not open a Markdown autolink such as <https://...>.
_RAW_HTML_START = re.compile(r"<(?!(?:https?://|mailto:)[^<>\s]+>)")


def _render_description(markdown: str) -> str:
    """Render Markdown to HTML with CKAN's helper, which drops unsafe links.

    HTML typed in a description is shown as text, as its author wrote it,
    instead of being stripped: every ``<`` outside an autolink is escaped
    first.
    """
    return str(render_markdown(_RAW_HTML_START.sub("&lt;", markdown or "")))


def _check_service_status(viewer: Viewer, service_accorderie: str, new: str, old: Optional[str]) -> None:
    if viewer.is_staff(service_accorderie):
        return
    if new == "hidden" or (old == "hidden" and new != "hidden"):
        raise tk.ValidationError({"status": [
            tk._("Only staff may hide a service or show a hidden one.")
        ]})


def _check_not_my_profession(
    context: Context, accorderie_id: str, member_id: str, data: DataDict
) -> None:
    """Require ``not_my_profession`` when a member publishes their own offer.

    The accorderie exchanges services between neighbours, never the work
    of a profession, so the member states it on each offer they publish.
    Staff recording an offer for another member, and trusted code such as
    the CSV import (``ignore_auth``), are exempt: the statement is the
    member's own, so no one else can make it on their behalf.
    """
    if data["type"] != "offer" or data["status"] != "published" or context.get("ignore_auth"):
        return
    own = get_viewer(context).membership(accorderie_id)
    if own is None or own.id != member_id:
        return
    if not data.get("not_my_profession"):
        raise tk.ValidationError({"not_my_profession": [tk._(
            "Confirm that this service is not your profession: the accorderie "
            "exchanges services between neighbours, never the work of a profession."
        )]})


def accorderie_service_create(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Publish an offer or a request of a service.

    An active member may create one for themself; staff for any active
    member of their accorderie. Only staff may set the status ``hidden``.

    :param member_id: the member offering or requesting the service
    :type member_id: string
    :param type: ``offer`` or ``request``
    :type type: string
    :param title: short title
    :type title: string
    :param description: Markdown text (optional, default: "")
    :type description: string
    :param category_id: id of a category (see ``accorderie_category_list``)
    :type category_id: string
    :param neighbourhood: one of the accorderie's neighbourhoods (optional)
    :type neighbourhood: string
    :param availability: when the service is available (optional)
    :type availability: string
    :param status: ``draft``, ``published``, ``closed`` or ``hidden``
        (optional, default: ``draft``)
    :type status: string
    :param expires: last day the service is listed, YYYY-MM-DD (optional)
    :type expires: string
    :param not_my_profession: the member's statement that the service is
        not their profession; required true when a member publishes their
        own offer, but not when staff publish for another member (optional,
        default: false)
    :type not_my_profession: bool
    :returns: the service, with every field its owner may read
    :rtype: dict
    """
    tk.check_access("accorderie_service_create", context, data_dict)
    data = validate(data_dict, acc_schema.service_create_schema(), context)
    session = session_of(context)
    member = _get_or_404(context, acc_model.Member, data["member_id"], "member_id")
    if member.state != "active":
        raise tk.ValidationError({"member_id": [
            tk._("Only an active member may offer or request a service.")
        ]})
    accorderie = session.get(acc_model.Accorderie, member.accorderie_id)
    _check_neighbourhood(accorderie, data.get("neighbourhood"))
    _check_service_status(get_viewer(context), accorderie.id, data["status"], None)
    _check_not_my_profession(context, accorderie.id, member.id, data)

    now = _utcnow()
    service = acc_model.Service(
        accorderie_id=accorderie.id,
        member_id=member.id,
        created=now,
        modified=now,
        description_html=_render_description(data["description"]),
        **{field: data.get(field) for field in SERVICE_FIELDS},
    )
    session.add(service)
    _commit(context)

    log.debug("Service %s created", service.id)
    return _service_result(context, service)


@tk.side_effect_free
def accorderie_service_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return a service, cut to what the caller may see.

    Anybody may read a published service: its type, title, description,
    category, neighbourhood and dates, but no member identity. Active
    members of the same accorderie also get the member's display name,
    availability and the contact details shown to members. The owner and
    staff get every field and may read unpublished services.

    :param id: the service's id
    :type id: string
    :returns: the service
    :rtype: dict
    """
    tk.check_access("accorderie_service_show", context, data_dict)
    return _service_result(context, _get_or_404(context, acc_model.Service, data_dict.get("id")))


@tk.side_effect_free
def accorderie_service_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Search services, with filters and French full-text search.

    Anybody may call it. Anonymous visitors and other readers get published
    services that have not expired. When they ask for another ``status``, a
    member also gets their own services and staff get every service of
    their accorderie. The text query is stemmed and accent-insensitive:
    ``menage`` finds "Ménages".

    With ``q`` and the default sort, ``count`` is exact up to
    ``ckanext.accorderie.search_count_max`` matches (default 200) and is
    that number, with ``count_capped`` true, past it, because an exact
    count would read every match. The ``relevance`` sort ranks every
    match, so it takes longer as the list grows, and always counts
    exactly.

    :param accorderie_id: id or name of an accorderie (optional)
    :type accorderie_id: string
    :param type: ``offer`` or ``request`` (optional)
    :type type: string
    :param category_id: a category id (optional)
    :type category_id: string
    :param neighbourhood: a neighbourhood (optional)
    :type neighbourhood: string
    :param member_id: only this member's services (optional)
    :type member_id: string
    :param status: (optional, default: ``published``)
    :type status: string
    :param q: words to search in titles and descriptions (optional)
    :type q: string
    :param sort: ``newest`` (newest first, by creation time then id) or
        ``relevance`` (best match to ``q`` first, then newest) (optional,
        default: ``newest``)
    :type sort: string
    :param limit: page size (optional, default: 20)
    :type limit: int
    :param offset: rows to skip (optional, default: 0)
    :type offset: int
    :returns: ``{"count": total, "count_capped": bool, "results": [services]}``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.service_list_schema(), context)
    tk.check_access("accorderie_service_list", context, data)
    viewer = get_viewer(context)
    session = session_of(context)

    # A caller with no membership reads every service at the public level,
    # so members and users are not joined for them.
    named = viewer.sysadmin or bool(viewer.memberships)
    filters = tuple(field for field in _SERVICE_LIST_FILTERS if data.get(field))
    text = bool(data.get("q"))
    sort = data["sort"] if text else "newest"
    statement = _service_list_statement(
        filters, text, sort, named, viewer.sysadmin,
        bool(viewer.member_ids()), bool(viewer.staff_accorderie_ids()),
    )

    # A text query sorted newest first is counted up to a cap, because an
    # exact count reads every match. The relevance sort reads every match
    # to rank it anyway, so it counts exactly.
    count_max: Optional[int] = None
    if text and sort == "newest":
        count_max = tk.config["ckanext.accorderie.search_count_max"]
    params: dict[str, Any] = {field: data[field] for field in filters}
    params.update({
        "status": data.get("status", "published"),
        "today": datetime.date.today(),
        "member_ids": viewer.member_ids(),
        "staff_accorderie_ids": viewer.staff_accorderie_ids(),
        "q": data.get("q"),
        "count_limit": count_max + 1 if count_max is not None else None,
        "limit": data["limit"],
        "offset": data["offset"],
    })
    rows = session.execute(statement.page, params).all()
    if not rows and data.get("accorderie_id"):
        _check_accorderie_exists(context, data["accorderie_id"])

    results = []
    for row in rows:
        if not named:
            results.append(dz.service_dictize(row, None, None, "public"))
            continue
        level = _service_level(viewer, row)
        results.append(dz.service_dictize(row, *_member_and_user(row), level))

    # Every row of the page carries the total. A page past the end has no
    # row, so only then is the total counted in a query of its own.
    if rows:
        found = rows[0].total
    elif data["offset"]:
        found = session.execute(statement.count, params).scalar_one()
    else:
        found = 0
    count_capped = count_max is not None and found > count_max
    count = min(found, count_max) if count_max is not None else found
    return {"count": count, "count_capped": count_capped, "results": results}


# The equality filters of accorderie_service_list.
_SERVICE_LIST_FILTERS = ("accorderie_id", "type", "category_id", "neighbourhood", "member_id")


@functools.lru_cache(maxsize=256)
def _service_list_statement(
    filters: tuple[str, ...],
    text: bool,
    sort: str,
    named: bool,
    sysadmin: bool,
    own_services: bool,
    staff_services: bool,
) -> SimpleNamespace:
    """Build, once per process and shape, the queries of a service list.

    Returns ``page``, the page's services (with the owner's columns when
    ``named``) and the ``total`` of matches on every row, and ``count``,
    the total alone. Their parameters are named after the action's fields,
    plus ``status``, ``today``, ``member_ids``, ``staff_accorderie_ids``
    and ``count_limit``. The queries are built from bound
    parameters once, because building and hashing the SQL expressions cost
    more per call than running them.
    """
    service = acc_model.Service
    conditions: list[Any] = [
        service.status == sa.bindparam("status"),
        _visible_services(sysadmin, own_services, staff_services),
    ]
    for field in filters:
        if field == "accorderie_id":
            accorderie = acc_model.Accorderie
            wanted = sa.bindparam("accorderie_id", type_=sa.UnicodeText)
            conditions.append(service.accorderie_id == sa.select(accorderie.id).where(
                sa.or_(accorderie.id == wanted, accorderie.name == wanted)
            ).scalar_subquery())
        else:
            conditions.append(getattr(service, field) == sa.bindparam(field))

    # The newest-first order matches accorderie_service_newest_idx, so
    # PostgreSQL reads that index backwards and stops after the page.
    order: list[Any] = [service.created.desc(), service.id.desc()]
    if text:
        tsquery = sa.func.websearch_to_tsquery(
            acc_model.SEARCH_CONFIG, sa.bindparam("q", type_=sa.UnicodeText)
        )
        conditions.append(service.search_vector.op("@@")(tsquery))
        if sort == "relevance":
            order.insert(0, sa.func.ts_rank(service.search_vector, tsquery).desc())

    counted = sa.select(service.id).where(*conditions)
    if text and sort == "newest":
        # No order, so PostgreSQL may stop after count_limit index matches.
        counted = counted.limit(sa.bindparam("count_limit"))
    total: Any = sa.select(sa.func.count()).select_from(counted.subquery()).scalar_subquery()

    # One ordered query with a limit: PostgreSQL reads the page's rows in
    # index order and joins the owners of those rows only. The relevance
    # order reads every match to rank it, so its total comes from a window
    # over the matches. Otherwise the total is a scalar subquery, which
    # PostgreSQL plans on its own: planned as a window, it was costed as if
    # it stopped after the page, and then walked the whole newest-first
    # index. Plain rows, not ORM objects: loading and tracking objects cost
    # more than the query.
    page_total = sa.func.count().over() if sort == "relevance" else total
    query = sa.select(page_total.label("total"), *_service_columns(named)).select_from(service)
    if named:
        query = query.join(acc_model.Member, acc_model.Member.id == service.member_id).outerjoin(
            model.User, model.User.id == acc_model.Member.user_id
        )
    query = (
        query.where(*conditions)
        .order_by(*order)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )
    return SimpleNamespace(page=query, count=sa.select(total))


def _check_accorderie_exists(context: Context, id_or_name: str) -> None:
    try:
        acc_validators.accorderie_accorderie_id_exists(id_or_name, context)
    except tk.Invalid as error:
        raise tk.ValidationError({"accorderie_id": [error.error]})


def _service_columns(named: bool) -> list[Any]:
    """Return the columns that ``service_dictize`` reads, with the owner's
    (see ``_owner_columns``) when ``named``."""
    table = acc_model.Service.__table__
    columns: list[Any] = [c for c in table.c if c.name != "search_vector"]
    return columns + _owner_columns() if named else columns


def _owner_columns() -> list[Any]:
    """Return the owner's user id, contact fields and user names, labelled
    for ``_member_and_user``."""
    member = acc_model.Member
    columns: list[Any] = [member.user_id.label("member_user_id")]
    for field in dz.CONTACT_FIELDS:
        columns += [
            getattr(member, field).label(f"member_{field}"),
            getattr(member, f"{field}_visibility").label(f"member_{field}_visibility"),
        ]
    return columns + [model.User.name.label("user_name"), model.User.fullname.label("user_fullname")]


def _member_and_user(row: Any) -> tuple[Any, Any]:
    """Split the owner's fields of a row with ``_owner_columns`` into
    objects with the attributes that ``service_dictize`` reads."""
    member = SimpleNamespace(user_id=row.member_user_id, **{
        name: getattr(row, f"member_{name}")
        for field in dz.CONTACT_FIELDS
        for name in (field, f"{field}_visibility")
    })
    user = None
    if row.user_name is not None:
        user = SimpleNamespace(name=row.user_name, fullname=row.user_fullname)
    return member, user


def _visible_services(sysadmin: bool, own_services: bool, staff_services: bool) -> Any:
    """Return the condition on the services that a caller may read, with
    the bound parameters ``today``, ``member_ids`` (the caller's member
    rows) and ``staff_accorderie_ids``."""
    if sysadmin:
        return sa.true()
    service = acc_model.Service
    visible = [sa.and_(
        service.status == "published",
        sa.or_(service.expires.is_(None), service.expires >= sa.bindparam("today", type_=sa.Date)),
    )]
    # Only the alternatives that can match, so the planner gets a simple
    # condition for anonymous visitors.
    if own_services:
        visible.append(service.member_id.in_(sa.bindparam("member_ids", expanding=True)))
    if staff_services:
        visible.append(
            service.accorderie_id.in_(sa.bindparam("staff_accorderie_ids", expanding=True))
        )
    return sa.or_(*visible)


def accorderie_service_update(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Replace a service's fields.

    Its owner and staff may call it, with the parameters of
    ``accorderie_service_create`` but ``member_id``: a service never
    changes owner. Only staff may hide a service or show a hidden one. A
    member who leaves their own offer published must give
    ``not_my_profession`` true, as in ``accorderie_service_create``.

    :param id: the service's id
    :type id: string
    :returns: the service, cut to what the caller may read
    :rtype: dict
    """
    tk.check_access("accorderie_service_update", context, data_dict)
    service = _get_or_404(context, acc_model.Service, data_dict.get("id"))
    data = validate(data_dict, acc_schema.service_update_schema(), context)
    accorderie = session_of(context).get(acc_model.Accorderie, service.accorderie_id)
    _check_neighbourhood(accorderie, data.get("neighbourhood"))
    _check_service_status(get_viewer(context), accorderie.id, data["status"], service.status)
    _check_not_my_profession(context, accorderie.id, service.member_id, data)

    for field in SERVICE_FIELDS:
        setattr(service, field, data.get(field))
    service.description_html = _render_description(data["description"])
    service.modified = _utcnow()
    _commit(context)

    log.debug("Service %s updated", service.id)
    return _service_result(context, service)


def accorderie_service_patch(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Change some fields of a service, keeping the others.

    Its owner and staff may call it, with the parameters of
    ``accorderie_service_update``, all optional but ``id``.

    :param id: the service's id
    :type id: string
    :returns: the service, cut to what the caller may read
    :rtype: dict
    """
    tk.check_access("accorderie_service_patch", context, data_dict)
    service = _get_or_404(context, acc_model.Service, data_dict.get("id"))
    return accorderie_service_update(context, _patched(service, SERVICE_FIELDS, data_dict))


def accorderie_service_delete(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Delete a service. Exchanges that named it keep no link to it.

    Its owner and staff may call it.

    :param id: the service's id
    :type id: string
    """
    tk.check_access("accorderie_service_delete", context, data_dict)
    service = _get_or_404(context, acc_model.Service, data_dict.get("id"))
    session_of(context).delete(service)
    _commit(context)
    log.debug("Service %s deleted", data_dict.get("id"))


# Exchanges


def _display_names(session: Any, member_ids: set[str]) -> dict[str, Optional[str]]:
    """Return the display names of several members in one query."""
    if not member_ids:
        return {}
    rows = session.execute(
        sa.select(acc_model.Member.id, sa.func.coalesce(model.User.fullname, model.User.name))
        .outerjoin(model.User, model.User.id == acc_model.Member.user_id)
        .where(acc_model.Member.id.in_(member_ids))
    ).all()
    return {member_id: name for member_id, name in rows}


def _exchange_result(context: Context, exchange: acc_model.Exchange) -> dict[str, Any]:
    names = _display_names(session_of(context), {exchange.provider_id, exchange.receiver_id})
    return dz.exchange_dictize(exchange, names)


def accorderie_exchange_create(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Record an exchange, to be confirmed by the other party or staff.

    Either party may record it when the accorderie allows members to record
    exchanges. Staff may record it on behalf of a party who is not online,
    and the exchange then stores that it was recorded on their behalf.

    :param provider_id: the member who gave their time
    :type provider_id: string
    :param receiver_id: the member who received it
    :type receiver_id: string
    :param duration: how long, such as ``1,5``, ``1.5``, ``1h30`` or
        ``90 min``; a bare number is hours
    :type duration: string
    :param exchange_date: the day of the exchange, YYYY-MM-DD
    :type exchange_date: string
    :param service_id: the service exchanged (optional)
    :type service_id: string
    :param note: a note for both parties (optional)
    :type note: string
    :param recorded_by_id: when staff record on behalf of a party, which
        party (optional, default: the provider)
    :type recorded_by_id: string
    :returns: the exchange, in state ``pending``
    :rtype: dict
    """
    tk.check_access("accorderie_exchange_create", context, data_dict)
    data = validate(data_dict, acc_schema.exchange_create_schema(), context)
    session = session_of(context)
    viewer = get_viewer(context)
    provider = _get_or_404(context, acc_model.Member, data["provider_id"], "provider_id")
    receiver = _get_or_404(context, acc_model.Member, data["receiver_id"], "receiver_id")
    accorderie = session.get(acc_model.Accorderie, provider.accorderie_id)
    _check_parties(provider, receiver)
    _check_exchange_minutes(accorderie, data["duration"])
    if data.get("service_id"):
        _check_exchange_service(session, data["service_id"], provider, receiver)

    exchange = acc_model.Exchange(
        accorderie_id=accorderie.id,
        provider_id=provider.id,
        receiver_id=receiver.id,
        service_id=data.get("service_id"),
        exchange_date=data["exchange_date"],
        minutes=data["duration"],
        note=data.get("note"),
        state="pending",
        created=_utcnow(),
        **_recorder(viewer, provider, receiver, data_dict.get("recorded_by_id")),
    )
    session.add(exchange)
    _commit(context)

    log.debug("Exchange %s recorded", exchange.id)
    return _exchange_result(context, exchange)


def _check_parties(provider: acc_model.Member, receiver: acc_model.Member) -> None:
    if provider.id == receiver.id:
        raise tk.ValidationError({"receiver_id": [
            tk._("The provider and the receiver must be two different members.")
        ]})
    if provider.accorderie_id != receiver.accorderie_id:
        raise tk.ValidationError({"receiver_id": [
            tk._("The provider and the receiver must be members of the same accorderie.")
        ]})
    for field, member in (("provider_id", provider), ("receiver_id", receiver)):
        if member.state != "active":
            raise tk.ValidationError({field: [
                tk._("Member {number} is not active: their state is {state}.").format(
                    number=member.number, state=member.state
                )
            ]})


def _check_exchange_minutes(accorderie: acc_model.Accorderie, minutes: int) -> None:
    if minutes > accorderie.max_exchange:
        raise tk.ValidationError({"duration": [
            tk._("The duration {value} is longer than this accorderie's maximum of {limit}.").format(
                value=accorderie_format_minutes(minutes),
                limit=accorderie_format_minutes(accorderie.max_exchange),
            )
        ]})


def _check_exchange_service(
    session: Any, service_id: str, provider: acc_model.Member, receiver: acc_model.Member
) -> None:
    service = session.get(acc_model.Service, service_id)
    if service is None or service.member_id not in (provider.id, receiver.id):
        raise tk.ValidationError({"service_id": [
            tk._("The service must be one of the provider's or the receiver's.")
        ]})


def _recorder(
    viewer: Viewer, provider: acc_model.Member, receiver: acc_model.Member, requested: Any
) -> dict[str, Any]:
    for party in (provider, receiver):
        if viewer.is_self(party):
            return {"recorded_by_id": party.id, "recorded_on_behalf": False}

    # Staff (or trusted code) on behalf of a party.
    if requested not in (None, "", provider.id, receiver.id):
        raise tk.ValidationError({"recorded_by_id": [
            tk._("Record an exchange on behalf of its provider or its receiver.")
        ]})
    staff = viewer.membership(provider.accorderie_id)
    return {
        "recorded_by_id": requested or provider.id,
        "recorded_on_behalf": True,
        "recorded_by_staff_id": staff.id if staff is not None else None,
    }


@tk.side_effect_free
def accorderie_exchange_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return an exchange.

    Its two members and staff of the accorderie may call it.

    :param id: the exchange's id
    :type id: string
    :returns: the exchange, with the parties' display names
    :rtype: dict
    """
    tk.check_access("accorderie_exchange_show", context, data_dict)
    return _exchange_result(context, _get_or_404(context, acc_model.Exchange, data_dict.get("id")))


@tk.side_effect_free
def accorderie_exchange_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List exchanges, newest first.

    Any logged-in user may call it: members get the exchanges they take
    part in, staff every exchange of their accorderie.

    :param accorderie_id: id or name of an accorderie (optional)
    :type accorderie_id: string
    :param member_id: only the exchanges of this member (optional)
    :type member_id: string
    :param state: ``pending``, ``settled``, ``rejected`` or ``cancelled``
        (optional)
    :type state: string
    :param limit: page size (optional, default: 20)
    :type limit: int
    :param offset: rows to skip (optional, default: 0)
    :type offset: int
    :returns: ``{"count": total, "results": [exchanges]}``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.exchange_list_schema(), context)
    tk.check_access("accorderie_exchange_list", context, data)
    viewer = get_viewer(context)
    exchange = acc_model.Exchange
    session = session_of(context)

    query = sa.select(exchange, sa.func.count().over().label("total"))
    if not viewer.sysadmin:
        own = viewer.member_ids() or [""]
        query = query.where(sa.or_(
            exchange.provider_id.in_(own),
            exchange.receiver_id.in_(own),
            exchange.accorderie_id.in_(viewer.staff_accorderie_ids() or [""]),
        ))
    if data.get("accorderie_id"):
        query = query.where(exchange.accorderie_id == data["accorderie_id"])
    if data.get("member_id"):
        query = query.where(sa.or_(
            exchange.provider_id == data["member_id"], exchange.receiver_id == data["member_id"]
        ))
    if data.get("state"):
        query = query.where(exchange.state == data["state"])
    query = query.order_by(exchange.created.desc()).limit(data["limit"]).offset(data["offset"])

    rows = session.execute(query).all()
    names = _display_names(session, {r[0].provider_id for r in rows} | {r[0].receiver_id for r in rows})
    return {
        "count": rows[0].total if rows else 0,
        "results": [dz.exchange_dictize(row[0], names) for row in rows],
    }


def _lock_pending_exchange(context: Context, exchange_id: Any) -> acc_model.Exchange:
    """Lock an exchange and check, under the lock, that it is pending."""
    exchange = ledger.lock_exchange(session_of(context), exchange_id or "")
    if exchange is None:
        raise tk.ObjectNotFound(tk._("{field}: {value} was not found.").format(field="id", value=exchange_id))

    messages = {
        "settled": tk._("This exchange is already confirmed."),
        "rejected": tk._("This exchange was rejected; record a new one if needed."),
        "cancelled": tk._("This exchange was cancelled; record a new one if needed."),
    }
    if exchange.state in messages:
        raise tk.ValidationError({"id": [messages[exchange.state]]})
    return exchange


def _closer_id(viewer: Viewer, exchange: acc_model.Exchange) -> Optional[str]:
    member = viewer.membership(exchange.accorderie_id)
    return member.id if member is not None else None


def accorderie_exchange_confirm(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Confirm a pending exchange and settle it on the ledger.

    The party who did not record it and staff may call it. Settling credits
    the provider and debits the receiver in one transaction. It is rejected
    when the receiver would fall below the lowest balance, or the provider
    rise above the highest. A second confirmation is refused as "already
    confirmed", even when both arrive at the same moment.

    :param id: the exchange's id
    :type id: string
    :returns: the settled exchange
    :rtype: dict
    """
    tk.check_access("accorderie_exchange_confirm", context, data_dict)
    exchange = _lock_pending_exchange(context, data_dict.get("id"))
    session = session_of(context)
    provider = session.get(acc_model.Member, exchange.provider_id)
    receiver = session.get(acc_model.Member, exchange.receiver_id)
    _check_parties(provider, receiver)

    accorderie = session.get(acc_model.Accorderie, exchange.accorderie_id)
    ledger.settle_exchange(session, exchange, accorderie)
    exchange.closed_by_id = _closer_id(get_viewer(context), exchange)
    _commit(context)

    log.info("Exchange %s confirmed and settled", exchange.id)
    return _exchange_result(context, exchange)


def _close_exchange(context: Context, data_dict: DataDict, state: str) -> dict[str, Any]:
    exchange = _lock_pending_exchange(context, data_dict.get("id"))
    exchange.state = state
    exchange.closed_by_id = _closer_id(get_viewer(context), exchange)
    _commit(context)
    log.info("Exchange %s %s", exchange.id, state)
    return _exchange_result(context, exchange)


def accorderie_exchange_reject(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Reject a pending exchange: it will never be settled.

    The party who did not record it and staff may call it.

    :param id: the exchange's id
    :type id: string
    :returns: the exchange, in state ``rejected``
    :rtype: dict
    """
    tk.check_access("accorderie_exchange_reject", context, data_dict)
    return _close_exchange(context, data_dict, "rejected")


def accorderie_exchange_cancel(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Cancel a pending exchange: it will never be settled.

    The party who recorded it and staff may call it.

    :param id: the exchange's id
    :type id: string
    :returns: the exchange, in state ``cancelled``
    :rtype: dict
    """
    tk.check_access("accorderie_exchange_cancel", context, data_dict)
    return _close_exchange(context, data_dict, "cancelled")


def accorderie_exchange_reverse(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Correct a settled exchange with a reversing one, settled at once.

    Only staff of the accorderie and sysadmins may call it. The reversing
    exchange swaps provider and receiver and has the same duration. It skips
    the balance limits, because a correction must always be possible; the
    ledger still balances. An exchange is reversed at most once, and a
    reversing exchange is never reversed.

    :param id: the id of the settled exchange
    :type id: string
    :returns: the reversing exchange
    :rtype: dict
    """
    tk.check_access("accorderie_exchange_reverse", context, data_dict)
    session = session_of(context)
    original = ledger.lock_exchange(session, data_dict.get("id") or "")
    if original is None:
        raise tk.ObjectNotFound(tk._("{field}: {value} was not found.").format(field="id", value=data_dict.get("id")))
    if original.state != "settled":
        raise tk.ValidationError({"id": [tk._("Only a settled exchange can be reversed.")]})
    if original.reverses_id:
        raise tk.ValidationError({"id": [
            tk._("This exchange is itself a correction; record a new exchange instead.")
        ]})
    already = session.query(acc_model.Exchange).filter_by(reverses_id=original.id).one_or_none()
    if already is not None:
        raise tk.ValidationError({"id": [tk._("This exchange was already reversed.")]})

    viewer = get_viewer(context)
    staff = viewer.membership(original.accorderie_id)
    reversal = acc_model.Exchange(
        accorderie_id=original.accorderie_id,
        provider_id=original.receiver_id,
        receiver_id=original.provider_id,
        exchange_date=datetime.date.today(),
        minutes=original.minutes,
        state="pending",
        recorded_by_id=original.receiver_id,
        recorded_on_behalf=True,
        recorded_by_staff_id=staff.id if staff is not None else None,
        reverses_id=original.id,
        created=_utcnow(),
    )
    session.add(reversal)
    session.flush()
    accorderie = session.get(acc_model.Accorderie, original.accorderie_id)
    ledger.settle_exchange(session, reversal, accorderie, check_limits=False)
    reversal.closed_by_id = reversal.recorded_by_staff_id
    _commit(context)

    log.info("Exchange %s reversed by exchange %s", original.id, reversal.id)
    return _exchange_result(context, reversal)


# Ledger


@tk.side_effect_free
def accorderie_ledger_audit(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Check every invariant of the ledger of all accorderies.

    Only sysadmins may call it. These are the invariants:

    - each account's balance equals the sum of its entries;
    - each transfer has exactly two entries, which sum to zero;
    - every entry is on an account of its transfer's accorderie;
    - the balances of each accorderie sum to zero;
    - a settled exchange has exactly one transfer, which credits the
      provider and debits the receiver by the exchange's minutes, and
      any other exchange has none;
    - a reversal swaps the parties of a settled exchange, for the same
      minutes, and is never reversed itself.

    :param invariants: names of the invariants to check (optional,
        default: all of ``ledger.AUDIT_INVARIANTS``)
    :type invariants: list of strings
    :param max_ids: maximum number of ids listed per failed invariant (optional,
        default: 100)
    :type max_ids: int
    :returns: ``{"ok": bool, "failures": {invariant: [ids]}}``
    :rtype: dict
    """
    tk.check_access("accorderie_ledger_audit", context, data_dict)
    data = validate(data_dict, acc_schema.ledger_audit_schema(), context)
    unknown = set(data.get("invariants") or ()) - set(ledger.AUDIT_INVARIANTS)
    if unknown:
        raise tk.ValidationError({"invariants": [
            tk._("Unknown invariants: {names}.").format(names=", ".join(sorted(unknown)))
        ]})
    return ledger.audit(
        session_of(context),
        invariants=data.get("invariants") or ledger.AUDIT_INVARIANTS,
        max_ids=data["max_ids"],
    )


@tk.side_effect_free
def accorderie_report_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return the activity figures of an accorderie, for its staff.

    Staff of the accorderie and sysadmins may call it. Hours are settled
    exchanges counted on their exchange date; reversals count negatively,
    so a corrected exchange adds nothing.

    :param accorderie_id: the id or name of the accorderie
    :type accorderie_id: string
    :param months: how many months back, the current one included
        (optional, default: 12)
    :type months: int
    :returns: ``{"minutes_by_month": [{"month": "YYYY-MM", "minutes"}],
        "minutes_by_category": [{"category_id", "minutes"}],
        "members_by_state": {state: count}, "active_members": count of
        members in an exchange of the period, "unanswered": published
        services that no exchange names, oldest first, at most 50,
        "unanswered_count"}``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.report_show_schema(), context)
    tk.check_access("accorderie_report_show", context, data)
    session = session_of(context)
    exchange, service = acc_model.Exchange, acc_model.Service

    today = datetime.date.today()
    month_index = today.year * 12 + today.month - 1 - (data["months"] - 1)
    first_month = datetime.date(month_index // 12, month_index % 12 + 1, 1)
    settled = sa.and_(
        exchange.accorderie_id == data["accorderie_id"],
        exchange.state == "settled",
        exchange.exchange_date >= first_month,
    )
    # A reversal swaps the parties of the exchange it corrects.
    signed_minutes = sa.case((exchange.reverses_id.is_(None), exchange.minutes), else_=-exchange.minutes)

    month = sa.func.to_char(exchange.exchange_date, "YYYY-MM")
    by_month = session.execute(
        sa.select(month, sa.func.sum(signed_minutes)).where(settled).group_by(month).order_by(month)
    ).all()

    original = aliased(acc_model.Exchange)
    category = sa.func.coalesce(service.category_id, "")
    by_category = session.execute(
        sa.select(category, sa.func.sum(signed_minutes))
        .select_from(exchange)
        .outerjoin(original, original.id == exchange.reverses_id)
        .outerjoin(service, service.id == sa.func.coalesce(original.service_id, exchange.service_id))
        .where(settled)
        .group_by(category)
        .order_by(sa.func.sum(signed_minutes).desc())
    ).all()

    parties = sa.union(
        sa.select(exchange.provider_id.label("member_id")).where(settled),
        sa.select(exchange.receiver_id.label("member_id")).where(settled),
    ).subquery()
    active_members = session.execute(sa.select(sa.func.count()).select_from(parties)).scalar_one()

    states = session.execute(
        sa.select(acc_model.Member.state, sa.func.count())
        .where(acc_model.Member.accorderie_id == data["accorderie_id"])
        .group_by(acc_model.Member.state)
    ).all()

    named = sa.select(exchange.id).where(exchange.service_id == service.id, exchange.state != "cancelled")
    unanswered = (
        sa.select(service, sa.func.count().over().label("total"))
        .where(
            service.accorderie_id == data["accorderie_id"],
            service.status == "published",
            ~sa.exists(named),
        )
        .order_by(service.created)
        .limit(50)
    )
    unanswered_rows = session.execute(unanswered).all()

    return {
        "accorderie_id": data["accorderie_id"],
        "months": data["months"],
        "minutes_by_month": [{"month": m, "minutes": int(total)} for m, total in by_month],
        "minutes_by_category": [
            {"category_id": c or None, "minutes": int(total)} for c, total in by_category
        ],
        "members_by_state": {state: count for state, count in states},
        "active_members": active_members,
        "unanswered": [
            dz.service_dictize(row[0], None, None, "public") for row in unanswered_rows
        ],
        "unanswered_count": unanswered_rows[0].total if unanswered_rows else 0,
    }
