"""Actions on the notes that staff keep on members.

A note is personal data about the member it describes, but only the staff
of the member's accorderie and sysadmins read it through these actions.
The member gets their notes in ``accorderie_member_export``, and erasure
deletes them. The text of a note is never logged.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from .. import model as acc_model
from . import schema as acc_schema
from .schema import validate
from .access import get_viewer, session_of

__all__ = [
    "accorderie_member_note_create",
    "accorderie_member_note_list",
    "accorderie_member_note_delete",
]

log = logging.getLogger(__name__)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def note_dictize(note: acc_model.MemberNote, author_name: Any) -> dict[str, Any]:
    """Return a note's dict; ``author_name`` is the display name of the
    staff member who wrote it, or None (a sysadmin, an erased member)."""
    return {
        "id": note.id,
        "member_id": note.member_id,
        "author_id": note.author_id,
        "author_name": author_name,
        "text": note.text,
        "created": note.created.isoformat(),
    }


def accorderie_member_note_create(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Add a note on a member.

    Only the staff of the member's accorderie and sysadmins may call it.
    The author is the caller's member row in that accorderie (none for a
    sysadmin who is not a member there).

    :param member_id: the id of the member the note is about
    :type member_id: string
    :param text: the note, at most ``ckanext.accorderie.note_max_length``
        characters (default: 2000)
    :type text: string
    :returns: the note, with ``id``, ``member_id``, ``author_id``,
        ``author_name``, ``text`` and ``created``
    :rtype: dict
    """
    tk.check_access("accorderie_member_note_create", context, data_dict)
    data = validate(data_dict, acc_schema.member_note_create_schema(), context)
    session = session_of(context)
    member = session.get(acc_model.Member, data["member_id"])
    if member is None:
        raise tk.ObjectNotFound(
            tk._("{field}: {value} was not found.").format(field="member_id", value=data["member_id"])
        )
    if member.erased:
        raise tk.ValidationError({"member_id": [tk._("This member's data was erased.")]})

    author = get_viewer(context).membership(member.accorderie_id)
    note = acc_model.MemberNote(
        member_id=member.id,
        author_id=author.id if author is not None else None,
        text=data["text"],
        created=_utcnow(),
    )
    session.add(note)
    if not context.get("defer_commit"):
        session.commit()

    log.debug("Note %s added on member %s", note.id, member.id)
    user = model.User.get(author.user_id) if author is not None and author.user_id else None
    return note_dictize(note, (user.fullname or user.name) if user else None)


@tk.side_effect_free
def accorderie_member_note_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List the notes on a member, newest first.

    Only the staff of the member's accorderie and sysadmins may call it;
    the member themself may not.

    :param member_id: the member's id
    :type member_id: string
    :param limit: page size (optional, default: 20)
    :type limit: int
    :param offset: notes to skip (optional, default: 0)
    :type offset: int
    :returns: ``{"count": total, "results": [notes]}``, each note as
        ``accorderie_member_note_create`` returns it
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.member_note_list_schema(), context)
    tk.check_access("accorderie_member_note_list", context, data)
    note = acc_model.MemberNote
    author = aliased(acc_model.Member)
    rows = session_of(context).execute(
        sa.select(
            note,
            sa.func.coalesce(model.User.fullname, model.User.name).label("author_name"),
            sa.func.count().over().label("total"),
        )
        .outerjoin(author, author.id == note.author_id)
        .outerjoin(model.User, model.User.id == author.user_id)
        .where(note.member_id == data["member_id"])
        .order_by(note.created.desc(), note.id)
        .limit(data["limit"])
        .offset(data["offset"])
    ).all()
    return {
        "count": rows[0].total if rows else 0,
        "results": [note_dictize(row[0], row.author_name) for row in rows],
    }


def accorderie_member_note_delete(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Delete a note on a member.

    Only the staff of the member's accorderie and sysadmins may call it.

    :param id: the note's id
    :type id: string
    """
    tk.check_access("accorderie_member_note_delete", context, data_dict)
    data = validate(data_dict, acc_schema.member_note_delete_schema(), context)
    session = session_of(context)
    note = session.get(acc_model.MemberNote, data["id"])
    if note is None:
        raise tk.ObjectNotFound(tk._("{field}: {value} was not found.").format(field="id", value=data["id"]))
    session.delete(note)
    if not context.get("defer_commit"):
        session.commit()
    log.debug("Note %s on member %s deleted", data["id"], note.member_id)


# Used by the export and the erasure of a member in ``action``.


def notes_of(session: Any, member_id: str) -> list[dict[str, Any]]:
    """Return every note on a member, oldest first, for their data export."""
    notes = session.execute(
        sa.select(acc_model.MemberNote)
        .where(acc_model.MemberNote.member_id == member_id)
        .order_by(acc_model.MemberNote.created, acc_model.MemberNote.id)
    ).scalars().all()
    return [{"id": n.id, "text": n.text, "created": n.created.isoformat()} for n in notes]


def delete_notes_of(session: Any, member_id: str) -> None:
    """Delete every note on a member, in the caller's transaction."""
    session.execute(sa.delete(acc_model.MemberNote).where(acc_model.MemberNote.member_id == member_id))
