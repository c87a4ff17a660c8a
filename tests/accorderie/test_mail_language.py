"""Each member's language: set from the pages they use, chosen on the
profile, and the language of every mail sent to them."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

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


def _language(member_id):
    return call_action("accorderie_member_show", id=member_id)["language"]


def _member_of(user):
    [member] = call_action("accorderie_membership_list", context={"user": user["name"]})
    return member


def test_apply_in_english_stores_en(app, agen):
    user = factories.UserWithToken()

    app.post("/en/accorderie/agen/apply", headers={"Authorization": user["token"]}, data={})

    assert _member_of(user)["language"] == "en"


def test_apply_in_french_stores_fr(app, agen):
    user = factories.UserWithToken()

    app.post("/fr/accorderie/agen/apply", headers={"Authorization": user["token"]}, data={})

    assert _member_of(user)["language"] == "fr"


def test_profile_sets_chosen_language(app, acc, agen):
    member = member_with_token(acc, agen)

    app.post("/fr/accorderie/agen/profile", headers=member["headers"], data={"language": "en"})

    assert _language(member["id"]) == "en"


def test_profile_without_choice_takes_page_language(app, acc, agen):
    member = member_with_token(acc, agen, language="fr")

    app.post("/en/accorderie/agen/profile", headers=member["headers"], data={"skills": "Jardinage"})

    assert _language(member["id"]) == "en"


def test_profile_form_preselects_language(app, acc, agen):
    member = member_with_token(acc, agen, language="en")

    body = app.get("/fr/accorderie/agen/profile", headers=member["headers"]).body

    assert '<option value="en" selected' in body
    assert "English" in body
    assert "Français" in body


def test_unknown_language_named(acc, agen):
    member = acc.member(agen)

    with pytest.raises(tk.ValidationError) as raised:
        call_action("accorderie_member_patch", id=member["id"], language="xx")

    assert list(raised.value.error_dict) == ["language"]


def test_application_mail_in_english(app, agen, smtp):
    user = factories.UserWithToken(email="resident@example.org")

    app.post("/en/accorderie/agen/apply", headers={"Authorization": user["token"]}, data={})

    [message] = smtp.to("resident@example.org")
    assert message["Subject"] == "Your application to Accorderie d'Agen was received"
    assert "member number 1" in message.get_content()


def test_approval_mail_in_member_language(app, acc, agen, staff, smtp):
    applicant = acc.member(agen, state="applicant", email="new@example.org", language="en")

    # Staff use the French pages; the applicant reads English.
    app.post(f"/fr/accorderie/agen/staff/applications/{applicant['id']}/approve",
             headers=staff["headers"], data={})

    [message] = smtp.to("new@example.org")
    assert message["Subject"] == "Welcome to Accorderie d'Agen"


def test_waiting_mail_in_each_language(app, acc, agen, smtp):
    provider = member_with_token(acc, agen, language="fr")
    english = acc.member(agen, email="english@example.org", language="en")
    french = acc.member(agen, email="francais@example.org", language="fr")

    for other in (english, french):
        app.post("/fr/accorderie/agen/exchange/new", headers=provider["headers"], data={
            "direction": "gave", "other_id": other["id"], "duration": "1h",
            "exchange_date": "02/12/2026",
        })

    [to_english] = smtp.to("english@example.org")
    [to_french] = smtp.to("francais@example.org")
    assert to_english["Subject"] == "An exchange is waiting for your confirmation"
    assert to_french["Subject"] == "Un échange attend votre confirmation"


def test_settled_mail_in_each_language(app, acc, agen, smtp):
    provider = acc.member(agen, email="giver@example.org", language="en")
    receiver = member_with_token(acc, agen, email="receveur@example.org", language="fr")
    exchange = acc.exchange(provider, receiver, settle=False)

    app.post(f"/en/accorderie/exchange/{exchange['id']}/confirm", headers=receiver["headers"])

    assert [m["Subject"] for m in smtp.to("giver@example.org")] == ["An exchange was settled"]
    assert [m["Subject"] for m in smtp.to("receveur@example.org")] == ["Un échange est réglé"]


def test_no_language_uses_portal_default(app, acc, agen, smtp):
    provider = acc.member(agen, email="giver@example.org")
    receiver = member_with_token(acc, agen)
    exchange = acc.exchange(provider, receiver, settle=False)

    app.post(f"/en/accorderie/exchange/{exchange['id']}/confirm", headers=receiver["headers"])

    assert _language(provider["id"]) is None
    assert [m["Subject"] for m in smtp.to("giver@example.org")] == ["Un échange est réglé"]


def _waiting_mail(app, acc, agen, smtp, language, address, date="05/12/2026"):
    """Record an exchange of ``date`` (5 December 2026 unless given) from
    the French pages and return the confirmation request mailed to the
    other member, who reads ``language``."""
    provider = member_with_token(acc, agen, language="fr")
    other = acc.member(agen, email=address, language=language)
    app.post("/fr/accorderie/agen/exchange/new", headers=provider["headers"], data={
        "direction": "gave", "other_id": other["id"], "duration": "1h",
        "exchange_date": date,
    })
    [message] = smtp.to(address)
    return message.get_content()


@pytest.mark.freeze_time("2026-12-06")
def test_waiting_mail_date_in_french(app, acc, agen, smtp):
    body = _waiting_mail(app, acc, agen, smtp, "fr", "francais@example.org")

    assert " le 5 décembre 2026." in body
    assert "2026-12-05" not in body


@pytest.mark.freeze_time("2026-12-06")
def test_waiting_mail_date_in_english(app, acc, agen, smtp):
    body = _waiting_mail(app, acc, agen, smtp, "en", "english@example.org")

    assert " on December 5, 2026." in body
    assert "2026-12-05" not in body


@pytest.mark.freeze_time("2026-12-06")
def test_waiting_mail_first_day_in_french(app, acc, agen, smtp):
    body = _waiting_mail(app, acc, agen, smtp, "fr", "francais@example.org", date="01/12/2026")

    assert " le 1er décembre 2026." in body
    assert " le 1 décembre 2026." not in body


@pytest.mark.freeze_time("2026-12-06")
def test_waiting_mail_first_day_in_english(app, acc, agen, smtp):
    body = _waiting_mail(app, acc, agen, smtp, "en", "english@example.org", date="01/12/2026")

    assert " on December 1, 2026." in body
    assert "1er" not in body


def test_waiting_mail_link_in_french(app, acc, agen, smtp, ckan_config):
    body = _waiting_mail(app, acc, agen, smtp, "fr", "francais@example.org")

    assert body.rstrip().endswith(f"{ckan_config['ckan.site_url']}/accorderie/agen/account")


def test_waiting_mail_link_in_english(app, acc, agen, smtp, ckan_config):
    body = _waiting_mail(app, acc, agen, smtp, "en", "english@example.org")

    assert body.rstrip().endswith(f"{ckan_config['ckan.site_url']}/en/accorderie/agen/account")


def test_settled_mail_date_and_link(app, acc, agen, smtp, ckan_config):
    provider = acc.member(agen, email="giver@example.org", language="en")
    receiver = member_with_token(acc, agen, email="receveur@example.org", language="fr")
    exchange = acc.exchange(provider, receiver, settle=False)

    # Staff and members may use the other language's pages.
    app.post(f"/en/accorderie/exchange/{exchange['id']}/confirm", headers=receiver["headers"])

    [to_english] = smtp.to("giver@example.org")
    [to_french] = smtp.to("receveur@example.org")
    site = ckan_config["ckan.site_url"]
    assert "on November 30, 2026 is settled" in to_english.get_content()
    assert f"{site}/en/accorderie/agen/account" in to_english.get_content()
    assert "du 30 novembre 2026 est réglé" in to_french.get_content()
    assert f"{site}/accorderie/agen/account" in to_french.get_content()
    assert "/en/" not in to_french.get_content()


def test_approval_mail_link_in_english(app, acc, agen, staff, smtp, ckan_config):
    applicant = acc.member(agen, state="applicant", email="new@example.org", language="en")

    app.post(f"/fr/accorderie/agen/staff/applications/{applicant['id']}/approve",
             headers=staff["headers"], data={})

    [message] = smtp.to("new@example.org")
    assert f"{ckan_config['ckan.site_url']}/en/accorderie/agen/account" in message.get_content()
