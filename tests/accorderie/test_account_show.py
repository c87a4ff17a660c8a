"""accorderie_member_account_show: the account page's figures in one call,
equal to those of the statement and balance history actions."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from .conftest import as_user


@pytest.fixture
def trio(acc, freezer):
    """An accorderie and two members approved on 1 November 2026, with
    three exchanges settled in an order that differs from their dates."""
    freezer.move_to("2026-11-01 09:00")
    accorderie = acc.accorderie(opening_credit=600, max_exchange=240)
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    freezer.move_to("2026-12-01 09:00")
    for date, duration in (("2026-11-10", "1h"), ("2026-11-05", "30 min"), ("2026-11-20", "2h")):
        exchange = call_action(
            "accorderie_exchange_create", context=as_user(provider["user"]),
            provider_id=provider["id"], receiver_id=receiver["id"], duration=duration,
            exchange_date=date,
        )
        call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])
    return accorderie, provider, receiver


def _show(member, **params):
    return call_action(
        "accorderie_member_account_show", context=as_user(member["user"]), id=member["id"], **params,
    )


def test_account_matches_statement(trio):
    _, _, receiver = trio

    shown = _show(receiver)
    statement = call_action("accorderie_member_statement", id=receiver["id"])

    assert shown["balance"] == statement["balance"] == 390
    assert shown["count"] == statement["count"] == 4
    assert shown["entries"] == statement["entries"]


def test_account_matches_history(trio):
    _, _, receiver = trio

    shown = _show(receiver)
    history = call_action("accorderie_member_balance_history", id=receiver["id"])

    assert shown["points"] == history
    assert [point["balance"] for point in shown["points"]] == [600, 570, 510, 390]
    assert [point["date"] for point in shown["points"]] == [
        "2026-11-01", "2026-11-05", "2026-11-10", "2026-11-20",
    ]


def test_account_page_two(trio):
    _, _, receiver = trio

    shown = _show(receiver, limit=3, offset=3)

    assert [e["kind"] for e in shown["entries"]] == ["opening_credit"]
    assert shown["entries"][0]["balance"] == 600
    assert shown["count"] == 4


def test_account_chart_limit(trio):
    _, _, receiver = trio

    shown = _show(receiver, chart_limit=2)

    assert [point["balance"] for point in shown["points"]] == [510, 390]
    assert len(shown["entries"]) == 4


def test_account_offset_past_end(trio):
    _, _, receiver = trio

    shown = _show(receiver, offset=40, chart_limit=0)

    assert shown["entries"] == []
    assert shown["points"] == []
    assert (shown["balance"], shown["count"]) == (390, 4)


def test_account_without_entries(acc):
    accorderie = acc.accorderie(opening_credit=0)
    member = acc.member(accorderie)

    shown = _show(member)

    assert (shown["balance"], shown["count"], shown["entries"], shown["points"]) == (0, 0, [], [])


def test_account_staff_may_read(acc, trio):
    accorderie, _, receiver = trio
    staff = acc.member(accorderie, role="staff")

    shown = call_action(
        "accorderie_member_account_show", context=as_user(staff["user"]), id=receiver["id"],
    )

    assert shown["balance"] == 390


def test_account_other_member_refused(trio):
    _, provider, receiver = trio

    with pytest.raises(tk.NotAuthorized):
        call_action(
            "accorderie_member_account_show", context=as_user(provider["user"]), id=receiver["id"],
        )


def test_account_anonymous_refused(trio):
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_account_show", context=as_user(None), id=trio[2]["id"])


def test_account_unknown_member(trio):
    with pytest.raises(tk.ObjectNotFound):
        call_action("accorderie_member_account_show", id="no-such-member")


def test_account_bad_limit_named(trio):
    with pytest.raises(tk.ValidationError) as error:
        _show(trio[2], limit="many", chart_limit=-1)

    assert set(error.value.error_dict) == {"limit", "chart_limit"}


def test_account_lists_pending(acc, trio):
    accorderie, provider, receiver = trio
    other = acc.member(accorderie)
    mine = acc.exchange(provider, receiver, duration="15 min", settle=False)
    acc.exchange(provider, other, duration="15 min", settle=False)

    shown = _show(receiver)

    assert [e["id"] for e in shown["pending"]] == [mine["id"]]
    assert shown["pending"][0]["provider_name"] == provider["display_name"]


def test_account_lists_published_services(acc, trio):
    accorderie, provider, receiver = trio

    def publish(member, status):
        return call_action(
            "accorderie_service_create", context=as_user(member["user"]), member_id=member["id"],
            type="offer", title=f"Service {status}", category_id="gardening", status=status,
            not_my_profession=True,
        )

    published = publish(receiver, "published")
    publish(receiver, "draft")
    publish(provider, "published")

    services = _show(receiver)["services"]

    assert [s["id"] for s in services] == [published["id"]]
    assert services[0]["status"] == "published"
