"""Auth function of ``accorderie_member_register``.

Staff of the accorderie register people who will not use the portal
themselves. Sysadmins pass every check before this function runs (CKAN's
authz). Members, staff of another accorderie and anonymous visitors are
refused.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from .. import model as acc_model
from .access import get_viewer, session_of

__all__ = ["accorderie_member_register"]


def accorderie_member_register(context: Context, data_dict: DataDict) -> AuthResult:
    value = (data_dict or {}).get("accorderie_id")
    accorderie_id = session_of(context).execute(
        sa.select(acc_model.Accorderie.id)
        .where(sa.or_(acc_model.Accorderie.id == value, acc_model.Accorderie.name == value))
        .limit(1)
    ).scalar() if value else None
    if accorderie_id is None:
        raise tk.ObjectNotFound(
            tk._("{field}: {value} was not found.").format(field="accorderie_id", value=value)
        )
    if get_viewer(context).is_staff(accorderie_id):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._("Only the staff of this accorderie may register a person."),
    }
