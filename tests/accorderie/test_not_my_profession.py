"""The API requires a member's statement that an offer they publish is not
their profession. Staff publishing for a member and trusted code are exempt."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from .conftest import as_user

OFFER = {"type": "offer", "title": "Cours de guitare", "category_id": "music"}


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen")


def _create(caller, member, **fields):
    return call_action(
        "accorderie_service_create", context=as_user(caller),
        member_id=member["id"], **{**OFFER, **fields},
    )


def _count(member):
    return call_action(
        "accorderie_service_list", member_id=member["id"], status="published"
    )["count"] + call_action(
        "accorderie_service_list", member_id=member["id"], status="draft"
    )["count"]


def test_member_offer_without_statement_rejected(acc, agen):
    member = acc.member(agen)

    with pytest.raises(tk.ValidationError) as raised:
        _create(member["user"], member, status="published")

    assert list(raised.value.error_dict) == ["not_my_profession"]
    assert _count(member) == 0


def test_rejection_message_in_french(acc, agen):
    member = acc.member(agen)

    with pytest.raises(tk.ValidationError) as raised:
        _create(member["user"], member, status="published", not_my_profession="false")

    [message] = raised.value.error_dict["not_my_profession"]
    assert message.startswith("Confirmez que ce service n'est pas votre métier")


def test_member_offer_with_statement_published(acc, agen):
    member = acc.member(agen)

    created = _create(member["user"], member, status="published", not_my_profession=True)

    assert created["status"] == "published"


def test_member_draft_needs_no_statement(acc, agen):
    member = acc.member(agen)

    assert _create(member["user"], member, status="draft")["status"] == "draft"


def test_member_request_needs_no_statement(acc, agen):
    member = acc.member(agen)

    created = _create(member["user"], member, type="request", status="published")

    assert created["status"] == "published"


def test_staff_for_member_needs_no_statement(acc, agen):
    staff = acc.member(agen, role="staff")
    member = acc.member(agen)

    assert _create(staff["user"], member, status="published")["status"] == "published"


def test_staff_own_offer_needs_statement(acc, agen):
    staff = acc.member(agen, role="staff")

    with pytest.raises(tk.ValidationError) as raised:
        _create(staff["user"], staff, status="published")

    assert list(raised.value.error_dict) == ["not_my_profession"]


def test_trusted_import_needs_no_statement(acc, agen):
    member = acc.member(agen)

    # call_action runs with ignore_auth, as the CSV import does.
    created = call_action(
        "accorderie_service_create", member_id=member["id"], status="published", **OFFER
    )

    assert created["status"] == "published"


def test_update_to_published_needs_statement(acc, agen):
    member = acc.member(agen)
    draft = _create(member["user"], member, status="draft")

    with pytest.raises(tk.ValidationError) as raised:
        call_action(
            "accorderie_service_patch", context=as_user(member["user"]),
            id=draft["id"], status="published",
        )

    assert list(raised.value.error_dict) == ["not_my_profession"]
    shown = call_action("accorderie_service_show", id=draft["id"])
    assert shown["status"] == "draft"


def test_update_with_statement_published(acc, agen):
    member = acc.member(agen)
    draft = _create(member["user"], member, status="draft")

    updated = call_action(
        "accorderie_service_patch", context=as_user(member["user"]),
        id=draft["id"], status="published", not_my_profession=True,
    )

    assert updated["status"] == "published"


def test_closing_needs_no_statement(acc, agen):
    member = acc.member(agen)
    offer = _create(member["user"], member, status="published", not_my_profession=True)

    closed = call_action(
        "accorderie_service_patch", context=as_user(member["user"]),
        id=offer["id"], status="closed",
    )

    assert closed["status"] == "closed"

