"""Services that offer help with datasets, and the offers on a dataset page."""
from __future__ import annotations

import flask_babel
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action, call_auth

from ckanext.accorderie import model as acc_model

from .conftest import as_user

HELP_LINE_FR = "Besoin d'aide avec ces données ?"
HELP_LINE_EN = "Need help with this data?"


@pytest.fixture
def organization():
    return factories.Organization()


@pytest.fixture
def budget(acc, organization):
    return factories.Dataset(name="budget", title="Budget primitif", owner_org=organization["id"])


def _service(member, type_="offer", status="published", **fields):
    return call_action(
        "accorderie_service_create", member_id=member["id"], type=type_,
        title=fields.pop("title", "Lire le budget de la ville"), category_id="computers",
        status=status, **fields,
    )


def _link(service, *datasets, user=None):
    context = as_user(user) if user else {}
    return call_action(
        "accorderie_service_dataset_update", context=context, id=service["id"], datasets=list(datasets)
    )


def _offer_titles(dataset, user=None):
    result = call_action(
        "accorderie_dataset_service_list", context=as_user(user), id=dataset["name"]
    )
    return sorted(offer["title"] for offer in result["results"])


def test_link_returns_datasets(acc, budget):
    member = acc.member(acc.accorderie())
    service = _service(member)

    linked = _link(service, "budget", user=member["user"])

    assert linked == [{"id": budget["id"], "name": "budget", "title": "Budget primitif"}]


def test_link_replaces_previous_list(acc, budget, organization):
    factories.Dataset(name="arrets-bus", title="Arrêts de bus", owner_org=organization["id"])
    service = _service(acc.member(acc.accorderie()))
    _link(service, "budget")

    _link(service, "arrets-bus", "arrets-bus")

    listed = call_action("accorderie_service_dataset_list", id=service["id"])
    assert [d["name"] for d in listed] == ["arrets-bus"]


def test_link_empty_list_removes_all(acc, budget):
    service = _service(acc.member(acc.accorderie()))
    _link(service, "budget")

    assert _link(service) == []
    assert model.Session.query(acc_model.ServiceDataset).count() == 0


def test_link_rejects_unknown_dataset(acc, budget):
    service = _service(acc.member(acc.accorderie()))

    with pytest.raises(tk.ValidationError) as raised:
        _link(service, "budget", "no-such-dataset")
    assert "no-such-dataset" in raised.value.error_dict["datasets"][0]
    assert model.Session.query(acc_model.ServiceDataset).count() == 0


def test_link_rejects_private_dataset(acc, organization):
    factories.Dataset(name="private-data", owner_org=organization["id"], private=True)
    member = acc.member(acc.accorderie())
    service = _service(member)

    with pytest.raises(tk.ValidationError) as raised:
        _link(service, "private-data", user=member["user"])
    assert "datasets" in raised.value.error_dict


def test_link_rejects_deleted_dataset(acc, budget):
    call_action("package_delete", context={"user": factories.Sysadmin()["name"]}, id="budget")
    service = _service(acc.member(acc.accorderie()))

    with pytest.raises(tk.ValidationError):
        _link(service, "budget")


def test_link_rejects_unknown_service(acc, budget):
    with pytest.raises(tk.ValidationError) as raised:
        call_action("accorderie_service_dataset_update", id="no-such-service", datasets=["budget"])
    assert "id" in raised.value.error_dict


def test_link_by_other_member_refused(acc, budget):
    accorderie = acc.accorderie()
    service = _service(acc.member(accorderie))
    other = acc.member(accorderie)

    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_service_dataset_update", as_user(other["user"]), id=service["id"])


def test_link_by_staff_allowed(acc, budget):
    accorderie = acc.accorderie()
    service = _service(acc.member(accorderie))
    staff = acc.member(accorderie, role="staff")

    assert call_auth("accorderie_service_dataset_update", as_user(staff["user"]), id=service["id"])


def test_link_by_anonymous_refused(acc, budget):
    service = _service(acc.member(acc.accorderie()))

    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_service_dataset_update", as_user(None), id=service["id"])


def test_dataset_lists_exactly_published_offers(acc, budget, organization):
    accorderie = acc.accorderie()
    member = acc.member(accorderie)
    other_dataset = factories.Dataset(name="other", owner_org=organization["id"])
    _link(_service(member, title="Offre publiée"), "budget")
    _link(_service(member, title="Autre offre publiée"), "budget", "other")
    _link(_service(member, title="Brouillon", status="draft"), "budget")
    _link(_service(member, title="Masquée", status="hidden"), "budget")
    _link(_service(member, title="Fermée", status="closed"), "budget")
    _link(_service(member, title="Expirée", expires="2020-01-01"), "budget")
    _link(_service(member, title="Sans lien"), "other")

    assert _offer_titles(budget) == ["Autre offre publiée", "Offre publiée"]
    # Not even their owner sees a draft or hidden offer in this list.
    assert _offer_titles(budget, member["user"]) == ["Autre offre publiée", "Offre publiée"]
    assert _offer_titles(other_dataset) == ["Autre offre publiée", "Sans lien"]


def test_dataset_offers_hide_member_identity(acc, budget):
    member = acc.member(acc.accorderie())
    _link(_service(member), "budget")

    offer = call_action("accorderie_dataset_service_list", context=as_user(None), id="budget")["results"][0]

    assert "member_id" not in offer
    assert "member_name" not in offer
    assert "contact" not in offer
    assert offer["accorderie_title"] == "Accorderie 1"


def test_staff_elsewhere_sees_no_hidden_offer(acc, budget):
    first = acc.accorderie()
    second = acc.accorderie()
    _link(_service(acc.member(first), title="Masquée", status="hidden"), "budget")
    _link(_service(acc.member(first), title="Brouillon", status="draft"), "budget")
    _link(_service(acc.member(second), title="Publiée"), "budget")
    staff_of_second = acc.member(second, role="staff")

    assert _offer_titles(budget, staff_of_second["user"]) == ["Publiée"]


def test_private_dataset_offers_not_found(acc, organization):
    factories.Dataset(name="private-data", owner_org=organization["id"], private=True)

    with pytest.raises(tk.ObjectNotFound):
        call_action("accorderie_dataset_service_list", context=as_user(None), id="private-data")


def test_dataset_offers_limit(acc, budget):
    member = acc.member(acc.accorderie())
    for number in range(3):
        _link(_service(member, title=f"Offre {number}"), "budget")

    result = call_action("accorderie_dataset_service_list", id="budget", limit=2)

    assert result["count"] == 3
    assert len(result["results"]) == 2


def test_purged_dataset_drops_links(acc, budget):
    _link(_service(acc.member(acc.accorderie())), "budget")

    call_action("dataset_purge", id="budget")

    assert model.Session.query(acc_model.ServiceDataset).count() == 0


def test_dataset_page_shows_offer_in_french(acc, budget, app):
    _link(_service(acc.member(acc.accorderie()), title="Lire le budget avec vous"), "budget")

    body = app.get(tk.url_for("dataset.read", id="budget")).get_data(as_text=True)

    assert HELP_LINE_FR in body
    assert "Des membres de l'accorderie proposent" in body or "Des membres de l&#39;accorderie proposent" in body
    assert "Lire le budget avec vous" in body


def test_dataset_page_shows_offer_in_english(acc, budget, app):
    _link(_service(acc.member(acc.accorderie()), title="Lire le budget avec vous"), "budget")

    # The request reuses the fixture's application context, where Flask-Babel
    # caches the French catalogue; refresh() drops that cache.
    flask_babel.refresh()
    body = app.get("/en" + tk.url_for("dataset.read", id="budget")).get_data(as_text=True)

    assert HELP_LINE_EN in body
    assert "Members of the accorderie offer" in body
    assert "Lire le budget avec vous" in body


def test_dataset_page_without_offers(acc, budget, app):
    _link(_service(acc.member(acc.accorderie()), status="draft", title="Brouillon caché"), "budget")

    body = app.get(tk.url_for("dataset.read", id="budget")).get_data(as_text=True)

    assert HELP_LINE_FR not in body
    assert "Brouillon caché" not in body


def test_request_cannot_name_datasets(acc, budget):
    member = acc.member(acc.accorderie())
    request = _service(member, type_="request")

    with pytest.raises(tk.ValidationError) as raised:
        _link(request, "budget", user=member["user"])

    assert "datasets" in raised.value.error_dict
    assert call_action("accorderie_service_dataset_list", id=request["id"]) == []
