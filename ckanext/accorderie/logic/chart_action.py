"""Actions that read figures for the accorderie's charts."""
from __future__ import annotations

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from .. import model as acc_model
from . import schema as acc_schema
from .schema import validate
from .access import session_of

__all__ = ["accorderie_member_balance_history"]



@tk.side_effect_free
def accorderie_member_balance_history(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return a member's balance after each of their latest ledger entries.

    Only the member and staff of the accorderie may call it. One SQL query
    computes the points: the running sum of the account's entries, which
    equals the balance because every change of a balance is an entry.

    :param id: the member's id
    :type id: string
    :param limit: number of latest entries (optional, default: 100, at
        most ``ckanext.accorderie.list_limit_max``)
    :type limit: int
    :returns: the points, oldest first, each ``{"date": "YYYY-MM-DD",
        "balance": minutes}``
    :rtype: list of dicts
    """
    data = validate(data_dict, acc_schema.member_balance_history_schema(), context)
    tk.check_access("accorderie_member_balance_history", context, data)
    entry, transfer, account = acc_model.Entry, acc_model.Transfer, acc_model.Account

    running = (
        sa.select(
            entry.id,
            transfer.created,
            sa.func.sum(entry.minutes).over(order_by=entry.id).label("balance"),
        )
        .join(transfer, transfer.id == entry.transfer_id)
        .join(account, account.id == entry.account_id)
        .where(account.member_id == data["id"])
        .subquery()
    )
    rows = session_of(context).execute(
        sa.select(running.c.created, running.c.balance)
        .order_by(running.c.id.desc())
        .limit(data["limit"])
    ).all()
    return [
        {"date": row.created.date().isoformat(), "balance": int(row.balance)}
        for row in reversed(rows)
    ]
