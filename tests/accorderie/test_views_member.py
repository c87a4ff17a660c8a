"""The member pages: apply, profile, services, exchanges, account."""
from __future__ import annotations

import datetime
import json
import re

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import as_user
from .views_support import csrf_token, headers_of, log_in, member_with_token


@pytest.fixture
def acc(web_acc):
    return web_acc


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", title="Accorderie d'Agen")


@pytest.fixture
def pair(acc, agen):
    return member_with_token(acc, agen), member_with_token(acc, agen)


def _service_form(**fields):
    form = {"type": "offer", "title": "Cours de guitare", "category_id": "music",
            "description": "", "not_my_profession": "yes", "publish": "1"}
    form.update(fields)
    return form


def _services_of(member, status="published"):
    return call_action(
        "accorderie_service_list", context=as_user(member["user"]),
        member_id=member["id"], status=status,
    )["results"]


def test_apply_creates_applicant(app, agen):
    user = factories.UserWithToken()

    app.post("/accorderie/agen/apply", headers=headers_of(user),
             data={"neighbourhood": "Pin", "skills": "Jardinage"})

    rows = call_action("accorderie_membership_list", context=as_user(user))
    assert [(r["state"], r["neighbourhood"]) for r in rows] == [("applicant", "Pin")]


def test_apply_anonymous_goes_to_login(app, agen):
    response = app.get("/accorderie/agen/apply", follow_redirects=False)

    assert "/user/login" in response.headers["Location"]


def test_apply_bad_email_kept_and_named(app, agen):
    user = factories.UserWithToken()

    body = app.post("/fr/accorderie/agen/apply", headers=headers_of(user),
                    data={"email": "pas-une-adresse", "skills": "Couture"}).body

    assert 'value="pas-une-adresse"' in body
    assert "Couture" in body
    assert "error-block" in body
    assert call_action("accorderie_membership_list", context=as_user(user)) == []


def test_profile_saves_visibility(app, pair):
    member, _other = pair

    app.post("/accorderie/agen/profile", headers=member["headers"],
             data={"phone": "0553000000", "phone_visibility": "members"})

    saved = call_action("accorderie_member_show", context=as_user(member["user"]), id=member["id"])
    assert (saved["phone"], saved["phone_visibility"]) == ("0553000000", "members")


def test_publish_needs_profession_tick(app, pair):
    member, _other = pair

    body = app.post("/fr/accorderie/agen/services/new", headers=member["headers"],
                    data=_service_form(not_my_profession="")).body

    assert "error-block" in body
    assert 'value="Cours de guitare"' in body
    assert _services_of(member) == []


def test_draft_needs_no_profession_tick(app, pair):
    member, _other = pair

    app.post("/accorderie/agen/services/new", headers=member["headers"],
             data=_service_form(not_my_profession="", draft="1", publish=None))

    assert [(s["title"], s["status"]) for s in _services_of(member, "draft")] == [
        ("Cours de guitare", "draft")
    ]


def test_publish_creates_service(app, pair):
    member, _other = pair

    app.post("/accorderie/agen/services/new", headers=member["headers"], data=_service_form())

    assert [s["title"] for s in _services_of(member)] == ["Cours de guitare"]


def test_publish_missing_title_named(app, pair):
    member, _other = pair

    body = app.post("/fr/accorderie/agen/services/new", headers=member["headers"],
                    data=_service_form(title="")).body

    assert "error-block" in body
    assert _services_of(member) == []


def test_publish_by_applicant_refused(app, acc, agen):
    applicant = member_with_token(acc, agen, state="applicant")

    app.post("/accorderie/agen/services/new", headers=applicant["headers"],
             data=_service_form(), status=403)


def test_close_service(app, pair):
    member, _other = pair
    app.post("/accorderie/agen/services/new", headers=member["headers"], data=_service_form())
    service = _services_of(member)[0]

    app.post(f"/accorderie/service/{service['id']}/close", headers=member["headers"])

    shown = call_action("accorderie_service_show", context=as_user(member["user"]), id=service["id"])
    assert shown["status"] == "closed"


def _draft_of(app, member):
    """Save a draft offer through the form; return it."""
    app.post("/accorderie/agen/services/new", headers=member["headers"],
             data=_service_form(draft="1", publish=None))
    return call_action(
        "accorderie_service_list", context=as_user(member["user"]), member_id=member["id"],
        status="draft",
    )["results"][0]


def test_renew_sets_expiry(app, pair):
    member, _other = pair
    service = _draft_of(app, member)

    app.post(f"/accorderie/service/{service['id']}/renew", headers=member["headers"],
             data={"not_my_profession": "yes"})

    shown = call_action("accorderie_service_show", context=as_user(member["user"]), id=service["id"])
    assert shown["status"] == "published"
    assert shown["expires"] is not None


def test_renew_offer_needs_profession_tick(app, pair):
    member, _other = pair
    service = _draft_of(app, member)

    app.post(f"/accorderie/service/{service['id']}/renew", headers=member["headers"])

    shown = call_action("accorderie_service_show", context=as_user(member["user"]), id=service["id"])
    assert shown["status"] == "draft"


def test_edit_by_other_member_refused(app, pair):
    owner, other = pair
    app.post("/accorderie/agen/services/new", headers=owner["headers"], data=_service_form())
    service = _services_of(owner)[0]

    app.post(f"/accorderie/service/{service['id']}/edit", headers=other["headers"],
             data=_service_form(title="Vol"), status=403)

    assert _services_of(owner)[0]["title"] == "Cours de guitare"


def test_record_received_then_confirm(app, pair):
    provider, receiver = pair

    app.post("/accorderie/agen/exchange/new", headers=receiver["headers"], data={
        "direction": "received", "other_id": provider["id"], "duration": "1h30",
        "exchange_date": "02/12/2026",
    })
    exchange = call_action("accorderie_exchange_list", context=as_user(provider["user"]))["results"][0]
    app.post(f"/accorderie/exchange/{exchange['id']}/confirm", headers=provider["headers"])

    provider_page = app.get("/accorderie/agen/account", headers=provider["headers"]).body
    receiver_page = app.get("/accorderie/agen/account", headers=receiver["headers"]).body
    assert 'id="acc-balance">16 h 30<' in provider_page
    assert 'id="acc-balance">13 h 30<' in receiver_page


def test_record_bad_duration_named(app, pair):
    provider, receiver = pair

    body = app.post("/fr/accorderie/agen/exchange/new", headers=provider["headers"], data={
        "direction": "gave", "other_id": receiver["id"], "duration": "beaucoup",
        "exchange_date": "02/12/2026",
    }).body

    assert 'value="beaucoup"' in body
    assert "error-block" in body
    assert call_action("accorderie_exchange_list", context=as_user(provider["user"]))["count"] == 0


def test_record_without_other_named(app, pair):
    provider, _receiver = pair

    body = app.post("/en/accorderie/agen/exchange/new", headers=provider["headers"], data={
        "direction": "gave", "other_id": "", "duration": "1", "exchange_date": "02/12/2026",
    }).body

    assert "Type the member number or the name of the member." in body


def test_reject_moves_no_hours(app, pair):
    provider, receiver = pair
    app.post("/accorderie/agen/exchange/new", headers=provider["headers"], data={
        "direction": "gave", "other_id": receiver["id"], "duration": "2", "exchange_date": "2026-12-02",
    })
    exchange = call_action("accorderie_exchange_list", context=as_user(receiver["user"]))["results"][0]

    app.post(f"/accorderie/exchange/{exchange['id']}/reject", headers=receiver["headers"])

    balance = call_action("accorderie_member_balance", context=as_user(receiver["user"]), id=receiver["id"])
    assert balance["balance"] == 15 * 60


def test_recorder_cannot_confirm(app, pair):
    provider, receiver = pair
    app.post("/accorderie/agen/exchange/new", headers=provider["headers"], data={
        "direction": "gave", "other_id": receiver["id"], "duration": "2", "exchange_date": "2026-12-02",
    })
    exchange = call_action("accorderie_exchange_list", context=as_user(provider["user"]))["results"][0]

    app.post(f"/accorderie/exchange/{exchange['id']}/confirm", headers=provider["headers"])

    shown = call_action("accorderie_exchange_show", context=as_user(provider["user"]), id=exchange["id"])
    assert shown["state"] == "pending"


def test_account_statement_pages(app, acc, pair):
    provider, receiver = pair
    for _ in range(21):
        acc.exchange(provider, receiver, duration="10 min")

    first = app.get("/accorderie/agen/account", headers=receiver["headers"]).body
    second = app.get("/accorderie/agen/account", headers=receiver["headers"], query_string={"page": 2}).body

    assert first.count("<tr>") - 1 == 20
    assert second.count("<tr>") - 1 == 2


@pytest.mark.parametrize("provider_name, label", [
    ("Bruno Lefèvre", "Temps reçu de Bruno Lefèvre"),
    ("Alice Martin", "Temps reçu d'Alice Martin"),
])
def test_statement_says_who_gave_time(app, acc, agen, provider_name, label):
    provider = member_with_token(acc, agen, user_fields={"fullname": provider_name})
    receiver = member_with_token(acc, agen, user_fields={"fullname": "Chloé Petit"})
    acc.exchange(provider, receiver, duration="1h30")

    given = app.get("/accorderie/agen/account", headers=provider["headers"]).body
    received = app.get("/accorderie/agen/account", headers=receiver["headers"]).body

    assert "Temps donné à Chloé Petit" in given
    assert label in received.replace("&#39;", "'")
    assert "Temps donné par" not in given + received


def test_statement_marks_exchange_recorded_by_staff(app, acc, agen, pair):
    provider, receiver = pair
    staff = acc.member(agen, role="staff")
    exchange = call_action(
        "accorderie_exchange_create", context=as_user(staff["user"]), provider_id=provider["id"],
        receiver_id=receiver["id"], duration="1h", exchange_date="2026-12-01",
    )
    call_action("accorderie_exchange_confirm", context=as_user(staff["user"]), id=exchange["id"])

    body = app.get("/accorderie/agen/account", headers=receiver["headers"]).body

    assert "enregistré par l'équipe" in body.replace("&#39;", "'")


def test_account_draws_chart(app, acc, pair):
    provider, receiver = pair
    acc.exchange(provider, receiver, duration="1h")

    body = app.get("/accorderie/agen/account", headers=receiver["headers"]).body

    assert '<polyline points="130.0,' in body


def test_account_of_applicant_explains(app, acc, agen):
    applicant = member_with_token(acc, agen, state="applicant")

    body = app.get("/en/accorderie/agen/account", headers=applicant["headers"]).body

    assert "Your application is being examined." in body


def test_export_downloads_json(app, pair):
    member, _other = pair

    response = app.get("/accorderie/agen/account/export", headers=member["headers"])

    assert response.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(response.body)["member"]["id"] == member["id"]


def test_erase_needs_tick(app, pair):
    member, _other = pair

    app.post("/accorderie/agen/account/delete", headers=member["headers"], data={})

    shown = call_action("accorderie_member_show", id=member["id"])
    assert shown["erased"] is None


def test_erase_removes_profile(app, pair):
    member, _other = pair

    app.post("/accorderie/agen/account/delete", headers=member["headers"], data={"confirm": "yes"})

    shown = call_action("accorderie_member_show", id=member["id"])
    assert shown["erased"] is not None


def test_form_without_csrf_refused(app, acc, agen):
    """A logged-in browser that posts without the CSRF field changes nothing."""
    password = "correct-horse-battery"
    owner = acc.member(agen, user=factories.User(password=password))
    service = call_action(
        "accorderie_service_create", context=as_user(owner["user"]), member_id=owner["id"],
        type="offer", title="Cours de guitare", category_id="music", status="published",
        not_my_profession=True,
    )
    browser = log_in(app, owner["user"], password)

    response = browser.post(f"/accorderie/service/{service['id']}/delete", data={})

    assert response.status_code == 400
    assert [s["id"] for s in _services_of(owner)] == [service["id"]]


def test_exchange_confirm_without_csrf_refused(app, acc, agen):
    password = "correct-horse-battery"
    provider = acc.member(agen, user=factories.User(password=password))
    receiver = acc.member(agen, user=factories.User(password=password))
    exchange = acc.exchange(provider, receiver, settle=False)
    browser = log_in(app, receiver["user"], password)

    response = browser.post(f"/accorderie/exchange/{exchange['id']}/confirm", data={})

    assert response.status_code == 400
    balance = call_action("accorderie_member_balance", id=receiver["id"])
    assert balance["balance"] == 15 * 60


def test_exchange_confirm_with_csrf_works(app, acc, agen):
    password = "correct-horse-battery"
    provider = acc.member(agen, user=factories.User(password=password))
    receiver = acc.member(agen, user=factories.User(password=password))
    exchange = acc.exchange(provider, receiver, settle=False)
    browser = log_in(app, receiver["user"], password)
    page = browser.get("/accorderie/agen/account").text

    browser.post(f"/accorderie/exchange/{exchange['id']}/confirm", data={"_csrf_token": csrf_token(page)})

    balance = call_action("accorderie_member_balance", id=receiver["id"])
    assert balance["balance"] == 14 * 60


def test_api_confirm_with_token_needs_no_csrf(app, acc, agen):
    provider = member_with_token(acc, agen)
    receiver = member_with_token(acc, agen)
    exchange = acc.exchange(provider, receiver, settle=False)

    response = app.post("/api/3/action/accorderie_exchange_confirm",
                        headers=receiver["headers"], json={"id": exchange["id"]})

    assert response.json["result"]["state"] == "settled"


def test_api_offer_without_statement_named(app, acc, agen):
    member = member_with_token(acc, agen)

    response = app.post(
        "/api/3/action/accorderie_service_create", headers=member["headers"], status=409,
        json={"member_id": member["id"], "type": "offer", "title": "Cours de guitare",
              "category_id": "music", "status": "published"},
    )

    assert set(response.json["error"]) == {"__type", "not_my_profession"}


def test_exchange_form_prefills_french_date(app, acc, pair):
    provider, _receiver = pair

    body = app.get("/accorderie/agen/exchange/new", headers=provider["headers"]).body

    assert f'value="{datetime.date.today().strftime("%d/%m/%Y")}"' in body


def test_balance_chart_shows_its_range(app, acc, pair):
    provider, receiver = pair
    acc.exchange(provider, receiver, duration="1h30")

    body = app.get("/fr/accorderie/agen/account", headers=provider["headers"]).body
    chart = body[body.index('<svg class="acc-chart"'):body.index("</svg>")]
    labels = re.findall(r'<text [^>]*class="acc-chart-label">([^<]*)</text>', chart)

    assert labels[:2] == ["16 h 30", "0 h"]
    assert len(labels) == 4
    assert all(label.endswith("2026") for label in labels[2:])
    assert "au plus haut 16 h 30, au plus bas 0 min." in chart


def test_draft_page_offers_publish(app, pair):
    member, _other = pair
    draft = _draft_of(app, member)

    body = app.get(f"/fr/accorderie/service/{draft['id']}", headers=member["headers"]).body

    assert "Publier pour 90 jours" in body
    assert "Renouveler pour 90 jours" not in body
    assert f"/accorderie/service/{draft['id']}/close" not in body


def test_published_page_offers_renew(app, pair):
    member, _other = pair
    app.post("/accorderie/agen/services/new", headers=member["headers"], data=_service_form())
    service = _services_of(member)[0]

    body = app.get(f"/fr/accorderie/service/{service['id']}", headers=member["headers"]).body

    assert "Renouveler pour 90 jours" in body
    assert "Publier pour 90 jours" not in body
    assert f"/accorderie/service/{service['id']}/close" in body
