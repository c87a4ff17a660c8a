"""Auth functions of the actions in ``account_action``, one per action.

Sysadmins pass every check before these functions run (CKAN's authz).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from . import auth

__all__ = ["accorderie_member_account_show"]


@tk.auth_allow_anonymous_access
def accorderie_member_account_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Allow the callers who may read the member's statement: the member and staff."""
    return auth.accorderie_member_statement(context, data_dict)
