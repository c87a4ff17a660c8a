"""Pages joining the accorderie to the catalogue: the neighbourhood map on
the home page, the staff's neighbourhood points, an offer's datasets, the
links from a dataset page and the meeting places on a request's page."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

import ckanext.datastore.tests.helpers as datastore_helpers

from .views_support import member_with_token

CENTRE = {"neighbourhood": "Centre", "latitude": 44.2033, "longitude": 0.6163}
STOP_PLUGINS = "agen_theme accorderie activity tracking scheming_datasets datastore"


@pytest.fixture
def acc(web_acc):
    return web_acc


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", title="Accorderie d'Agen")


@pytest.fixture
def staff(acc, agen):
    return member_with_token(acc, agen, role="staff")


@pytest.fixture
def budget():
    return factories.Dataset(
        name="budget", title="Budget primitif", owner_org=factories.Organization()["id"]
    )


def _service(member, type_="offer", **fields):
    return call_action(
        "accorderie_service_create", member_id=member["id"], type=type_,
        title=fields.pop("title", "Lire le budget de la ville"), category_id="computers",
        status="published", neighbourhood="Centre", **fields,
    )


def _points(accorderie):
    return call_action("accorderie_neighbourhood_point_list", accorderie_id=accorderie["id"])


# The neighbourhood map


def test_home_shows_map_counts(app, acc, agen):
    call_action("accorderie_neighbourhood_point_update", accorderie_id="agen", points=[CENTRE])
    _service(acc.member(agen), title="Tonte de pelouse")

    body = app.get("/en/accorderie/agen").body

    assert "Offers and requests by neighbourhood" in body
    assert '<th scope="row">Centre</th>\n            <td>1</td>\n            <td>0</td>' in body


def test_home_without_points_says_so(app, acc, agen):
    body = app.get("/accorderie/agen").body

    assert "L'équipe n'a pas encore placé les quartiers sur la carte." in body.replace("&#39;", "'")


# Staff set the neighbourhood points


def test_staff_save_points_with_french_decimals(app, acc, agen, staff):
    app.post("/accorderie/agen/staff/neighbourhoods", headers=staff["headers"], data={
        "latitude-0": "44,2033", "longitude-0": "0,6163",
        "latitude-1": "", "longitude-1": "",
    })

    assert _points(agen) == [CENTRE]


def test_points_form_shows_stored_values(app, acc, agen, staff):
    call_action("accorderie_neighbourhood_point_update", accorderie_id="agen", points=[CENTRE])

    body = app.get("/accorderie/agen/staff/neighbourhoods", headers=staff["headers"]).body

    assert 'name="latitude-0" value="44.2033"' in body
    assert 'name="longitude-1" value=""' in body


def test_point_missing_longitude_named_and_nothing_stored(app, acc, agen, staff):
    call_action("accorderie_neighbourhood_point_update", accorderie_id="agen", points=[CENTRE])

    body = app.post("/fr/accorderie/agen/staff/neighbourhoods", headers=staff["headers"], data={
        "latitude-0": "44,2033", "longitude-0": "0,6163",
        "latitude-1": "44,1950", "longitude-1": "",
    }).body

    assert "La longitude est manquante" in body
    assert 'name="latitude-1" value="44,1950"' in body
    assert _points(agen) == [CENTRE]


def test_point_out_of_range_refused(app, acc, agen, staff):
    body = app.post("/en/accorderie/agen/staff/neighbourhoods", headers=staff["headers"], data={
        "latitude-0": "95", "longitude-0": "0.6",
    }).body

    assert "The latitude 95 is not valid" in body
    assert _points(agen) == []


def test_points_page_refused_to_members(app, acc, agen):
    member = member_with_token(acc, agen)

    app.get("/accorderie/agen/staff/neighbourhoods", headers=member["headers"], status=403)
    app.post("/accorderie/agen/staff/neighbourhoods", headers=member["headers"],
             data={"latitude-0": "44.2", "longitude-0": "0.6"}, status=403)

    assert _points(agen) == []


# An offer's datasets


def test_owner_adds_dataset_by_its_address(app, acc, agen, budget):
    member = member_with_token(acc, agen)
    offer = _service(member)

    app.post(f"/accorderie/service/{offer['id']}/datasets", headers=member["headers"],
             data={"add": "https://data.agen.fr/dataset/budget"})

    linked = call_action("accorderie_service_dataset_list", id=offer["id"])
    assert [d["name"] for d in linked] == ["budget"]


def test_unticked_dataset_removed(app, acc, agen, budget):
    member = member_with_token(acc, agen)
    offer = _service(member)
    call_action("accorderie_service_dataset_update", id=offer["id"], datasets=["budget"])

    app.post(f"/accorderie/service/{offer['id']}/datasets", headers=member["headers"], data={"add": ""})

    assert call_action("accorderie_service_dataset_list", id=offer["id"]) == []


def test_unknown_dataset_named_and_links_kept(app, acc, agen, budget):
    member = member_with_token(acc, agen)
    offer = _service(member)
    call_action("accorderie_service_dataset_update", id=offer["id"], datasets=["budget"])

    body = app.post(f"/en/accorderie/service/{offer['id']}/datasets", headers=member["headers"],
                    data={"keep": "budget", "add": "no-such-dataset"}).body

    assert "no-such-dataset was not found" in body
    assert 'value="no-such-dataset"' in body
    assert [d["name"] for d in call_action("accorderie_service_dataset_list", id=offer["id"])] == ["budget"]


def test_other_member_may_not_link(app, acc, agen, budget):
    offer = _service(acc.member(agen))
    other = member_with_token(acc, agen)

    app.post(f"/accorderie/service/{offer['id']}/datasets", headers=other["headers"],
             data={"add": "budget"}, status=403)

    assert call_action("accorderie_service_dataset_list", id=offer["id"]) == []


def test_service_page_lists_its_datasets(app, acc, agen, budget):
    offer = _service(acc.member(agen))
    call_action("accorderie_service_dataset_update", id=offer["id"], datasets=["budget"])

    body = app.get(f"/accorderie/service/{offer['id']}").body

    assert f'<a href="{tk.url_for("dataset.read", id="budget")}">Budget primitif</a>' in body


def test_dataset_page_links_offer_to_its_page(app, acc, agen, budget):
    offer = _service(acc.member(agen), title="Lire le budget avec vous")
    call_action("accorderie_service_dataset_update", id=offer["id"], datasets=["budget"])

    body = app.get("/dataset/budget").body

    assert f'<a href="/accorderie/service/{offer["id"]}"><strong>Lire le budget avec vous</strong></a>' in body


# Meeting places on a request's page


@pytest.fixture
def stops(clean_db, clean_index, with_plugins, ckan_config, monkeypatch):
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.rebuild_all_dbs(
        datastore_helpers.orm.scoped_session(datastore_helpers.orm.sessionmaker(bind=engine))
    )
    dataset = factories.Dataset(name="arrets-bus", owner_org=factories.Organization()["id"])
    created = call_action(
        "datastore_create", context={"user": factories.Sysadmin()["name"]},
        resource={"package_id": dataset["id"], "name": "stops"}, force=True,
        records=[
            {"stop_name": "Jasmin", "stop_lat": "44.2035", "stop_lon": "0.6160"},
            {"stop_name": "Gare", "stop_lat": "44.2075", "stop_lon": "0.6210"},
        ],
    )
    monkeypatch.setitem(ckan_config, "ckanext.accorderie.meeting_places_resource", created["resource_id"])


@pytest.mark.ckan_config("ckan.plugins", STOP_PLUGINS)
def test_request_page_shows_nearest_places(app, stops, acc, agen):
    call_action("accorderie_neighbourhood_point_update", accorderie_id="agen", points=[CENTRE])
    request = _service(acc.member(agen), type_="request", title="Porter des courses")

    body = app.get(f"/en/accorderie/service/{request['id']}").body

    assert "Public places to meet near Centre" in body
    assert body.index("Jasmin — 33 m away") < body.index("Gare")


@pytest.mark.ckan_config("ckan.plugins", STOP_PLUGINS)
def test_request_page_without_point_shows_no_places(app, stops, acc, agen):
    request = _service(acc.member(agen), type_="request", title="Porter des courses")

    body = app.get(f"/en/accorderie/service/{request['id']}").body

    assert "Public places to meet" not in body
