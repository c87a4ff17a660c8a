"""What each role may read about a member, their statement and services.

The member under study shows their e-mail to members, their phone to
staff only and their address to nobody.
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from .conftest import as_user

MEMBER_FIELDS = {
    "id", "accorderie_id", "number", "display_name", "neighbourhood",
    "skills", "availability", "role",
}
STAFF_FIELDS = MEMBER_FIELDS | {
    "email", "phone", "user_id", "state", "orientation_date", "applied", "approved", "erased",
}
SELF_FIELDS = STAFF_FIELDS | {
    "address", "email_visibility", "phone_visibility", "address_visibility",
    "language",
}
SERVICE_PUBLIC_FIELDS = {
    "id", "accorderie_id", "type", "title", "description", "description_html",
    "category_id", "neighbourhood", "expires", "created",
}
SERVICE_MEMBER_FIELDS = SERVICE_PUBLIC_FIELDS | {"member_id", "member_name", "availability", "contact"}
SERVICE_STAFF_FIELDS = SERVICE_MEMBER_FIELDS | {"status", "modified"}


@pytest.fixture
def world(acc):
    home = acc.accorderie()
    other = acc.accorderie()
    target = acc.member(
        home,
        user=factories.User(fullname="Camille Durand"),
        neighbourhood="Pin", skills="Couture",
        email="camille@example.org", email_visibility="members",
        phone="0600000000", phone_visibility="staff",
        address="1 rue des Lilas", address_visibility="nobody",
    )
    service = call_action(
        "accorderie_service_create", member_id=target["id"], type="offer",
        title="Retouches", description="Ourlets **rapides**", category_id="sewing",
        neighbourhood="Pin", availability="Le soir", status="published",
    )
    readers = {
        "anonymous": None,
        "other_member": acc.member(other)["user"],
        "other_staff": acc.member(other, role="staff")["user"],
        "same_member": acc.member(home)["user"],
        "self": target["user"],
        "staff": acc.member(home, role="staff")["user"],
        "sysadmin": factories.Sysadmin(),
    }
    return target, service, readers


@pytest.mark.parametrize("reader", ["anonymous", "other_member", "other_staff"])
def test_member_hidden_from_outsiders(world, reader):
    target, _, readers = world
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_show", context=as_user(readers[reader]), id=target["id"])


def test_member_seen_by_same_member(world):
    target, _, readers = world
    shown = call_action("accorderie_member_show", context=as_user(readers["same_member"]), id=target["id"])

    assert set(shown) == MEMBER_FIELDS | {"email"}
    assert shown["display_name"] == "Camille Durand"
    assert shown["email"] == "camille@example.org"


def test_member_seen_by_staff(world):
    target, _, readers = world
    shown = call_action("accorderie_member_show", context=as_user(readers["staff"]), id=target["id"])

    assert set(shown) == STAFF_FIELDS
    assert shown["phone"] == "0600000000"
    assert "address" not in shown


@pytest.mark.parametrize("reader", ["self", "sysadmin"])
def test_member_seen_whole(world, reader):
    target, _, readers = world
    shown = call_action("accorderie_member_show", context=as_user(readers[reader]), id=target["id"])

    assert set(shown) == SELF_FIELDS
    assert shown["address"] == "1 rue des Lilas"


@pytest.mark.parametrize("reader", ["anonymous", "other_member", "other_staff", "same_member"])
@pytest.mark.parametrize("action", ["accorderie_member_statement", "accorderie_member_balance"])
def test_statement_hidden_from_others(world, reader, action):
    target, _, readers = world
    with pytest.raises(tk.NotAuthorized):
        call_action(action, context=as_user(readers[reader]), id=target["id"])


@pytest.mark.parametrize("reader", ["self", "staff", "sysadmin"])
def test_statement_seen_by_self_and_staff(world, reader):
    target, _, readers = world
    statement = call_action("accorderie_member_statement", context=as_user(readers[reader]), id=target["id"])
    balance = call_action("accorderie_member_balance", context=as_user(readers[reader]), id=target["id"])

    assert statement["balance"] == 900
    assert balance == {"member_id": target["id"], "balance": 900}


@pytest.mark.parametrize("reader", ["anonymous", "other_member", "other_staff"])
def test_service_public_view(world, reader):
    _, service, readers = world
    shown = call_action("accorderie_service_show", context=as_user(readers[reader]), id=service["id"])

    assert set(shown) == SERVICE_PUBLIC_FIELDS
    assert "Camille" not in str(shown)


def test_service_member_view(world):
    _, service, readers = world
    shown = call_action("accorderie_service_show", context=as_user(readers["same_member"]), id=service["id"])

    assert set(shown) == SERVICE_MEMBER_FIELDS
    assert shown["member_name"] == "Camille Durand"
    assert shown["contact"] == {"email": "camille@example.org"}


def test_service_staff_view(world):
    _, service, readers = world
    shown = call_action("accorderie_service_show", context=as_user(readers["staff"]), id=service["id"])

    assert set(shown) == SERVICE_STAFF_FIELDS
    assert shown["contact"] == {"email": "camille@example.org", "phone": "0600000000"}


def test_service_markdown_rendered_safely(acc, world):
    target, _, _ = world
    service = call_action(
        "accorderie_service_create", member_id=target["id"], type="offer", title="Test",
        description="**gras** <script>alert(1)</script>", category_id="sewing", status="published",
    )

    assert "<strong>gras</strong>" in service["description_html"]
    assert "<script>" not in service["description_html"]


def test_draft_service_hidden_from_public(world):
    target, _, readers = world
    draft = call_action(
        "accorderie_service_create", member_id=target["id"], type="request",
        title="Brouillon", category_id="diy",
    )
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_service_show", context=as_user(None), id=draft["id"])


def test_member_list_hides_applicants_from_members(acc, world):
    target, _, readers = world
    applicant = acc.member(call_action("accorderie_accorderie_show", id=target["accorderie_id"]), state="applicant")
    listed = call_action(
        "accorderie_member_list", context=as_user(readers["same_member"]),
        accorderie_id=target["accorderie_id"],
    )

    assert applicant["id"] not in [m["id"] for m in listed["results"]]
    assert all("user_id" not in m or m["id"] != target["id"] for m in listed["results"])


def test_member_list_refused_to_anonymous(world):
    target, _, _ = world
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_list", context=as_user(None), accorderie_id=target["accorderie_id"])


def test_member_cannot_change_own_role(world):
    target, _, readers = world
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_patch", context=as_user(readers["self"]), id=target["id"], role="staff")


def test_member_hides_own_service_refused(world):
    _, service, readers = world
    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_service_patch", context=as_user(readers["self"]), id=service["id"], status="hidden")
    assert list(error.value.error_dict) == ["status"]


def test_staff_hides_service(world):
    _, service, readers = world
    hidden = call_action("accorderie_service_patch", context=as_user(readers["staff"]), id=service["id"], status="hidden")

    assert hidden["status"] == "hidden"
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_service_show", context=as_user(None), id=service["id"])


def test_export_only_by_self(world):
    target, _, readers = world
    exported = call_action("accorderie_member_export", context=as_user(readers["self"]), id=target["id"])

    assert exported["member"]["address"] == "1 rue des Lilas"
    assert [s["title"] for s in exported["services"]] == ["Retouches"]
    assert exported["balance"] == 900
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_export", context=as_user(readers["staff"]), id=target["id"])
