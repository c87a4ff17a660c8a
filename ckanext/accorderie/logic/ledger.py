"""The double-entry time ledger.

Every movement of time is a transfer of exactly two entries that sum to
zero, and each account row stores its balance. Writers follow one protocol
so that the balance always equals the sum of the account's entries, even
under concurrent settlements:

1. lock the object being settled (the exchange or the member row) with
   ``SELECT ... FOR UPDATE`` and check its state under that lock, so a
   second confirmation waits and then sees the first one's result;
2. lock both accounts with ``SELECT ... FOR UPDATE`` in ascending id order,
   so two transfers touching the same accounts cannot deadlock;
3. check the balance limits on the locked rows, insert the transfer and its
   two entries, and update both balances, all in the caller's transaction.

The functions here never commit: the calling action does.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

import ckan.plugins.toolkit as tk

from .. import model as acc_model
from ..helpers import accorderie_format_minutes

__all__ = [
    "lock_exchange",
    "lock_member",
    "lock_accounts",
    "association_account",
    "ensure_member_account",
    "post_transfer",
    "settle_exchange",
    "credit_opening",
    "audit",
    "AUDIT_INVARIANTS",
    "AUDIT_STEPS",
]

log = logging.getLogger(__name__)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def lock_exchange(session: Session, exchange_id: str) -> Optional[acc_model.Exchange]:
    """Lock an exchange row and reload it, discarding any stale copy."""
    return session.execute(
        sa.select(acc_model.Exchange)
        .where(acc_model.Exchange.id == exchange_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def lock_member(session: Session, member_id: str) -> Optional[acc_model.Member]:
    """Lock a member row and reload it, discarding any stale copy."""
    return session.execute(
        sa.select(acc_model.Member)
        .where(acc_model.Member.id == member_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def lock_accounts(session: Session, account_ids: Iterable[int]) -> dict[int, acc_model.Account]:
    """Lock accounts in ascending id order and return them by id."""
    rows = session.execute(
        sa.select(acc_model.Account)
        .where(acc_model.Account.id.in_(sorted(set(account_ids))))
        .order_by(acc_model.Account.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalars().all()
    return {row.id: row for row in rows}


def association_account(session: Session, accorderie_id: str) -> acc_model.Account:
    """Return the association's account of an accorderie."""
    return session.execute(
        sa.select(acc_model.Account).where(
            acc_model.Account.accorderie_id == accorderie_id,
            acc_model.Account.member_id.is_(None),
        )
    ).scalar_one()


def ensure_member_account(session: Session, member: acc_model.Member) -> acc_model.Account:
    """Return the member's account, creating an empty one if missing."""
    account = session.execute(
        sa.select(acc_model.Account).where(acc_model.Account.member_id == member.id)
    ).scalar_one_or_none()
    if account is None:
        account = acc_model.Account(
            accorderie_id=member.accorderie_id, member_id=member.id, balance=0
        )
        session.add(account)
        session.flush()
    return account


def post_transfer(
    session: Session,
    accorderie_id: str,
    kind: str,
    credited: acc_model.Account,
    debited: acc_model.Account,
    minutes: int,
    exchange_id: Optional[str] = None,
) -> acc_model.Transfer:
    """Move ``minutes`` from ``debited`` to ``credited``.

    The caller must hold the row locks of both accounts.
    """
    transfer = acc_model.Transfer(
        accorderie_id=accorderie_id, kind=kind, exchange_id=exchange_id, created=_utcnow()
    )
    session.add(transfer)
    session.flush()

    session.add_all([
        acc_model.Entry(transfer_id=transfer.id, account_id=credited.id, minutes=minutes),
        acc_model.Entry(transfer_id=transfer.id, account_id=debited.id, minutes=-minutes),
    ])
    credited.balance += minutes
    debited.balance -= minutes
    session.flush()
    return transfer


def settle_exchange(
    session: Session,
    exchange: acc_model.Exchange,
    accorderie: acc_model.Accorderie,
    check_limits: bool = True,
) -> acc_model.Transfer:
    """Credit the provider and debit the receiver of a locked exchange.

    :raises tk.ValidationError: when the receiver would go below the lowest
        balance or the provider above the highest, saying by how much.
    """
    provider = ensure_member_account(session, session.get(acc_model.Member, exchange.provider_id))
    receiver = ensure_member_account(session, session.get(acc_model.Member, exchange.receiver_id))
    accounts = lock_accounts(session, [provider.id, receiver.id])
    provider, receiver = accounts[provider.id], accounts[receiver.id]

    if check_limits:
        _check_limits(exchange.minutes, provider, receiver, accorderie)

    transfer = post_transfer(
        session, accorderie.id, "exchange", provider, receiver, exchange.minutes,
        exchange_id=exchange.id,
    )
    exchange.state = "settled"
    exchange.settled = _utcnow()
    return transfer


def _check_limits(
    minutes: int,
    provider: acc_model.Account,
    receiver: acc_model.Account,
    accorderie: acc_model.Accorderie,
) -> None:
    shortfall = accorderie.min_balance - (receiver.balance - minutes)
    if shortfall > 0:
        raise tk.ValidationError({"duration": [
            tk._(
                "The receiver's balance would fall {amount} below the lowest "
                "balance allowed ({limit})."
            ).format(
                amount=accorderie_format_minutes(shortfall),
                limit=accorderie_format_minutes(accorderie.min_balance),
            )
        ]})

    excess = provider.balance + minutes - accorderie.max_balance
    if excess > 0:
        raise tk.ValidationError({"duration": [
            tk._(
                "The provider's balance would rise {amount} above the highest "
                "balance allowed ({limit})."
            ).format(
                amount=accorderie_format_minutes(excess),
                limit=accorderie_format_minutes(accorderie.max_balance),
            )
        ]})


def credit_opening(
    session: Session, member: acc_model.Member, accorderie: acc_model.Accorderie
) -> Optional[acc_model.Transfer]:
    """Transfer the opening credit from the association to a new member.

    The caller must hold the lock of the member row, so that a member
    approved twice at once is credited once.
    """
    account = ensure_member_account(session, member)
    already = session.execute(
        sa.select(sa.func.count())
        .select_from(acc_model.Entry)
        .join(acc_model.Transfer, acc_model.Transfer.id == acc_model.Entry.transfer_id)
        .where(
            acc_model.Entry.account_id == account.id,
            acc_model.Transfer.kind == "opening_credit",
        )
    ).scalar_one()
    if already or accorderie.opening_credit <= 0:
        return None

    association = association_account(session, accorderie.id)
    accounts = lock_accounts(session, [account.id, association.id])
    return post_transfer(
        session, accorderie.id, "opening_credit",
        accounts[account.id], accounts[association.id], accorderie.opening_credit,
    )


# Each query returns the ids that break one invariant of the ledger; a
# sound ledger returns no rows.
_AUDIT_QUERIES: dict[str, str] = {
    "account_balance_differs_from_entries": """
        SELECT a.id FROM accorderie_account a
        LEFT JOIN (
            SELECT account_id, sum(minutes) AS total
            FROM accorderie_entry GROUP BY account_id
        ) e ON e.account_id = a.id
        WHERE a.balance <> coalesce(e.total, 0)
    """,
    "accorderie_does_not_sum_to_zero": """
        SELECT accorderie_id FROM accorderie_account
        GROUP BY accorderie_id HAVING sum(balance) <> 0
    """,
    # A reversal swaps the parties of a settled exchange that is not itself
    # a reversal, for the same minutes.
    "reversal_does_not_mirror_original": """
        SELECT v.id FROM accorderie_exchange v
        JOIN accorderie_exchange o ON o.id = v.reverses_id
        WHERE v.reverses_id IS NOT NULL
          AND (o.state <> 'settled'
           OR o.reverses_id IS NOT NULL
           OR v.provider_id <> o.receiver_id
           OR v.receiver_id <> o.provider_id
           OR v.minutes <> o.minutes)
    """,
}

# These three invariants are checked together, so that the entries,
# transfers and exchanges are read once for the three instead of once each.
_TRANSFER_INVARIANTS = (
    "transfer_not_two_entries_summing_to_zero",
    "entry_in_another_accorderie",
    "exchange_does_not_match_its_transfer",
)

# The entries grouped by transfer: their number and sum, the number of
# credits and debits, and the account and minutes of the credit and debit.
_ENTRIES_BY_TRANSFER = """(
        SELECT transfer_id,
               count(*) AS entries,
               sum(minutes) AS total,
               count(*) FILTER (WHERE minutes > 0) AS credits,
               count(*) FILTER (WHERE minutes < 0) AS debits,
               min(account_id) FILTER (WHERE minutes > 0) AS credited,
               sum(minutes) FILTER (WHERE minutes > 0) AS credit,
               min(account_id) FILTER (WHERE minutes < 0) AS debited,
               sum(minutes) FILTER (WHERE minutes < 0) AS debit
        FROM accorderie_entry
        GROUP BY transfer_id
    )"""

# One row that sums up every transfer for _TRANSFER_INVARIANTS:
# - unbalanced: ids of the transfers that do not have exactly two entries
#   summing to zero;
# - foreign_suspects: ids of the transfers whose credited or debited
#   account is in another accorderie, or that are not one credit and one
#   debit, so their entries are checked one by one afterwards. Joining
#   every entry to its account here cost more than the rest of the query;
# - exchange_transfers and exchange_fingerprint: the number of transfers
#   of an exchange, and the sum of a 64-bit hash of what each one moves
#   (exchange id, credited and debited member, minutes, entry counts).
#   _EXCHANGE_SUMMARY_QUERY computes the same sum from the settled
#   exchanges as they should be posted. The two sums are equal when every
#   settled exchange has a transfer that credits the provider and debits
#   the receiver by its minutes, and no other exchange has one.
# Comparing sums replaces joining about 490,000 exchanges to their
# transfers by their text ids, which took most of the audit's time at
# 1,000,000 entries. A reversal is an exchange with the parties swapped,
# so the same rule covers it. A unique constraint on transfer.exchange_id
# already forbids a second transfer.
# NOTE: a wrong transfer goes unnoticed only if the two sums of 64-bit
# hashes still come out equal, which is an estimated one chance in 2**64
# for a given error, not an impossibility.
_TRANSFER_SUMMARY_QUERY = """
    SELECT count(*) FILTER (WHERE t.exchange_id IS NOT NULL) AS exchange_transfers,
           coalesce(sum(hashtextextended(format(
               '%s|%s|%s|%s|%s|%s|%s', t.exchange_id, c.member_id, d.member_id,
               m.credit, m.debit, m.entries, m.credits
           ), 0)) FILTER (WHERE t.exchange_id IS NOT NULL), 0) AS exchange_fingerprint,
           coalesce(array_agg(t.id) FILTER (
               WHERE m.entries IS DISTINCT FROM 2 OR m.total <> 0
           ), ARRAY[]::bigint[]) AS unbalanced,
           coalesce(array_agg(t.id) FILTER (
               WHERE m.entries IS NOT NULL AND (
                   m.entries <> 2 OR m.credits <> 1 OR m.debits <> 1
                   OR c.accorderie_id <> t.accorderie_id
                   OR d.accorderie_id <> t.accorderie_id
               )
           ), ARRAY[]::bigint[]) AS foreign_suspects
    FROM {entries_by_transfer} m
    RIGHT JOIN accorderie_transfer t ON t.id = m.transfer_id
    LEFT JOIN accorderie_account c ON c.id = m.credited
    LEFT JOIN accorderie_account d ON d.id = m.debited
""".format(entries_by_transfer=_ENTRIES_BY_TRANSFER)

# The same count and hash sum as _TRANSFER_SUMMARY_QUERY, from the settled
# exchanges: one credit to the provider and one debit to the receiver.
_EXCHANGE_SUMMARY_QUERY = """
    SELECT count(*) AS exchange_transfers,
           coalesce(sum(hashtextextended(format(
               '%s|%s|%s|%s|%s|%s|%s', id, provider_id, receiver_id,
               minutes, -minutes, 2, 1
           ), 0)), 0) AS exchange_fingerprint
    FROM accorderie_exchange
    WHERE state = 'settled'
"""

# Names the exchanges that do not match their transfer, and runs only when
# the sums differ. A settled exchange must have a transfer that credits
# the provider's account and debits the receiver's by the exchange's
# minutes. An exchange in another state must have no transfer.
_MISMATCHED_EXCHANGES_QUERY = """
    SELECT x.id
    FROM {entries_by_transfer} m
    RIGHT JOIN accorderie_transfer t ON t.id = m.transfer_id
    RIGHT JOIN accorderie_exchange x ON x.id = t.exchange_id
    LEFT JOIN accorderie_account p ON p.member_id = x.provider_id
    LEFT JOIN accorderie_account r ON r.member_id = x.receiver_id
    WHERE CASE WHEN x.state = 'settled' THEN
              t.id IS NULL
              OR m.entries IS DISTINCT FROM 2
              OR m.credits <> 1
              OR m.credited IS DISTINCT FROM p.id
              OR m.credit IS DISTINCT FROM x.minutes
              OR m.debited IS DISTINCT FROM r.id
              OR m.debit IS DISTINCT FROM -x.minutes
          ELSE t.id IS NOT NULL
          END
""".format(entries_by_transfer=_ENTRIES_BY_TRANSFER)

_FOREIGN_ENTRIES_QUERY = """
    SELECT en.id FROM accorderie_entry en
    JOIN accorderie_transfer t ON t.id = en.transfer_id
    JOIN accorderie_account a ON a.id = en.account_id
    WHERE en.transfer_id = ANY(:transfer_ids) AND a.accorderie_id <> t.accorderie_id
"""

AUDIT_INVARIANTS = (
    "account_balance_differs_from_entries",
    *_TRANSFER_INVARIANTS,
    "accorderie_does_not_sum_to_zero",
    "reversal_does_not_mirror_original",
)

# The invariants grouped by the query that checks them, for callers that
# report progress one query at a time.
AUDIT_STEPS: tuple[tuple[str, ...], ...] = (
    ("account_balance_differs_from_entries",),
    _TRANSFER_INVARIANTS,
    ("accorderie_does_not_sum_to_zero",),
    ("reversal_does_not_mirror_original",),
)


def audit(
    session: Session, invariants: Iterable[str] = AUDIT_INVARIANTS, max_ids: int = 100
) -> dict[str, Any]:
    """Check invariants of the ledger and return the failures.

    Turns off PostgreSQL's JIT compilation for the rest of the caller's
    transaction, because compiling the audit's plans took longer than it
    saved.

    :returns: ``{"ok": bool, "failures": {invariant: [ids]}}``, with at most
        ``max_ids`` ids listed per invariant, smallest first.
    """
    wanted = set(invariants)
    session.execute(sa.text("SET LOCAL jit = off"))

    found: dict[str, list[Any]] = {}
    for name, query in _AUDIT_QUERIES.items():
        if name in wanted:
            # No ORDER BY or LIMIT in SQL: with them PostgreSQL picks
            # ordered, fast-start plans that walk whole indexes when
            # nothing fails.
            found[name] = list(session.execute(sa.text(query)).scalars())
    if wanted & set(_TRANSFER_INVARIANTS):
        found.update(_audit_transfers(session))

    failures: dict[str, list[str]] = {}
    for name in AUDIT_INVARIANTS:
        ids = sorted(found.get(name, ())) if name in wanted else []
        if ids:
            failures[name] = [str(i) for i in ids[:max_ids]]
    return {"ok": not failures, "failures": failures}


def _audit_transfers(session: Session) -> dict[str, list[Any]]:
    """Check _TRANSFER_INVARIANTS; return the ids that break each one."""
    transfers = session.execute(sa.text(_TRANSFER_SUMMARY_QUERY)).one()
    exchanges = session.execute(sa.text(_EXCHANGE_SUMMARY_QUERY)).one()

    entries: list[Any] = []
    if transfers.foreign_suspects:
        entries = list(session.execute(
            sa.text(_FOREIGN_ENTRIES_QUERY), {"transfer_ids": transfers.foreign_suspects}
        ).scalars())
    mismatched: list[Any] = []
    if (transfers.exchange_transfers, transfers.exchange_fingerprint) != (
        exchanges.exchange_transfers, exchanges.exchange_fingerprint
    ):
        mismatched = list(session.execute(sa.text(_MISMATCHED_EXCHANGES_QUERY)).scalars())
    return {
        "transfer_not_two_entries_summing_to_zero": list(transfers.unbalanced),
        "entry_in_another_accorderie": entries,
        "exchange_does_not_match_its_transfer": mismatched,
    }
