"""Auth functions of the previews' actions: anyone who may read the resource may call them."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["agen_previews_chart_data_show", "agen_previews_map_points_list"]


def _can_read_resource(context: Context, data_dict: DataDict) -> AuthResult:
    # Anonymous visitors may read public resources, as with resource_show.
    try:
        tk.check_access("resource_show", context, {"id": data_dict.get("resource_id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("You are not allowed to read this resource.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def agen_previews_chart_data_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_read_resource(context, data_dict)


@tk.auth_allow_anonymous_access
def agen_previews_map_points_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_read_resource(context, data_dict)
