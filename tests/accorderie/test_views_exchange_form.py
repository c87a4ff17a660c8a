"""The parties of the exchange form, typed as a member number or a name and
looked up by the server, whatever the number of members."""
from __future__ import annotations

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from .views_support import member_with_token


@pytest.fixture
def acc(web_acc):
    return web_acc


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", title="Accorderie d'Agen")


def _exchanges(agen):
    return call_action("accorderie_exchange_list", accorderie_id=agen["id"])["results"]


def _record(app, member, other_text, lang="fr"):
    return app.post(f"/{lang}/accorderie/agen/exchange/new", headers=member["headers"], data={
        "direction": "gave", "other_id": other_text, "duration": "1h",
        "exchange_date": "02/12/2026",
    })


def test_form_has_text_field(app, acc, agen):
    member = member_with_token(acc, agen)

    body = app.get("/accorderie/agen/exchange/new", headers=member["headers"]).body

    assert '<input id="field-other" type="text" name="other_id"' in body
    assert 'list="acc-member-suggestions"' in body
    assert "<select" not in body.split('id="field-other"')[1].split("</div>")[0]


@pytest.mark.parametrize("typed", ["{number}", "No. {number}", "n° {number}", "{number} – someone"])
def test_member_number_found(app, acc, agen, typed):
    member = member_with_token(acc, agen)
    other = acc.member(agen)

    _record(app, member, typed.format(number=other["number"]))

    [exchange] = _exchanges(agen)
    assert exchange["receiver_id"] == other["id"]


def test_member_name_found(app, acc, agen):
    member = member_with_token(acc, agen)
    other = acc.member(agen, user=factories.User(fullname="Dominique Larrieu"))

    _record(app, member, "larrieu")

    [exchange] = _exchanges(agen)
    assert exchange["receiver_id"] == other["id"]


def test_unknown_member_named(app, acc, agen):
    member = member_with_token(acc, agen)

    body = _record(app, member, "Personne Inconnue", lang="en").body

    assert "No active member matches Personne Inconnue." in body
    assert 'value="Personne Inconnue"' in body
    assert _exchanges(agen) == []


def test_several_members_named(app, acc, agen):
    member = member_with_token(acc, agen)
    acc.member(agen, user=factories.User(fullname="Claude Dupuy"))
    acc.member(agen, user=factories.User(fullname="Claude Sarrat"))

    body = _record(app, member, "Claude", lang="en").body

    assert "2 members match Claude. Type the member number." in body
    assert _exchanges(agen) == []


def test_empty_member_named_in_french(app, acc, agen):
    member = member_with_token(acc, agen)

    body = _record(app, member, "").body

    assert "Tapez le numéro d&#39;accordeur ou le nom de l&#39;accordeur." in body
    assert _exchanges(agen) == []


def test_suspended_member_not_found(app, acc, agen):
    member = member_with_token(acc, agen)
    suspended = acc.member(agen, state="suspended")

    body = _record(app, member, str(suspended["number"]), lang="en").body

    assert f"No active member matches {suspended['number']}." in body
    assert _exchanges(agen) == []


def test_member_beyond_list_limit(app, acc, agen, ckan_config, monkeypatch):
    """The old drop-down listed list_limit_max members; the lookup has no cap."""
    monkeypatch.setitem(ckan_config, "ckanext.accorderie.list_limit_max", 3)
    member = member_with_token(acc, agen)
    others = [acc.member(agen) for _ in range(4)]
    last = others[-1]

    _record(app, member, str(last["number"]))

    [exchange] = _exchanges(agen)
    assert exchange["receiver_id"] == last["id"]


def test_staff_form_finds_both_parties(app, acc, agen):
    staff = member_with_token(acc, agen, role="staff")
    provider = acc.member(agen, user=factories.User(fullname="Hélène Castaing"))
    receiver = acc.member(agen)

    app.post("/accorderie/agen/staff/exchanges/new", headers=staff["headers"], data={
        "provider_id": "Castaing", "receiver_id": str(receiver["number"]),
        "on_behalf": "provider", "duration": "1h", "exchange_date": "01/12/2026",
    })

    [exchange] = _exchanges(agen)
    assert (exchange["provider_id"], exchange["receiver_id"]) == (provider["id"], receiver["id"])
    assert exchange["recorded_by_id"] == provider["id"]


def test_staff_form_unknown_receiver_named(app, acc, agen):
    staff = member_with_token(acc, agen, role="staff")
    provider = acc.member(agen)

    body = app.post("/en/accorderie/agen/staff/exchanges/new", headers=staff["headers"], data={
        "provider_id": str(provider["number"]), "receiver_id": "999",
        "on_behalf": "provider", "duration": "1h", "exchange_date": "01/12/2026",
    }).body

    assert "No active member matches 999." in body
    assert _exchanges(agen) == []
