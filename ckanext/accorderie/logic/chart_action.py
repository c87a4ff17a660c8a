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
    """Return a member's balance after each of their latest entries, in
    the statement's order.

    Only the member and staff of the accorderie may call it. The points
    follow the order of ``accorderie_member_statement``: by exchange date,
    then by settlement time, with an entry that has no exchange (such as
    the opening credit) at its settlement date. So an exchange recorded
    late, with a past date, is drawn at its exchange date. One SQL query
    computes the points: the running sum of the account's entries in that
    order, whose last value equals the balance because every change of a
    balance is an entry.

    :param id: the member's id
    :type id: string
    :param limit: number of latest entries in the statement's order
        (optional, default: 100, at most
        ``ckanext.accorderie.list_limit_max``)
    :type limit: int
    :returns: the points, oldest first, each ``{"date": "YYYY-MM-DD",
        "balance": minutes}``, where ``date`` is the exchange date, or the
        settlement date of an entry without an exchange
    :rtype: list of dicts
    """
    data = validate(data_dict, acc_schema.member_balance_history_schema(), context)
    tk.check_access("accorderie_member_balance_history", context, data)
    entry, transfer, account = acc_model.Entry, acc_model.Transfer, acc_model.Account
    exchange = acc_model.Exchange

    day = sa.func.coalesce(exchange.exchange_date, sa.cast(transfer.created, sa.Date))
    running = (
        sa.select(
            entry.id,
            transfer.created,
            day.label("day"),
            sa.func.sum(entry.minutes)
            .over(order_by=(day, transfer.created, entry.id))
            .label("balance"),
        )
        .join(transfer, transfer.id == entry.transfer_id)
        .outerjoin(exchange, exchange.id == transfer.exchange_id)
        .join(account, account.id == entry.account_id)
        .where(account.member_id == data["id"])
        .subquery()
    )
    rows = session_of(context).execute(
        sa.select(running.c.day, running.c.balance)
        .order_by(running.c.day.desc(), running.c.created.desc(), running.c.id.desc())
        .limit(data["limit"])
    ).all()
    return [
        {"date": row.day.isoformat(), "balance": int(row.balance)}
        for row in reversed(rows)
    ]
