"""Monthly statistics of the accorderies, computed for publication as open
data.

Two tables come out of the ledger: one row of totals per accorderie and
month, and one row per category or neighbourhood of the exchanges. Every
figure that describes fewer members than the threshold
(``ckanext.accorderie.stats_min_members``) is left empty, so no one can be
recognised in the published data.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import ckan.plugins.toolkit as tk

from . import model as acc_model

__all__ = [
    "MONTH_PATTERN",
    "UNSPECIFIED",
    "Figures",
    "TOTALS_FIELDS",
    "BREAKDOWN_FIELDS",
    "month_bounds",
    "months_with_activity",
    "monthly_rows",
    "table_schema",
]

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Group of the exchanges that name no service, or a service with no
# neighbourhood and a provider with none either.
UNSPECIFIED = "unspecified"


def N_(message: str) -> str:
    """Mark ``message`` for the message extractor, which reads ``N_`` calls,
    and leave it untranslated until a table is published."""
    return message


# (name, DataStore type, Table Schema type, description)
TOTALS_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("accorderie", "text", "string", N_("Short name of the accorderie.")),
    ("month", "text", "string", N_("Month of the exchanges, YYYY-MM.")),
    ("exchanges", "int", "integer", N_("Exchanges settled in the month.")),
    ("hours", "numeric", "number", N_("Hours exchanged in the month.")),
    ("active_members", "int", "integer", N_("Members who gave or received a service in the month.")),
    ("new_members", "int", "integer", N_("Members whose application was approved in the month.")),
    ("reuses", "int", "integer",
     N_("Exchanges of a service that offers help with a dataset of the portal.")),
)
BREAKDOWN_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("accorderie", "text", "string", N_("Short name of the accorderie.")),
    ("month", "text", "string", N_("Month of the exchanges, YYYY-MM.")),
    ("breakdown", "text", "string", N_("The grouping of the row: category or neighbourhood.")),
    ("group", "text", "string",
     N_("Id of the category, or name of the neighbourhood. The value unspecified means the exchange names none.")),
    ("exchanges", "int", "integer", N_("Exchanges settled in the month in this group.")),
    ("hours", "numeric", "number", N_("Hours exchanged in the month in this group.")),
    ("members", "int", "integer", N_("Members who gave or received a service in this group.")),
)


@dataclasses.dataclass
class Figures:
    """Exchanges of one group in one month, with the members involved."""

    exchanges: int = 0
    minutes: int = 0
    members: set[str] = dataclasses.field(default_factory=set)
    reuses: int = 0
    reuse_members: set[str] = dataclasses.field(default_factory=set)

    def add(self, minutes: int, provider_id: str, receiver_id: str, reuse: bool) -> None:
        self.exchanges += 1
        self.minutes += minutes
        self.members.update((provider_id, receiver_id))
        if reuse:
            self.reuses += 1
            self.reuse_members.update((provider_id, receiver_id))


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """Return the first day of ``month`` (YYYY-MM) and of the month after."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime.date(year, number, 1)
    end = datetime.date(year + number // 12, number % 12 + 1, 1)
    return start, end


def _month_of(day: datetime.date | datetime.datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _counted_exchanges() -> Any:
    """Settled exchanges that count: neither a correction nor corrected.

    A staff correction settles a second exchange that reverses the first, so
    both are left out and the month shows only what really happened.
    """
    exchange = acc_model.Exchange
    correction = aliased(acc_model.Exchange)
    corrected = sa.exists().where(correction.reverses_id == exchange.id)
    return sa.and_(exchange.state == "settled", exchange.reverses_id.is_(None), ~corrected)


def months_with_activity(session: Any) -> list[str]:
    """Return every finished month from the first settled exchange or
    approved member to the last, YYYY-MM, in order; empty months in between
    included. The current month is left out until it is over."""
    first_exchange, last_exchange = session.execute(
        sa.select(sa.func.min(acc_model.Exchange.exchange_date), sa.func.max(acc_model.Exchange.exchange_date))
        .where(_counted_exchanges())
    ).one()
    first_member, last_member = session.execute(
        sa.select(sa.func.min(acc_model.Member.approved), sa.func.max(acc_model.Member.approved))
    ).one()
    firsts = [_month_of(day) for day in (first_exchange, first_member) if day is not None]
    lasts = [_month_of(day) for day in (last_exchange, last_member) if day is not None]
    if not firsts:
        return []

    months = []
    month = min(firsts)
    last = min(max(lasts), latest_complete_month())
    while month <= last:
        months.append(month)
        month = _month_of(month_bounds(month)[1])
    return months


def monthly_rows(
    session: Any, month: str, min_members: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Compute the totals and breakdown rows of every accorderie for one month.

    Returns the rows with the small figures already emptied (``None``).
    """
    start, end = month_bounds(month)
    exchange = acc_model.Exchange
    service = acc_model.Service
    provider = aliased(acc_model.Member)
    reuse = sa.exists().where(acc_model.ServiceDataset.service_id == exchange.service_id)
    rows = session.execute(
        sa.select(
            exchange.accorderie_id, exchange.minutes, exchange.provider_id, exchange.receiver_id,
            service.category_id,
            sa.func.coalesce(service.neighbourhood, provider.neighbourhood),
            reuse,
        )
        .outerjoin(service, service.id == exchange.service_id)
        .join(provider, provider.id == exchange.provider_id)
        .where(_counted_exchanges(), exchange.exchange_date >= start, exchange.exchange_date < end)
    ).all()

    totals: dict[str, Figures] = {}
    groups: dict[tuple[str, str, str], Figures] = {}
    for accorderie_id, minutes, provider_id, receiver_id, category, neighbourhood, is_reuse in rows:
        parties = (minutes, provider_id, receiver_id, bool(is_reuse))
        totals.setdefault(accorderie_id, Figures()).add(*parties)
        for breakdown, group in (("category", category), ("neighbourhood", neighbourhood)):
            key = (accorderie_id, breakdown, group or UNSPECIFIED)
            groups.setdefault(key, Figures()).add(*parties)

    new_members = dict(session.execute(
        sa.select(acc_model.Member.accorderie_id, sa.func.count())
        .where(acc_model.Member.approved >= start, acc_model.Member.approved < end)
        .group_by(acc_model.Member.accorderie_id)
    ).all())
    accorderies = session.execute(
        sa.select(acc_model.Accorderie.id, acc_model.Accorderie.name).order_by(acc_model.Accorderie.name)
    ).all()

    totals_rows = []
    breakdown_rows = []
    for accorderie_id, name in accorderies:
        figures = totals.get(accorderie_id, Figures())
        totals_rows.append(_totals_row(name, month, figures, new_members.get(accorderie_id, 0), min_members))
        for breakdown in ("category", "neighbourhood"):
            found = sorted(
                (key[2], value) for key, value in groups.items()
                if key[0] == accorderie_id and key[1] == breakdown
            )
            breakdown_rows.extend(_breakdown_rows(
                name, month, breakdown, found, len(figures.members) >= min_members, min_members
            ))
    return totals_rows, breakdown_rows


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _totals_row(
    name: str, month: str, figures: Figures, new_members: int, min_members: int
) -> dict[str, Any]:
    shown = len(figures.members) >= min_members
    return {
        "accorderie": name,
        "month": month,
        "exchanges": figures.exchanges if shown else None,
        "hours": _hours(figures.minutes) if shown else None,
        "active_members": len(figures.members) if shown else None,
        "new_members": new_members if new_members >= min_members else None,
        "reuses": figures.reuses if len(figures.reuse_members) >= min_members else None,
    }


def _breakdown_rows(
    name: str, month: str, breakdown: str, groups: Iterable[tuple[str, Figures]],
    total_shown: bool, min_members: int,
) -> list[dict[str, Any]]:
    groups = list(groups)
    hidden = {group for group, figures in groups if len(figures.members) < min_members}

    # With the total shown and a single group hidden, the hidden group's
    # exchanges and hours are the total minus the others. Hiding the
    # smallest other group as well prevents that subtraction.
    shown = [(len(figures.members), group) for group, figures in groups if group not in hidden]
    if total_shown and len(hidden) == 1 and shown:
        hidden.add(min(shown)[1])

    rows = []
    for group, figures in groups:
        visible = group not in hidden
        rows.append({
            "accorderie": name,
            "month": month,
            "breakdown": breakdown,
            "group": group,
            "exchanges": figures.exchanges if visible else None,
            "hours": _hours(figures.minutes) if visible else None,
            "members": len(figures.members) if visible else None,
        })
    return rows


def table_schema(fields: tuple[tuple[str, str, str, str], ...], primary_key: list[str]) -> dict[str, Any]:
    """Return the Table Schema (Frictionless Data) of a published table."""
    return {
        "fields": [
            {"name": name, "type": schema_type, "description": tk._(description)}
            for name, _datastore_type, schema_type, description in fields
        ],
        "primaryKey": primary_key,
        "missingValues": [""],
    }


def min_members() -> int:
    """Return the smallest number of members a published figure may describe."""
    return tk.config.get("ckanext.accorderie.stats_min_members")


def latest_complete_month(today: Optional[datetime.date] = None) -> str:
    """Return the month before ``today``'s, YYYY-MM: the last finished one."""
    today = today or datetime.date.today()
    return _month_of(today.replace(day=1) - datetime.timedelta(days=1))
