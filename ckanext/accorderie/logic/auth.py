"""Auth functions of the accorderie actions, one per action.

Sysadmins pass every check before these functions run (CKAN's authz), so
they never appear below. Functions marked ``auth_allow_anonymous_access``
are the only ones open to anonymous visitors.
"""
from __future__ import annotations

from typing import Any, Optional, TypeVar

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from .. import model as acc_model
from .access import get_viewer, session_of

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
]

T = TypeVar("T")


def _ok() -> AuthResult:
    return {"success": True}


def _refuse(message: str) -> AuthResult:
    return {"success": False, "msg": message}


def get_object(context: Context, model_class: type[T], data_dict: Optional[DataDict], key: str = "id") -> T:
    """Load the object named by ``data_dict[key]`` or raise ObjectNotFound."""
    object_id = (data_dict or {}).get(key)
    obj = session_of(context).get(model_class, object_id) if object_id else None
    if obj is None:
        raise tk.ObjectNotFound(
            tk._("{field}: {value} was not found.").format(field=key, value=object_id)
        )
    # The session keeps only weak references to the objects it loaded. This
    # one keeps the object alive for the rest of the call, so the action's
    # own lookup of it finds it in the session instead of reading it again.
    context.setdefault("accorderie_loaded", []).append(obj)  # type: ignore[misc]
    return obj


def _staff_only(context: Context, accorderie_id: str) -> AuthResult:
    if get_viewer(context).is_staff(accorderie_id):
        return _ok()
    return _refuse(tk._("Only the staff of this accorderie may do this."))


# Accorderies and categories


def accorderie_accorderie_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _refuse(tk._("Only sysadmins may create an accorderie."))


@tk.auth_allow_anonymous_access
def accorderie_accorderie_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _ok()


@tk.auth_allow_anonymous_access
def accorderie_accorderie_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _ok()


def accorderie_accorderie_update(context: Context, data_dict: DataDict) -> AuthResult:
    accorderie = get_object(context, acc_model.Accorderie, data_dict)
    return _staff_only(context, accorderie.id)


def accorderie_accorderie_patch(context: Context, data_dict: DataDict) -> AuthResult:
    return accorderie_accorderie_update(context, data_dict)


@tk.auth_allow_anonymous_access
def accorderie_category_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _ok()


def accorderie_category_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _refuse(tk._("Only sysadmins may create a category."))


# Members


def accorderie_member_apply(context: Context, data_dict: DataDict) -> AuthResult:
    if get_viewer(context).anonymous:
        return _refuse(tk._("Log in to apply to an accorderie."))
    return _ok()


def accorderie_membership_list(context: Context, data_dict: DataDict) -> AuthResult:
    if get_viewer(context).anonymous:
        return _refuse(tk._("Log in to see your memberships."))
    return _ok()


def accorderie_member_approve(context: Context, data_dict: DataDict) -> AuthResult:
    member = get_object(context, acc_model.Member, data_dict)
    return _staff_only(context, member.accorderie_id)


def accorderie_member_decline(context: Context, data_dict: DataDict) -> AuthResult:
    member = get_object(context, acc_model.Member, data_dict)
    return _staff_only(context, member.accorderie_id)


def _self_or_staff(context: Context, data_dict: DataDict) -> AuthResult:
    # The viewer first: it loads the caller's own member rows, so that
    # get_object finds a member reading their own data in the session.
    viewer = get_viewer(context)
    member = get_object(context, acc_model.Member, data_dict)
    if viewer.is_self(member) or viewer.is_staff(member.accorderie_id):
        return _ok()
    return _refuse(tk._("Only the member and the staff of the accorderie may do this."))


@tk.auth_allow_anonymous_access
def accorderie_member_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow the member, staff, and active members of the same accorderie
    when the member shown is active too."""
    member = get_object(context, acc_model.Member, data_dict)
    viewer = get_viewer(context)
    if viewer.is_self(member) or viewer.is_staff(member.accorderie_id):
        return _ok()
    if viewer.is_member(member.accorderie_id) and member.state == "active":
        return _ok()
    return _refuse(tk._("Only members of the same accorderie may see a member."))


@tk.auth_allow_anonymous_access
def accorderie_member_list(context: Context, data_dict: DataDict) -> AuthResult:
    accorderie_id = (data_dict or {}).get("accorderie_id")
    accorderie = get_object(context, acc_model.Accorderie, {"id": accorderie_id})
    viewer = get_viewer(context)
    if viewer.is_member(accorderie.id) or viewer.is_staff(accorderie.id):
        return _ok()
    return _refuse(tk._("Only members of this accorderie may list its members."))


def accorderie_member_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _self_or_staff(context, data_dict)


def accorderie_member_patch(context: Context, data_dict: DataDict) -> AuthResult:
    return _self_or_staff(context, data_dict)


@tk.auth_allow_anonymous_access
def accorderie_member_statement(context: Context, data_dict: DataDict) -> AuthResult:
    return _self_or_staff(context, data_dict)


@tk.auth_allow_anonymous_access
def accorderie_member_balance(context: Context, data_dict: DataDict) -> AuthResult:
    return _self_or_staff(context, data_dict)


def accorderie_member_export(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow only the member themself (and sysadmins), because it is their
    personal data."""
    member = get_object(context, acc_model.Member, data_dict)
    if get_viewer(context).is_self(member):
        return _ok()
    return _refuse(tk._("Only the member may export their own data."))


def accorderie_member_erase(context: Context, data_dict: DataDict) -> AuthResult:
    return _self_or_staff(context, data_dict)


# Services


def accorderie_service_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow an active member for themself, or staff for any member."""
    member = get_object(context, acc_model.Member, data_dict, key="member_id")
    viewer = get_viewer(context)
    if viewer.is_staff(member.accorderie_id):
        return _ok()
    if viewer.is_self(member) and member.state == "active":
        return _ok()
    return _refuse(tk._("Only active members may publish services."))


@tk.auth_allow_anonymous_access
def accorderie_service_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow anybody for a published service, otherwise only its owner and staff."""
    service = get_object(context, acc_model.Service, data_dict)
    if service.status == "published":
        return _ok()
    return _service_owner_or_staff(context, service)


@tk.auth_allow_anonymous_access
def accorderie_service_list(context: Context, data_dict: DataDict) -> AuthResult:
    # The action filters the rows by what the caller may see.
    return _ok()


def _service_owner_or_staff(context: Context, service: acc_model.Service) -> AuthResult:
    viewer = get_viewer(context)
    if viewer.is_staff(service.accorderie_id):
        return _ok()
    member = viewer.membership(service.accorderie_id)
    if member is not None and member.id == service.member_id:
        return _ok()
    return _refuse(tk._("Only the member who published this service and staff may do this."))


def accorderie_service_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _service_owner_or_staff(context, get_object(context, acc_model.Service, data_dict))


def accorderie_service_patch(context: Context, data_dict: DataDict) -> AuthResult:
    return accorderie_service_update(context, data_dict)


def accorderie_service_delete(context: Context, data_dict: DataDict) -> AuthResult:
    return accorderie_service_update(context, data_dict)


# Exchanges


def accorderie_exchange_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow staff, or either party when the accorderie lets members record."""
    viewer = get_viewer(context)
    provider = get_object(context, acc_model.Member, data_dict, key="provider_id")
    receiver = get_object(context, acc_model.Member, data_dict, key="receiver_id")
    if viewer.is_staff(provider.accorderie_id):
        return _ok()

    accorderie = session_of(context).get(acc_model.Accorderie, provider.accorderie_id)
    is_party = viewer.is_self(provider) or viewer.is_self(receiver)
    if is_party and viewer.is_member(provider.accorderie_id):
        if accorderie.self_recording:
            return _ok()
        return _refuse(tk._("In this accorderie, only staff record exchanges."))
    return _refuse(tk._("Only the two members of an exchange and staff may record it."))


def _exchange_party_or_staff(context: Context, exchange: acc_model.Exchange) -> bool:
    viewer = get_viewer(context)
    if viewer.is_staff(exchange.accorderie_id):
        return True
    member = viewer.membership(exchange.accorderie_id)
    return member is not None and member.id in (exchange.provider_id, exchange.receiver_id)


def accorderie_exchange_show(context: Context, data_dict: DataDict) -> AuthResult:
    exchange = get_object(context, acc_model.Exchange, data_dict)
    if _exchange_party_or_staff(context, exchange):
        return _ok()
    return _refuse(tk._("Only the two members of an exchange and staff may see it."))


def accorderie_exchange_list(context: Context, data_dict: DataDict) -> AuthResult:
    # Any logged-in user; the action lists only the exchanges they may see.
    return _ok()


def _other_party_or_staff(context: Context, data_dict: DataDict) -> AuthResult:
    exchange = get_object(context, acc_model.Exchange, data_dict)
    viewer = get_viewer(context)
    if viewer.is_staff(exchange.accorderie_id):
        return _ok()
    member = viewer.membership(exchange.accorderie_id)
    other = (
        exchange.receiver_id
        if exchange.recorded_by_id == exchange.provider_id
        else exchange.provider_id
    )
    if member is not None and member.id == other and member.state == "active":
        return _ok()
    return _refuse(tk._("Only the other member of the exchange and staff may do this."))


def accorderie_exchange_confirm(context: Context, data_dict: DataDict) -> AuthResult:
    return _other_party_or_staff(context, data_dict)


def accorderie_exchange_reject(context: Context, data_dict: DataDict) -> AuthResult:
    return _other_party_or_staff(context, data_dict)


def accorderie_exchange_cancel(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow the party who recorded the exchange, and staff."""
    exchange = get_object(context, acc_model.Exchange, data_dict)
    viewer = get_viewer(context)
    if viewer.is_staff(exchange.accorderie_id):
        return _ok()
    member = viewer.membership(exchange.accorderie_id)
    if member is not None and member.id == exchange.recorded_by_id and not exchange.recorded_on_behalf:
        return _ok()
    return _refuse(tk._("Only the member who recorded the exchange and staff may cancel it."))


def accorderie_exchange_reverse(context: Context, data_dict: DataDict) -> AuthResult:
    exchange = get_object(context, acc_model.Exchange, data_dict)
    return _staff_only(context, exchange.accorderie_id)


def accorderie_ledger_audit(context: Context, data_dict: DataDict) -> AuthResult:
    return _refuse(tk._("Only sysadmins may audit the ledger."))


def accorderie_report_show(context: Context, data_dict: DataDict) -> AuthResult:
    accorderie = get_object(context, acc_model.Accorderie, {"id": (data_dict or {}).get("accorderie_id")})
    return _staff_only(context, accorderie.id)
