"""The caller's memberships, and declining an application."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth

from .conftest import as_user


def test_membership_list_returns_own_rows(acc):
    first, second = acc.accorderie(), acc.accorderie()
    user = factories.User()
    acc.member(first, user=user)
    acc.member(second, user=user, state="applicant")

    rows = call_action("accorderie_membership_list", context=as_user(user))

    assert sorted((r["accorderie_name"], r["state"]) for r in rows) == [
        (first["name"], "active"), (second["name"], "applicant"),
    ]


def test_membership_list_ignores_others(acc):
    accorderie = acc.accorderie()
    acc.member(accorderie)

    assert call_action("accorderie_membership_list", context=as_user(factories.User())) == []


def test_membership_list_anonymous_refused(acc):
    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_membership_list", as_user(None))


def test_decline_sets_state_left(acc):
    accorderie = acc.accorderie()
    staff = acc.member(accorderie, role="staff")
    applicant = acc.member(accorderie, state="applicant")

    result = call_action(
        "accorderie_member_decline", context=as_user(staff["user"]),
        id=applicant["id"], reason="Hors du territoire",
    )

    assert result["state"] == "left"


def test_decline_needs_reason(acc):
    accorderie = acc.accorderie()
    applicant = acc.member(accorderie, state="applicant")

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_member_decline", id=applicant["id"], reason="")

    assert "reason" in error.value.error_dict


def test_decline_active_member_refused(acc):
    accorderie = acc.accorderie()
    member = acc.member(accorderie)

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_member_decline", id=member["id"], reason="Non")

    assert "id" in error.value.error_dict


def test_decline_by_member_refused(acc):
    accorderie = acc.accorderie()
    member = acc.member(accorderie)
    applicant = acc.member(accorderie, state="applicant")

    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_member_decline", as_user(member["user"]), id=applicant["id"])


def test_member_list_search_by_name(acc):
    accorderie = acc.accorderie()
    wanted = acc.member(accorderie, user=factories.User(fullname="Josette Lafargue"))
    acc.member(accorderie, user=factories.User(fullname="Marcel Dupuy"))

    found = call_action("accorderie_member_list", accorderie_id=accorderie["id"], q="lafar")

    assert [m["id"] for m in found["results"]] == [wanted["id"]]
    assert found["count"] == 1


def test_member_list_search_by_number(acc):
    accorderie = acc.accorderie()
    acc.member(accorderie)
    second = acc.member(accorderie)

    found = call_action("accorderie_member_list", accorderie_id=accorderie["id"], q=str(second["number"]))

    assert [m["id"] for m in found["results"]] == [second["id"]]


def test_member_list_search_percent_literal(acc):
    accorderie = acc.accorderie()
    acc.member(accorderie, user=factories.User(fullname="Marcel Dupuy"))

    found = call_action("accorderie_member_list", accorderie_id=accorderie["id"], q="%")

    assert found["count"] == 0
