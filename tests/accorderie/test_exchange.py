"""Recording, confirming, rejecting and reversing exchanges."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from .conftest import as_user


@pytest.fixture
def trio(acc):
    accorderie = acc.accorderie(opening_credit=600, max_exchange=240)
    return accorderie, acc.member(accorderie), acc.member(accorderie)


def _balance(member):
    return call_action("accorderie_member_balance", id=member["id"])["balance"]


def test_opening_credit_comes_from_association(acc):
    accorderie = acc.accorderie(opening_credit=900)
    member = acc.member(accorderie)

    assert _balance(member) == 900
    assert call_action("accorderie_ledger_audit")["ok"] is True


def test_confirm_settles_both_sides(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver, duration="1h30")

    assert exchange["state"] == "settled"
    assert exchange["minutes"] == 90
    assert _balance(provider) == 690
    assert _balance(receiver) == 510


def test_recorder_cannot_confirm(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver, settle=False)

    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_exchange_confirm", context=as_user(provider["user"]), id=exchange["id"])


def test_second_confirmation_refused(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver)

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])
    assert error.value.error_dict["id"] == ["Cet échange est déjà confirmé."]


def test_staff_records_on_behalf(acc, trio):
    accorderie, provider, receiver = trio
    staff = acc.member(accorderie, role="staff")
    exchange = call_action(
        "accorderie_exchange_create", context=as_user(staff["user"]),
        provider_id=provider["id"], receiver_id=receiver["id"],
        duration="2", exchange_date="2026-12-01", recorded_by_id=receiver["id"],
    )

    assert exchange["recorded_on_behalf"] is True
    assert exchange["recorded_by_staff_id"] == staff["id"]
    assert exchange["recorded_by_id"] == receiver["id"]


def test_exchange_with_oneself_refused(trio):
    _, provider, _receiver = trio
    with pytest.raises(tk.ValidationError) as error:
        call_action(
            "accorderie_exchange_create", context=as_user(provider["user"]),
            provider_id=provider["id"], receiver_id=provider["id"],
            duration="1", exchange_date="2026-12-01",
        )
    assert list(error.value.error_dict) == ["receiver_id"]


def test_exchange_across_accorderies_refused(acc, trio):
    _, provider, _receiver = trio
    stranger = acc.member(acc.accorderie())
    with pytest.raises(tk.ValidationError) as error:
        call_action(
            "accorderie_exchange_create",
            provider_id=provider["id"], receiver_id=stranger["id"],
            duration="1", exchange_date="2026-12-01",
        )
    assert "même accorderie" in error.value.error_dict["receiver_id"][0]


def test_exchange_with_applicant_refused(acc, trio):
    accorderie, provider, _receiver = trio
    applicant = acc.member(accorderie, state="applicant")
    with pytest.raises(tk.ValidationError) as error:
        call_action(
            "accorderie_exchange_create",
            provider_id=provider["id"], receiver_id=applicant["id"],
            duration="1", exchange_date="2026-12-01",
        )
    assert "n'est pas actif" in error.value.error_dict["receiver_id"][0]


def test_limit_refusal_says_by_how_much(acc):
    accorderie = acc.accorderie(opening_credit=60, min_balance=0, max_exchange=240)
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    exchange = acc.exchange(provider, receiver, duration="1h30", settle=False)

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])
    assert "30 min" in error.value.error_dict["duration"][0]
    assert _balance(receiver) == 60


def test_provider_above_highest_refused(acc):
    accorderie = acc.accorderie(opening_credit=600, max_balance=630, max_exchange=240)
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    exchange = acc.exchange(provider, receiver, duration="1h", settle=False)

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])
    assert "30 min" in error.value.error_dict["duration"][0]


def test_reject_never_settles(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver, settle=False)
    rejected = call_action("accorderie_exchange_reject", context=as_user(receiver["user"]), id=exchange["id"])

    assert rejected["state"] == "rejected"
    with pytest.raises(tk.ValidationError):
        call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])
    assert _balance(receiver) == 600


def test_cancel_by_recorder(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver, settle=False)
    cancelled = call_action("accorderie_exchange_cancel", context=as_user(provider["user"]), id=exchange["id"])

    assert cancelled["state"] == "cancelled"


def test_reverse_restores_balances(acc, trio):
    accorderie, provider, receiver = trio
    staff = acc.member(accorderie, role="staff")
    exchange = acc.exchange(provider, receiver, duration="2h")
    reversal = call_action("accorderie_exchange_reverse", context=as_user(staff["user"]), id=exchange["id"])

    assert reversal["reverses_id"] == exchange["id"]
    assert reversal["provider_id"] == receiver["id"]
    assert _balance(provider) == 600
    assert _balance(receiver) == 600


def test_reverse_twice_refused(acc, trio):
    accorderie, provider, receiver = trio
    exchange = acc.exchange(provider, receiver)
    call_action("accorderie_exchange_reverse", id=exchange["id"])

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_exchange_reverse", id=exchange["id"])
    assert error.value.error_dict == {"id": ["Cet échange a déjà été contre-passé."]}


def test_member_cannot_reverse(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver)

    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_exchange_reverse", context=as_user(receiver["user"]), id=exchange["id"])


def test_statement_lists_entries(acc, trio):
    _, provider, receiver = trio
    exchange = acc.exchange(provider, receiver, duration="45 min")
    statement = call_action("accorderie_member_statement", context=as_user(receiver["user"]), id=receiver["id"])

    # The order (by exchange date) is the subject of test_statement_order.
    by_kind = {entry["kind"]: entry for entry in statement["entries"]}
    assert statement["balance"] == 555
    assert statement["count"] == 2
    assert by_kind["exchange"]["minutes"] == -45
    assert by_kind["exchange"]["exchange_id"] == exchange["id"]
    assert by_kind["exchange"]["counterparty_id"] == provider["id"]
    assert by_kind["opening_credit"]["minutes"] == 600
