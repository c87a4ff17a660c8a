"""The action that reads the contents of a member's account page.

The account page shows the balance, a page of the statement, a chart of the
balance over the latest entries, the exchanges waiting for a confirmation
and the member's published services. Separate actions for each would check
access and build the caller's memberships five times, and read the
account's entries three times.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from .. import model as acc_model
from . import dictization as dz
from . import schema as acc_schema
from .schema import validate
from .access import get_viewer, session_of

__all__ = ["accorderie_member_account_show"]

# Maximum number of pending exchanges, and of published services, listed.
LISTED_MAX = 100

# Every entry of the account, numbered by ``position`` in the statement's
# order: newest exchange date first (an entry without an exchange, such
# as the opening credit, counts at its settlement date), then newest
# settlement. ``balance`` is the running balance in that order. The
# statement page and the chart both take their rows from the same
# numbering, so the chart draws the balances that the statement prints.
# The outer join keeps one row, with the account's balance, when the
# account has no entry.
ACCOUNT_QUERY = sa.text("""
    WITH account AS (
        SELECT id, balance FROM accorderie_account WHERE member_id = :member_id
    ), ledger AS (
        SELECT e.id, e.minutes, t.kind, t.created,
               x.id AS exchange_id, x.exchange_date, x.recorded_on_behalf, x.reverses_id,
               x.provider_id, x.receiver_id,
               coalesce(x.exchange_date, t.created::date) AS day
        FROM accorderie_entry e
        JOIN account a ON a.id = e.account_id
        JOIN accorderie_transfer t ON t.id = e.transfer_id
        LEFT JOIN accorderie_exchange x ON x.id = t.exchange_id
    ), ranked AS (
        SELECT ledger.*,
               sum(minutes) OVER (ORDER BY day, created, id) AS balance,
               row_number() OVER (ORDER BY day DESC, created DESC, id DESC) AS position
        FROM ledger
    )
    SELECT a.balance AS account_balance,
           (SELECT count(*) FROM accorderie_entry WHERE account_id = a.id) AS total,
           r.*,
           counterparty.id AS counterparty_id,
           coalesce(u.fullname, u.name) AS counterparty_name
    FROM account a
    LEFT JOIN ranked r
        ON (r.position > :offset AND r.position <= :offset + :limit)
        OR r.position <= :chart_limit
    LEFT JOIN accorderie_member counterparty ON counterparty.id = CASE
        WHEN r.provider_id = :member_id THEN r.receiver_id ELSE r.provider_id END
    LEFT JOIN "user" u ON u.id = counterparty.user_id
""")


@tk.side_effect_free
def accorderie_member_account_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return a member's balance, a page of their statement and the points
    of their balance chart.

    Only the member and staff of the accorderie may call it. It returns
    what ``accorderie_member_statement`` and
    ``accorderie_member_balance_history`` return, read in one SQL
    statement.

    :param id: the member's id
    :type id: string
    :param limit: statement page size (optional, default: 20)
    :type limit: int
    :param offset: statement entries to skip (optional, default: 0)
    :type offset: int
    :param chart_limit: number of latest entries on the chart (optional,
        default: 100, at most ``ckanext.accorderie.list_limit_max``)
    :type chart_limit: int
    :returns: ``{"member_id", "balance", "count", "entries", "points",
        "pending", "services"}``: ``entries`` as in
        ``accorderie_member_statement``, newest first by exchange date;
        ``points`` as in ``accorderie_member_balance_history``, oldest
        first; ``pending``, the member's pending exchanges, newest first,
        and ``services``, the member's published services, newest first,
        at most 100 of each, as ``accorderie_exchange_list`` and
        ``accorderie_service_list`` return them
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.member_account_show_schema(), context)
    tk.check_access("accorderie_member_account_show", context, data)

    rows = session_of(context).execute(ACCOUNT_QUERY, {
        "member_id": data["id"], "limit": data["limit"], "offset": data["offset"],
        "chart_limit": data["chart_limit"],
    }).all()
    if not rows:
        raise tk.ObjectNotFound(
            tk._("{field}: {value} was not found.").format(field="id", value=data["id"])
        )

    first, last = data["offset"], data["offset"] + data["limit"]
    entries = sorted(
        (row for row in rows if row.id is not None and first < row.position <= last),
        key=lambda row: row.position,
    )
    chart = sorted(
        (row for row in rows if row.id is not None and row.position <= data["chart_limit"]),
        key=lambda row: row.position,
        reverse=True,
    )
    session = session_of(context)
    member = session.get(acc_model.Member, data["id"])
    return {
        "member_id": data["id"],
        "balance": rows[0].account_balance,
        "count": rows[0].total,
        "entries": [dz.statement_entry_dictize(row) for row in entries],
        "points": [
            {"date": row.day.isoformat(), "balance": int(row.balance)}
            for row in chart
        ],
        "pending": _pending_exchanges(session, member),
        "services": _published_services(context, member),
    }


def _pending_exchanges(session: Any, member: acc_model.Member) -> list[dict[str, Any]]:
    """Return the member's pending exchanges, newest first, with the
    display names of both parties."""
    exchange = acc_model.Exchange
    exchanges = session.execute(
        sa.select(exchange)
        .where(
            exchange.state == "pending",
            sa.or_(exchange.provider_id == member.id, exchange.receiver_id == member.id),
        )
        .order_by(exchange.created.desc())
        .limit(LISTED_MAX)
    ).scalars().all()
    party_ids = {e.provider_id for e in exchanges} | {e.receiver_id for e in exchanges}
    names = dict(session.execute(
        sa.select(acc_model.Member.id, sa.func.coalesce(model.User.fullname, model.User.name))
        .outerjoin(model.User, model.User.id == acc_model.Member.user_id)
        .where(acc_model.Member.id.in_(party_ids))
    ).all()) if party_ids else {}
    return [dz.exchange_dictize(e, names) for e in exchanges]


def _published_services(context: Context, member: acc_model.Member) -> list[dict[str, Any]]:
    """Return the member's published services, newest first, cut to what
    the caller may read: everything for the member, the staff's view for
    staff and sysadmins."""
    viewer = get_viewer(context)
    own = viewer.membership(member.accorderie_id)
    level = "self" if own is not None and own.id == member.id else "staff"
    user = model.User.get(member.user_id) if member.user_id else None
    service = acc_model.Service
    services = session_of(context).execute(
        sa.select(service)
        .where(service.member_id == member.id, service.status == "published")
        .order_by(service.created.desc(), service.id.desc())
        .limit(LISTED_MAX)
    ).scalars().all()
    return [dz.service_dictize(s, member, user, level) for s in services]
