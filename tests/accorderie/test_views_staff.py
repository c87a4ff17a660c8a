"""The staff back office: applications, members, exchanges on behalf,
hidden services, reversals; and the mails that these pages send."""
from __future__ import annotations

import html

import pytest

import ckan.model as model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.accorderie import model as acc_model

from .conftest import as_user
from .views_support import member_with_token


@pytest.fixture
def acc(web_acc):
    return web_acc


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", title="Accorderie d'Agen")


@pytest.fixture
def staff(acc, agen):
    return member_with_token(acc, agen, role="staff")


def _balance(member):
    return call_action("accorderie_member_balance", id=member["id"])["balance"]


def test_queue_lists_applicants(app, acc, agen, staff):
    applicant = acc.member(agen, state="applicant")

    body = app.get("/accorderie/agen/staff/applications", headers=staff["headers"]).body

    assert applicant["display_name"] in body


def test_queue_refused_to_members(app, acc, agen):
    member = member_with_token(acc, agen)

    app.get("/accorderie/agen/staff/applications", headers=member["headers"], status=403)


def test_approve_with_orientation_date(app, acc, agen, staff):
    applicant = acc.member(agen, state="applicant")

    app.post(f"/accorderie/agen/staff/applications/{applicant['id']}/approve",
             headers=staff["headers"], data={"orientation_date": "03/12/2026"})

    shown = call_action("accorderie_member_show", id=applicant["id"])
    assert (shown["state"], shown["orientation_date"]) == ("active", "2026-12-03")
    assert _balance(applicant) == 15 * 60


def test_decline_without_reason_changes_nothing(app, acc, agen, staff):
    applicant = acc.member(agen, state="applicant")

    app.post(f"/accorderie/agen/staff/applications/{applicant['id']}/decline",
             headers=staff["headers"], data={"reason": ""})

    assert call_action("accorderie_member_show", id=applicant["id"])["state"] == "applicant"


def test_members_filter_by_state(app, acc, agen, staff):
    applicant = acc.member(agen, state="applicant")
    active = acc.member(agen)

    body = app.get("/accorderie/agen/staff/members", headers=staff["headers"],
                   query_string={"state": "applicant"}).body

    assert applicant["display_name"] in body
    assert active["display_name"] not in body


def test_suspend_member(app, acc, agen, staff):
    member = acc.member(agen)

    app.post(f"/accorderie/agen/staff/members/{member['id']}", headers=staff["headers"],
             data={"state": "suspended", "role": "member"})

    assert call_action("accorderie_member_show", id=member["id"])["state"] == "suspended"


def test_record_and_confirm_on_behalf(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)

    app.post("/accorderie/agen/staff/exchanges/new", headers=staff["headers"], data={
        "provider_id": provider["id"], "receiver_id": receiver["id"], "on_behalf": "receiver",
        "duration": "2h", "exchange_date": "01/12/2026",
    })
    exchange = call_action("accorderie_exchange_list", accorderie_id=agen["id"])["results"][0]
    app.post(f"/accorderie/exchange/{exchange['id']}/confirm", headers=staff["headers"])

    assert (_balance(provider), _balance(receiver)) == (17 * 60, 13 * 60)
    assert exchange["recorded_on_behalf"] is True
    assert exchange["recorded_by_id"] == receiver["id"]


def test_on_behalf_shown_as_staff(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)
    app.post("/accorderie/agen/staff/exchanges/new", headers=staff["headers"], data={
        "provider_id": provider["id"], "receiver_id": receiver["id"], "on_behalf": "provider",
        "duration": "1", "exchange_date": "01/12/2026",
    })

    body = app.get("/en/accorderie/agen/staff/exchanges", headers=staff["headers"]).body

    assert "recorded by staff" in body


def test_record_on_behalf_missing_duration_named(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)

    body = app.post("/fr/accorderie/agen/staff/exchanges/new", headers=staff["headers"], data={
        "provider_id": provider["id"], "receiver_id": receiver["id"], "on_behalf": "provider",
        "duration": "", "exchange_date": "01/12/2026",
    }).body

    assert "error-block" in body
    assert call_action("accorderie_exchange_list", accorderie_id=agen["id"])["count"] == 0


def test_reverse_settled_exchange(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)
    exchange = acc.exchange(provider, receiver, duration="3h")

    app.post(f"/accorderie/exchange/{exchange['id']}/reverse", headers=staff["headers"])

    assert (_balance(provider), _balance(receiver)) == (15 * 60, 15 * 60)


def test_reverse_by_member_refused(app, acc, agen):
    provider = member_with_token(acc, agen)
    receiver = acc.member(agen)
    exchange = acc.exchange(provider, receiver, duration="3h")

    app.post(f"/accorderie/exchange/{exchange['id']}/reverse", headers=provider["headers"])

    assert _balance(provider) == 18 * 60


def test_hide_service(app, acc, agen, staff):
    member = acc.member(agen)
    service = call_action(
        "accorderie_service_create", context=as_user(member["user"]), member_id=member["id"],
        type="offer", title="Annonce douteuse", category_id="music", status="published",
        not_my_profession=True,
    )

    app.post(f"/accorderie/service/{service['id']}/hide", headers=staff["headers"])

    assert app.get("/accorderie/agen/services").body.count("Annonce douteuse") == 0
    assert call_action("accorderie_service_show", id=service["id"])["status"] == "hidden"


def test_hide_by_owner_refused(app, acc, agen):
    member = member_with_token(acc, agen)
    service = call_action(
        "accorderie_service_create", context=as_user(member["user"]), member_id=member["id"],
        type="offer", title="Mon annonce", category_id="music", status="published",
        not_my_profession=True,
    )

    app.post(f"/accorderie/service/{service['id']}/hide", headers=member["headers"])

    assert call_action("accorderie_service_show", id=service["id"])["status"] == "published"


def test_mail_application_received(app, agen, smtp):
    user = factories.UserWithToken(email="habitant@example.org")

    app.post("/accorderie/agen/apply", headers={"Authorization": user["token"]}, data={})

    [message] = smtp.to("habitant@example.org")
    assert message["Subject"] == "Accorderie d'Agen : votre demande d'adhésion est bien reçue"
    assert "numéro d'accordeur 1" in message.get_content()


def test_mail_application_declined_gives_reason(app, acc, agen, staff, smtp):
    applicant = acc.member(agen, state="applicant", email="candidat@example.org")

    app.post(f"/accorderie/agen/staff/applications/{applicant['id']}/decline",
             headers=staff["headers"], data={"reason": "Vous habitez hors d'Agen."})

    [message] = smtp.to("candidat@example.org")
    assert "Vous habitez hors d'Agen." in message.get_content()


def test_mail_application_approved(app, acc, agen, staff, smtp):
    applicant = acc.member(agen, state="applicant", email="nouveau@example.org")

    app.post(f"/accorderie/agen/staff/applications/{applicant['id']}/approve",
             headers=staff["headers"], data={})

    [message] = smtp.to("nouveau@example.org")
    assert message["Subject"] == "Accorderie d'Agen : bienvenue !"
    assert "15 h" in message.get_content()


def test_mail_exchange_waiting(app, acc, agen, smtp):
    provider = member_with_token(acc, agen)
    receiver = acc.member(agen, email="receveur@example.org")

    app.post("/accorderie/agen/exchange/new", headers=provider["headers"], data={
        "direction": "gave", "other_id": receiver["id"], "duration": "1h30",
        "exchange_date": "02/12/2026",
    })

    [message] = smtp.to("receveur@example.org")
    assert message["Subject"] == "Un échange attend votre confirmation"
    assert "1 h 30" in message.get_content()


def test_mail_exchange_settled_to_both(app, acc, agen, smtp):
    provider = acc.member(agen, email="donneur@example.org")
    receiver = member_with_token(acc, agen, email="receveur@example.org")
    exchange = acc.exchange(provider, receiver, settle=False)

    app.post(f"/accorderie/exchange/{exchange['id']}/confirm", headers=receiver["headers"])

    assert [m["Subject"] for m in smtp.to("donneur@example.org")] == ["Un échange est réglé"]
    assert [m["Subject"] for m in smtp.to("receveur@example.org")] == ["Un échange est réglé"]


def test_reports_page_shows_hours(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)
    acc.exchange(provider, receiver, duration="2h")

    body = app.get("/en/accorderie/agen/staff/reports", headers=staff["headers"],
                   query_string={"months": 120}).body

    assert "<th scope=\"row\">2026-11</th>" in body
    assert "2 h" in body
    assert "2 members took part in an exchange in the last 120 months." in body


def test_reports_refused_to_members(app, acc, agen):
    member = member_with_token(acc, agen)

    app.get("/accorderie/agen/staff/reports", headers=member["headers"], status=403)


def test_members_csv_lists_members(app, acc, agen, staff):
    member = acc.member(agen, phone="0553000000")

    response = app.get("/accorderie/agen/staff/members.csv", headers=staff["headers"])

    lines = response.body.splitlines()
    assert lines[0].startswith("number,display_name,state")
    assert any(line.startswith(f"{member['number']},") and "0553000000" in line for line in lines)
    assert len(lines) == 3


def test_exchanges_csv_lists_exchanges(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)
    acc.exchange(provider, receiver, duration="1h30")

    lines = app.get("/accorderie/agen/staff/exchanges.csv", headers=staff["headers"]).body.splitlines()

    assert len(lines) == 2
    assert lines[1].startswith("2026-11-30,")
    assert ",90,settled," in lines[1]


def test_members_csv_refused_to_members(app, acc, agen):
    member = member_with_token(acc, agen)

    app.get("/accorderie/agen/staff/members.csv", headers=member["headers"], status=403)


def test_print_services_public_without_names(app, acc, agen):
    member = acc.member(agen)
    call_action(
        "accorderie_service_create", context=as_user(member["user"]), member_id=member["id"],
        type="request", title="Covoiturage vers Bordeaux", category_id="transport", status="published",
    )

    body = app.get("/accorderie/agen/print/services").body

    assert "Covoiturage vers Bordeaux" in body
    assert member["display_name"] not in body


def test_print_statement_lists_entries(app, acc, agen, staff):
    provider, receiver = acc.member(agen), acc.member(agen)
    acc.exchange(provider, receiver, duration="45 min")

    body = app.get(f"/en/accorderie/agen/staff/print/members/{receiver['id']}", headers=staff["headers"]).body

    assert "Opening credit" in body
    assert "-45 min" in body
    assert "14 h 15" in body


def test_print_members_lists_active(app, acc, agen, staff):
    active = acc.member(agen)
    applicant = acc.member(agen, state="applicant")

    body = app.get("/accorderie/agen/staff/print/members", headers=staff["headers"]).body

    assert active["display_name"] in body
    assert applicant["display_name"] not in body


def test_members_search_by_name(app, acc, agen, staff):
    wanted = acc.member(agen, user=factories.User(fullname="Josette Lafargue"))
    other = acc.member(agen, user=factories.User(fullname="Marcel Dupuy"))

    body = app.get("/accorderie/agen/staff/members", headers=staff["headers"],
                   query_string={"q": "Lafargue"}).body

    assert wanted["display_name"] in body
    assert other["display_name"] not in body


# Registering a person without an account

REGISTER_URL = "/accorderie/agen/staff/members/register"




def _member_count():
    return model.Session.query(acc_model.Member).count()


def test_members_page_links_register(app, staff):
    body = app.get("/accorderie/agen/staff/members", headers=staff["headers"]).body

    assert REGISTER_URL in body
    assert "Inscrire une personne sans compte" in body


def test_register_page_in_french(app, staff):
    body = app.get(REGISTER_URL, headers=staff["headers"]).body

    assert "Inscrire une personne sans compte" in body
    assert 'name="_csrf_token"' in body


def test_register_labels_name_the_person(app, staff):
    body = app.get(REGISTER_URL, headers=staff["headers"]).body

    assert "Ce que la personne peut proposer" in body
    assert "Quand la personne est disponible" in body
    assert "Ce que je peux proposer" not in body


def test_register_page_refused_to_members(app, acc, agen):
    member = member_with_token(acc, agen)

    app.get(REGISTER_URL, headers=member["headers"], status=403)


def test_register_post_makes_member(app, agen, staff):
    response = app.post(REGISTER_URL, headers=staff["headers"], data={
        "display_name": "Camille Martin", "orientation_date": "03/12/2026",
        "neighbourhood": "Pin", "phone": "05 53 00 00 00", "phone_visibility": "members",
        "language": "fr",
    }, follow_redirects=False)

    [member] = call_action(
        "accorderie_member_list", accorderie_id=agen["id"], q="Camille Martin",
    )["results"]
    assert response.status_code == 302
    assert response.location.endswith(f"/accorderie/agen/staff/members/{member['id']}")
    assert (member["state"], member["neighbourhood"]) == ("active", "Pin")


def test_register_error_keeps_input(app, agen, staff):
    before = _member_count()

    body = app.post(REGISTER_URL, headers=staff["headers"], data={
        "display_name": "Camille Martin", "orientation_date": "31/02/2026",
        "skills": "Couture", "email": "pas-une-adresse",
    }).body

    text = html.unescape(body)
    assert "La date 31/02/2026 n'est pas valide" in text
    assert 'value="Camille Martin"' in body
    assert "Couture" in body
    assert _member_count() == before


def test_register_taken_email_in_french(app, agen, staff):
    factories.User(email="bruno@example.org")

    body = app.post(REGISTER_URL, headers=staff["headers"], data={
        "display_name": "Camille Martin", "email": "Bruno@Example.org",
    }).body

    text = html.unescape(body)
    assert "L'adresse électronique Bruno@Example.org appartient déjà à un compte du portail." in text
    assert "belongs to" not in text
    assert _member_count() == 1


def test_register_error_next_to_field(app, agen, staff):
    body = app.post(REGISTER_URL, headers=staff["headers"], data={"display_name": ""}).body

    start = body.index('id="field-display-name"')
    assert "error-block" in body[start:body.index('id="field-orientation-date"')]
    assert _member_count() == 1
