"""Auth functions of the actions in ``note_action``, one per action.

Only the staff of the member's accorderie may read or change the notes on
a member: not the member themself, nor other members, nor the staff of
another accorderie. Sysadmins pass every check before these functions run
(CKAN's authz).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from .. import model as acc_model
from .access import get_viewer
from .auth import get_object

__all__ = [
    "accorderie_member_note_create",
    "accorderie_member_note_list",
    "accorderie_member_note_delete",
]


def _staff_of(context: Context, member: acc_model.Member) -> AuthResult:
    if get_viewer(context).is_staff(member.accorderie_id):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._("Only the staff of the member's accorderie may read and write notes on a member."),
    }


def accorderie_member_note_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff_of(context, get_object(context, acc_model.Member, data_dict, key="member_id"))


def accorderie_member_note_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _staff_of(context, get_object(context, acc_model.Member, data_dict, key="member_id"))


def accorderie_member_note_delete(context: Context, data_dict: DataDict) -> AuthResult:
    note = get_object(context, acc_model.MemberNote, data_dict)
    return _staff_of(context, get_object(context, acc_model.Member, {"id": note.member_id}))
