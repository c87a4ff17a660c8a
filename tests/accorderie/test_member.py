"""Applications, approval and the opening credit."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from .conftest import as_user


def test_apply_gives_next_number(acc):
    accorderie = acc.accorderie()
    first = acc.member(accorderie, state="applicant")
    second = acc.member(accorderie, state="applicant")

    assert (first["number"], second["number"]) == (1, 2)
    assert second["state"] == "applicant"


def test_apply_twice_refused(acc):
    accorderie = acc.accorderie()
    user = factories.User()
    call_action("accorderie_member_apply", context=as_user(user), accorderie_id=accorderie["name"])

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_member_apply", context=as_user(user), accorderie_id=accorderie["name"])
    assert list(error.value.error_dict) == ["accorderie_id"]


def test_apply_anonymous_refused(acc):
    accorderie = acc.accorderie()
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_apply", context=as_user(None), accorderie_id=accorderie["id"])


def test_apply_unknown_neighbourhood_refused(acc):
    accorderie = acc.accorderie()
    with pytest.raises(tk.ValidationError) as error:
        call_action(
            "accorderie_member_apply", context=as_user(factories.User()),
            accorderie_id=accorderie["id"], neighbourhood="Atlantide",
        )
    assert "Atlantide" in error.value.error_dict["neighbourhood"][0]


def test_approve_twice_credits_once(acc):
    accorderie = acc.accorderie(opening_credit=600)
    member = acc.member(accorderie)

    with pytest.raises(tk.ValidationError):
        call_action("accorderie_member_approve", id=member["id"])
    assert call_action("accorderie_member_balance", id=member["id"])["balance"] == 600


def test_member_cannot_approve(acc):
    accorderie = acc.accorderie()
    applicant = acc.member(accorderie, state="applicant")
    member = acc.member(accorderie)

    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_approve", context=as_user(member["user"]), id=applicant["id"])


def test_staff_of_other_accorderie_cannot_approve(acc):
    applicant = acc.member(acc.accorderie(), state="applicant")
    staff = acc.member(acc.accorderie(), role="staff")

    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_approve", context=as_user(staff["user"]), id=applicant["id"])


def test_self_recording_disabled_refuses_member(acc):
    accorderie = acc.accorderie(self_recording=False)
    provider, receiver = acc.member(accorderie), acc.member(accorderie)

    with pytest.raises(tk.NotAuthorized):
        call_action(
            "accorderie_exchange_create", context=as_user(provider["user"]),
            provider_id=provider["id"], receiver_id=receiver["id"],
            duration="1", exchange_date="2026-12-01",
        )


def test_suspended_member_cannot_exchange(acc):
    accorderie = acc.accorderie()
    provider = acc.member(accorderie)
    suspended = acc.member(accorderie, state="suspended")

    with pytest.raises(tk.ValidationError) as error:
        call_action(
            "accorderie_exchange_create",
            provider_id=provider["id"], receiver_id=suspended["id"],
            duration="1", exchange_date="2026-12-01",
        )
    assert "suspended" in error.value.error_dict["receiver_id"][0]
