"""The caller of an action, with their memberships and roles.

In an accorderie, a member is a caller whose member row there is active,
and staff are active members with the ``staff`` role. Sysadmins may do
everything everywhere.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
from ckan.types import Context

from .. import model as acc_model

__all__ = ["Viewer", "get_viewer", "session_of"]


class Viewer:
    """The caller of an action, with the member rows of their CKAN user."""

    def __init__(
        self, user_id: Optional[str], sysadmin: bool, memberships: list[acc_model.Member]
    ) -> None:
        self.user_id = user_id
        self.sysadmin = sysadmin
        self.memberships = {m.accorderie_id: m for m in memberships}

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    def membership(self, accorderie_id: str) -> Optional[acc_model.Member]:
        """Return the caller's member row in an accorderie, in any state."""
        return self.memberships.get(accorderie_id)

    def is_member(self, accorderie_id: str) -> bool:
        """Tell whether the caller is an active member of the accorderie."""
        member = self.memberships.get(accorderie_id)
        return member is not None and member.state == "active"

    def is_staff(self, accorderie_id: str) -> bool:
        """Tell whether the caller is sysadmin or active staff there."""
        if self.sysadmin:
            return True
        member = self.memberships.get(accorderie_id)
        return member is not None and member.state == "active" and member.role == "staff"

    def is_self(self, member: acc_model.Member) -> bool:
        return self.user_id is not None and member.user_id == self.user_id

    def member_ids(self) -> list[str]:
        return [m.id for m in self.memberships.values()]

    def staff_accorderie_ids(self) -> list[str]:
        return [a for a in self.memberships if self.is_staff(a)]

    def active_accorderie_ids(self) -> list[str]:
        return [a for a in self.memberships if self.is_member(a)]


def session_of(context: Context) -> Any:
    """Return the SQLAlchemy session of an action call.

    Concurrency tests pass a session of their own in ``context["session"]``;
    otherwise it is CKAN's scoped session.
    """
    return context.get("session") or model.Session


def get_viewer(context: Context) -> Viewer:
    """Build the Viewer of ``context["user"]``.

    A call with ``ignore_auth`` comes from trusted code (the CLI, another
    action), so it reads like a sysadmin. The Viewer is kept in the context,
    because auth functions and the action both need it.
    """
    key = (context.get("user"), bool(context.get("ignore_auth")))
    cached = context.get("accorderie_viewer")  # type: ignore[misc]
    if cached is not None and cached[0] == key:
        return cached[1]

    user_id = _user_id(context)
    trusted = bool(context.get("ignore_auth"))
    memberships: list[acc_model.Member] = []
    if user_id:
        session = session_of(context)
        memberships = (
            session.query(acc_model.Member)
            .filter(acc_model.Member.user_id == user_id)
            .all()
        )
    sysadmin = trusted or (bool(user_id) and authz.is_sysadmin(context.get("user")))
    viewer = Viewer(user_id, sysadmin, memberships)
    context["accorderie_viewer"] = (key, viewer)  # type: ignore[typeddict-unknown-key]
    return viewer


def _user_id(context: Context) -> Optional[str]:
    user_obj = context.get("auth_user_obj")
    if isinstance(user_obj, model.User) and user_obj.name == context.get("user"):
        return user_obj.id
    name = context.get("user")
    if not name:
        return None
    user = model.User.get(name)
    if user is None or user.state != "active":
        return None
    return user.id
