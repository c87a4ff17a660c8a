"""Auth functions of the actions in ``bridge_action``, one per action.

Sysadmins pass every check before these functions run (CKAN's authz).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from .access import get_viewer
from . import auth

__all__ = [
    "accorderie_stats_publish",
    "accorderie_service_dataset_update",
    "accorderie_service_dataset_list",
    "accorderie_dataset_service_list",
    "accorderie_neighbourhood_point_update",
    "accorderie_neighbourhood_point_list",
    "accorderie_neighbourhood_map_show",
    "accorderie_meeting_place_list",
]


def accorderie_stats_publish(context: Context, data_dict: DataDict) -> AuthResult:
    # The statistics cover every accorderie, so no staff member may publish them.
    return {"success": False, "msg": tk._("Only a sysadmin may publish the accorderie statistics.")}


def accorderie_service_dataset_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow the service's owner and the staff of its accorderie."""
    return auth.accorderie_service_update(context, data_dict)


@tk.auth_allow_anonymous_access
def accorderie_service_dataset_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow anybody who may see the service."""
    return auth.accorderie_service_show(context, data_dict)


@tk.auth_allow_anonymous_access
def accorderie_dataset_service_list(context: Context, data_dict: DataDict) -> AuthResult:
    # The action lists only published offers, which anybody may see, and
    # raises ObjectNotFound for a dataset the caller may not see.
    return {"success": True}


def accorderie_neighbourhood_point_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow the staff of the accorderie."""
    if get_viewer(context).is_staff(data_dict.get("accorderie_id")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the staff of this accorderie may do this.")}


@tk.auth_allow_anonymous_access
def accorderie_neighbourhood_point_list(context: Context, data_dict: DataDict) -> AuthResult:
    # The points are public landmarks chosen by staff.
    return {"success": True}


@tk.auth_allow_anonymous_access
def accorderie_neighbourhood_map_show(context: Context, data_dict: DataDict) -> AuthResult:
    # The map contains counts of published services only.
    return {"success": True}


@tk.auth_allow_anonymous_access
def accorderie_meeting_place_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow anybody who may see the service."""
    return auth.accorderie_service_show(context, data_dict)
