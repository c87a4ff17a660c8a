"""accorderie_member_balance_history: the points of the balance chart."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action, call_auth

from .conftest import as_user


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen")


def _history(member, **params):
    return call_action("accorderie_member_balance_history", id=member["id"], **params)


def _members_before_exchanges(acc, agen, freezer):
    """Approve two members on 1 November 2026, then move the clock to
    December, so that the factory's exchanges of 30 November come after
    their opening credits in the statement's order."""
    freezer.move_to("2026-11-01 09:00")
    provider, receiver = acc.member(agen), acc.member(agen)
    freezer.move_to("2026-12-01 09:00")
    return provider, receiver


def test_points_follow_balance(acc, agen, freezer):
    provider, receiver = _members_before_exchanges(acc, agen, freezer)
    acc.exchange(provider, receiver, duration="2h")
    acc.exchange(receiver, provider, duration="30 min")

    balances = [point["balance"] for point in _history(provider)]

    # Opening credit of 15 h. Giving time earns hours and receiving spends them.
    assert balances == [15 * 60, 17 * 60, 16 * 60 + 30]


def test_last_point_is_balance(acc, agen):
    provider, receiver = acc.member(agen), acc.member(agen)
    acc.exchange(provider, receiver, duration="1h15")

    last = _history(receiver)[-1]["balance"]

    assert last == call_action("accorderie_member_balance", id=receiver["id"])["balance"]


def test_limit_keeps_latest(acc, agen, freezer):
    provider, receiver = _members_before_exchanges(acc, agen, freezer)
    acc.exchange(provider, receiver, duration="1h")
    acc.exchange(provider, receiver, duration="1h")

    assert [p["balance"] for p in _history(provider, limit=2)] == [16 * 60, 17 * 60]


def test_points_have_dates(acc, agen):
    member = acc.member(agen)

    [point] = _history(member)

    assert len(point["date"]) == 10
    assert point["date"][4] == "-"


@pytest.fixture
def late_exchange(acc, freezer):
    """A receiver approved on 1 November 2026 with 10 h, who settles an
    exchange dated 10 November on the 12th, then one dated 5 November on
    the 20th."""
    freezer.move_to("2026-11-01 09:00")
    accorderie = acc.accorderie(opening_credit=600, max_exchange=240)
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    for settled, date, duration in (
        ("2026-11-12 09:00", "2026-11-10", "1h"),
        ("2026-11-20 09:00", "2026-11-05", "30 min"),
    ):
        freezer.move_to(settled)
        exchange = call_action(
            "accorderie_exchange_create", context=as_user(provider["user"]),
            provider_id=provider["id"], receiver_id=receiver["id"], duration=duration,
            exchange_date=date,
        )
        call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])
    return receiver


def test_points_by_exchange_date(late_exchange):
    points = _history(late_exchange)

    # In settlement order they would read 600, 540 (12 Nov.), 510 (20 Nov.).
    assert [point["date"] for point in points] == ["2026-11-01", "2026-11-05", "2026-11-10"]
    assert [point["balance"] for point in points] == [600, 570, 510]


def test_limit_latest_by_exchange_date(late_exchange):
    points = _history(late_exchange, limit=2)

    assert [point["date"] for point in points] == ["2026-11-05", "2026-11-10"]
    assert [point["balance"] for point in points] == [570, 510]


def test_account_points_by_exchange_date(late_exchange):
    shown = call_action(
        "accorderie_member_account_show", context=as_user(late_exchange["user"]),
        id=late_exchange["id"],
    )

    assert [point["date"] for point in shown["points"]] == ["2026-11-01", "2026-11-05", "2026-11-10"]
    assert [point["balance"] for point in shown["points"]] == [600, 570, 510]


def test_member_reads_own(acc, agen):
    member = acc.member(agen)
    assert call_auth("accorderie_member_balance_history", as_user(member["user"]), id=member["id"])


def test_staff_reads_member(acc, agen):
    staff, member = acc.member(agen, role="staff"), acc.member(agen)
    assert call_auth("accorderie_member_balance_history", as_user(staff["user"]), id=member["id"])


@pytest.mark.parametrize("who", ["other_member", "anonymous"])
def test_others_rejected(who, acc, agen):
    member = acc.member(agen)
    caller = acc.member(agen)["user"] if who == "other_member" else None
    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_member_balance_history", as_user(caller), id=member["id"])
