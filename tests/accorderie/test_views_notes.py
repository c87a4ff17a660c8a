"""The staff notes on a member's page: list, add, delete with confirmation."""
from __future__ import annotations

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from .views_support import csrf_token, log_in, member_with_token


@pytest.fixture
def acc(web_acc):
    return web_acc


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", title="Accorderie d'Agen")


@pytest.fixture
def staff(acc, agen):
    return member_with_token(acc, agen, role="staff")


def _notes(member):
    return call_action("accorderie_member_note_list", member_id=member["id"])["results"]


def _page(member):
    return f"/en/accorderie/agen/staff/members/{member['id']}"


def test_page_lists_notes_with_author(app, acc, agen, staff):
    member = acc.member(agen)
    call_action("accorderie_member_note_create", context={"user": staff["user"]["name"]},
                member_id=member["id"], text="Appelé : préfère le samedi.")

    body = app.get(_page(member), headers=staff["headers"]).body

    assert "Appelé : préfère le samedi." in body
    assert f"by {staff['display_name']}" in body


def test_page_adds_note(app, acc, agen, staff):
    member = acc.member(agen)

    app.post(f"{_page(member)}/notes", headers=staff["headers"],
             data={"text": "Rencontré à la permanence."})

    [note] = _notes(member)
    assert note["text"] == "Rencontré à la permanence."
    assert note["author_id"] == staff["id"]


def test_empty_note_error_named(app, acc, agen, staff):
    member = acc.member(agen)

    body = app.post(f"/fr/accorderie/agen/staff/members/{member['id']}/notes",
                    headers=staff["headers"], data={"text": "  "}).body

    assert 'id="field-note-text"' in body
    assert "error-block" in body
    assert _notes(member) == []


def test_too_long_note_kept_in_form(app, acc, agen, staff, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.accorderie.note_max_length", 5)
    member = acc.member(agen)

    body = app.post(f"/fr/accorderie/agen/staff/members/{member['id']}/notes",
                    headers=staff["headers"], data={"text": "Trop long"}).body

    assert "Trop long</textarea>" in body
    assert "La note compte 9 caractères" in body
    assert _notes(member) == []


def test_delete_asks_confirmation(app, acc, agen, staff):
    member = acc.member(agen)
    note = call_action("accorderie_member_note_create", member_id=member["id"], text="À supprimer")

    body = app.get(f"{_page(member)}/notes/{note['id']}/delete", headers=staff["headers"]).body

    assert "À supprimer" in body
    assert 'name="_csrf_token"' in body
    assert len(_notes(member)) == 1


def test_delete_confirmed_removes_note(app, acc, agen, staff):
    member = acc.member(agen)
    note = call_action("accorderie_member_note_create", member_id=member["id"], text="À supprimer")

    app.post(f"{_page(member)}/notes/{note['id']}/delete", headers=staff["headers"])

    assert _notes(member) == []


def test_note_pages_rejected_to_members(app, acc, agen):
    member = member_with_token(acc, agen)

    app.post(f"{_page(member)}/notes", headers=member["headers"],
             data={"text": "Je m'ajoute une note."}, status=403)

    assert _notes(member) == []


def _staff_browser(app, acc, agen):
    password = "correct-horse-battery"
    user = factories.User(password=password)
    acc.member(agen, role="staff", user=user)
    return log_in(app, user, password)


def test_note_without_csrf_rejected(app, acc, agen):
    member = acc.member(agen)
    browser = _staff_browser(app, acc, agen)

    response = browser.post(f"{_page(member)}/notes", data={"text": "Sans jeton"})

    assert response.status_code == 400
    assert _notes(member) == []


def test_note_with_csrf_added(app, acc, agen):
    member = acc.member(agen)
    browser = _staff_browser(app, acc, agen)
    page = browser.get(_page(member)).text

    browser.post(f"{_page(member)}/notes", data={"text": "Avec jeton", "_csrf_token": csrf_token(page)})

    assert [n["text"] for n in _notes(member)] == ["Avec jeton"]


def test_delete_without_csrf_keeps_note(app, acc, agen):
    member = acc.member(agen)
    note = call_action("accorderie_member_note_create", member_id=member["id"], text="Reste")
    browser = _staff_browser(app, acc, agen)

    response = browser.post(f"{_page(member)}/notes/{note['id']}/delete", data={})

    assert response.status_code == 400
    assert len(_notes(member)) == 1


def test_note_on_erased_member_explained(app, acc, agen, staff):
    member = acc.member(agen)
    call_action("accorderie_member_erase", id=member["id"])

    body = app.post(f"{_page(member)}/notes", headers=staff["headers"],
                    data={"text": "Trop tard"}).body

    assert "This member&#39;s data was erased." in body
    assert _notes(member) == []


def test_page_says_notes_are_cut(app, acc, agen, staff, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.accorderie.list_limit_max", 2)
    member = acc.member(agen)
    for text in ("Première", "Deuxième", "Troisième"):
        call_action("accorderie_member_note_create", member_id=member["id"], text=text)

    body = app.get(_page(member), headers=staff["headers"]).body

    assert "The newest 2 of 3 notes are shown." in body
    assert "Première" not in body
