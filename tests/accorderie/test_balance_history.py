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


def test_points_follow_balance(acc, agen):
    provider, receiver = acc.member(agen), acc.member(agen)
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


def test_limit_keeps_latest(acc, agen):
    provider, receiver = acc.member(agen), acc.member(agen)
    acc.exchange(provider, receiver, duration="1h")
    acc.exchange(provider, receiver, duration="1h")

    assert [p["balance"] for p in _history(provider, limit=2)] == [16 * 60, 17 * 60]


def test_points_have_dates(acc, agen):
    member = acc.member(agen)

    [point] = _history(member)

    assert len(point["date"]) == 10
    assert point["date"][4] == "-"


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
