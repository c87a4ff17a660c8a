"""The actions on the notes that staff keep on members: who may call
them, what they check, and the notes in the member's export and erasure."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.accorderie import model as acc_model

from .conftest import as_user


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen")


@pytest.fixture
def staff(acc, agen):
    return acc.member(agen, role="staff")


@pytest.fixture
def member(acc, agen):
    return acc.member(agen)


def _add_note(staff, member, text="Appelé le 3 décembre : préfère le matin."):
    return call_action(
        "accorderie_member_note_create", context=as_user(staff["user"]),
        member_id=member["id"], text=text,
    )


def _note_count():
    return model.Session.query(acc_model.MemberNote).count()


# Who may call the actions, action by action


@pytest.mark.parametrize("action", [
    "accorderie_member_note_create", "accorderie_member_note_list",
])
def test_staff_allowed(action, staff, member):
    assert call_auth(action, as_user(staff["user"]), member_id=member["id"])


@pytest.mark.parametrize("action", [
    "accorderie_member_note_create", "accorderie_member_note_list",
])
def test_member_concerned_rejected(action, member):
    with pytest.raises(tk.NotAuthorized):
        call_auth(action, as_user(member["user"]), member_id=member["id"])


@pytest.mark.parametrize("action", [
    "accorderie_member_note_create", "accorderie_member_note_list",
])
def test_other_member_rejected(action, acc, agen, member):
    other = acc.member(agen)
    with pytest.raises(tk.NotAuthorized):
        call_auth(action, as_user(other["user"]), member_id=member["id"])


@pytest.mark.parametrize("action", [
    "accorderie_member_note_create", "accorderie_member_note_list",
])
def test_other_accorderie_staff_rejected(action, acc, member):
    elsewhere = acc.accorderie(name="villeneuve")
    foreign_staff = acc.member(elsewhere, role="staff")
    with pytest.raises(tk.NotAuthorized):
        call_auth(action, as_user(foreign_staff["user"]), member_id=member["id"])


@pytest.mark.parametrize("action", [
    "accorderie_member_note_create", "accorderie_member_note_list",
])
def test_anonymous_rejected(action, member):
    with pytest.raises(tk.NotAuthorized):
        call_auth(action, as_user(None), member_id=member["id"])


@pytest.mark.parametrize("action", [
    "accorderie_member_note_create", "accorderie_member_note_list",
])
def test_suspended_staff_rejected(action, acc, agen, member):
    suspended = acc.member(agen, role="staff", state="suspended")
    with pytest.raises(tk.NotAuthorized):
        call_auth(action, as_user(suspended["user"]), member_id=member["id"])


def test_sysadmin_allowed(member):
    sysadmin = factories.Sysadmin()
    assert call_auth(
        "accorderie_member_note_list", as_user(sysadmin), member_id=member["id"]
    )


def test_delete_by_staff_allowed(staff, member):
    note = _add_note(staff, member)
    assert call_auth("accorderie_member_note_delete", as_user(staff["user"]), id=note["id"])


@pytest.mark.parametrize("who", ["member", "other_staff", "anonymous"])
def test_delete_rejected(who, acc, staff, member):
    note = _add_note(staff, member)
    callers = {
        "member": member["user"],
        "other_staff": acc.member(acc.accorderie(name="villeneuve"), role="staff")["user"],
        "anonymous": None,
    }
    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_member_note_delete", as_user(callers[who]), id=note["id"])


def test_member_cannot_list_own_notes(staff, member):
    _add_note(staff, member)
    with pytest.raises(tk.NotAuthorized):
        call_action(
            "accorderie_member_note_list", context=as_user(member["user"]), member_id=member["id"]
        )


# What the actions do and check


def test_create_records_author(staff, member):
    note = _add_note(staff, member, text="  Préfère être appelé le matin.  ")

    assert note["text"] == "Préfère être appelé le matin."
    assert note["author_id"] == staff["id"]
    assert note["author_name"] == staff["display_name"]
    assert note["member_id"] == member["id"]


def test_create_by_sysadmin_has_no_author(member):
    sysadmin = factories.Sysadmin()
    note = call_action(
        "accorderie_member_note_create", context=as_user(sysadmin),
        member_id=member["id"], text="Vérifié l'adresse.",
    )

    assert note["author_id"] is None
    assert note["author_name"] is None


def test_create_missing_text_named(staff, member):
    with pytest.raises(tk.ValidationError) as raised:
        _add_note(staff, member, text="   ")

    assert list(raised.value.error_dict) == ["text"]
    assert _note_count() == 0


def test_create_too_long_named(staff, member, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.accorderie.note_max_length", 10)

    with pytest.raises(tk.ValidationError) as raised:
        _add_note(staff, member, text="x" * 11)

    # The portal's default locale is French.
    assert raised.value.error_dict["text"] == [
        "La note compte 11 caractères ; le maximum est de 10. Raccourcissez-la."
    ]
    assert _note_count() == 0


def test_create_at_max_length_accepted(staff, member, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.accorderie.note_max_length", 10)

    assert _add_note(staff, member, text="x" * 10)["text"] == "x" * 10


def test_create_unknown_member_not_found(staff):
    with pytest.raises(tk.ObjectNotFound):
        _add_note(staff, {"id": "no-such-member"})


def test_list_newest_first(staff, member):
    first = _add_note(staff, member, text="Premier appel.")
    second = _add_note(staff, member, text="Second appel.")

    listed = call_action(
        "accorderie_member_note_list", context=as_user(staff["user"]), member_id=member["id"]
    )

    assert listed["count"] == 2
    assert [n["id"] for n in listed["results"]] == [second["id"], first["id"]]


def test_list_only_that_member(acc, agen, staff, member):
    other = acc.member(agen)
    _add_note(staff, other)

    listed = call_action(
        "accorderie_member_note_list", context=as_user(staff["user"]), member_id=member["id"]
    )

    assert listed == {"count": 0, "results": []}


def test_delete_removes_note(staff, member):
    note = _add_note(staff, member)

    call_action("accorderie_member_note_delete", context=as_user(staff["user"]), id=note["id"])

    assert _note_count() == 0


def test_delete_unknown_not_found(staff):
    with pytest.raises(tk.ObjectNotFound):
        call_action("accorderie_member_note_delete", context=as_user(staff["user"]), id="no-such-note")


# Notes are the member's personal data


def test_export_contains_notes(staff, member):
    note = _add_note(staff, member, text="A besoin d'aide pour remplir ses échanges.")

    exported = call_action(
        "accorderie_member_export", context=as_user(member["user"]), id=member["id"]
    )

    assert [(n["id"], n["text"]) for n in exported["notes"]] == [
        (note["id"], "A besoin d'aide pour remplir ses échanges.")
    ]


def test_erasure_deletes_notes(acc, agen, staff, member):
    other = acc.member(agen)
    _add_note(staff, member)
    kept = _add_note(staff, other)

    call_action("accorderie_member_erase", context=as_user(member["user"]), id=member["id"])

    remaining = model.Session.query(acc_model.MemberNote.id).all()
    assert [row.id for row in remaining] == [kept["id"]]


def test_user_delete_deletes_notes(staff, member):
    _add_note(staff, member)

    call_action("user_delete", id=member["user"]["id"])

    assert _note_count() == 0


def test_note_on_erased_member_rejected(staff, member):
    call_action("accorderie_member_erase", id=member["id"])

    with pytest.raises(tk.ValidationError) as raised:
        _add_note(staff, member)

    assert list(raised.value.error_dict) == ["member_id"]


def test_note_text_never_logged(staff, member, caplog):
    caplog.set_level("DEBUG")
    _add_note(staff, member, text="Texte confidentiel 8841")

    assert "8841" not in caplog.text

