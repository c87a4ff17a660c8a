"""Neighbourhood points, the neighbourhood map and the meeting places."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action, call_auth

import ckanext.datastore.tests.helpers as datastore_helpers

from ckanext.accorderie.logic import bridge_action
from ckanext.accorderie.neighbourhoods import distance_m, map_layout

from .conftest import as_user

# Points near the centre and the Pin district of Agen, WGS 84, approximate.
CENTRE = {"neighbourhood": "Centre", "latitude": 44.2033, "longitude": 0.6163}
PIN = {"neighbourhood": "Pin", "latitude": 44.1950, "longitude": 0.6300}
STREET = "12 rue Montesquieu"


def _service(member, type_="offer", status="published", neighbourhood="Centre", **fields):
    return call_action(
        "accorderie_service_create", member_id=member["id"], type=type_,
        title=fields.pop("title", "Aide au jardin"), category_id="gardening",
        status=status, neighbourhood=neighbourhood, **fields,
    )


def _set_points(accorderie, *points, user=None):
    context = as_user(user) if user else {}
    return call_action(
        "accorderie_neighbourhood_point_update", context=context,
        accorderie_id=accorderie["name"], points=list(points),
    )


def test_points_set_and_listed(acc):
    accorderie = acc.accorderie()
    _set_points(accorderie, PIN, CENTRE)

    listed = call_action("accorderie_neighbourhood_point_list", context=as_user(None), accorderie_id=accorderie["id"])

    assert listed == [CENTRE, PIN]


def test_points_replace_previous(acc):
    accorderie = acc.accorderie()
    _set_points(accorderie, CENTRE, PIN)

    assert _set_points(accorderie, {**PIN, "latitude": "44,19"}) == [
        {"neighbourhood": "Pin", "latitude": 44.19, "longitude": 0.63}
    ]


def test_point_rejects_unknown_neighbourhood(acc):
    accorderie = acc.accorderie()

    with pytest.raises(tk.ValidationError) as raised:
        _set_points(accorderie, {**CENTRE, "neighbourhood": "Montmartre"})
    assert "Montmartre" in raised.value.error_dict["points"][0]


def test_point_rejects_duplicate_neighbourhood(acc):
    with pytest.raises(tk.ValidationError) as raised:
        _set_points(acc.accorderie(), CENTRE, CENTRE)
    assert "Centre" in raised.value.error_dict["points"][0]


@pytest.mark.parametrize("field, value", [
    ("latitude", "91"), ("latitude", "nord"), ("longitude", "-181"), ("longitude", ""),
])
def test_point_rejects_bad_coordinate(acc, field, value):
    with pytest.raises(tk.ValidationError) as raised:
        _set_points(acc.accorderie(), {**CENTRE, field: value})
    assert field in raised.value.error_dict["points"][0]


def test_points_by_member_refused(acc):
    accorderie = acc.accorderie()
    member = acc.member(accorderie)

    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_neighbourhood_point_update", as_user(member["user"]), accorderie_id=accorderie["id"])


def test_points_by_staff_elsewhere_refused(acc):
    accorderie = acc.accorderie()
    staff_elsewhere = acc.member(acc.accorderie(), role="staff")

    with pytest.raises(tk.NotAuthorized):
        _set_points(accorderie, CENTRE, user=staff_elsewhere["user"])


def test_points_by_staff_allowed(acc):
    accorderie = acc.accorderie()
    staff = acc.member(accorderie, role="staff")

    assert _set_points(accorderie, CENTRE, user=staff["user"]) == [CENTRE]


@pytest.fixture
def mapped(acc):
    accorderie = acc.accorderie()
    _set_points(accorderie, CENTRE, PIN)
    user = factories.User(name="jeanne-martin", fullname="Jeanne Martin", email="jeanne@example.org")
    member = acc.member(accorderie, user=user, neighbourhood="Centre", address=STREET, address_visibility="members")
    _service(member, title="Taille des haies")
    _service(member, title="Arrosage")
    _service(member, type_="request", title="Courses")
    _service(member, neighbourhood="Pin", type_="request")
    _service(member, neighbourhood="Tapie")
    _service(member, neighbourhood=None)
    _service(member, status="draft")
    _service(member, expires="2020-01-01")
    other = acc.accorderie()
    _service(acc.member(other), neighbourhood="Centre")
    return {"accorderie": accorderie, "member": member}


def test_map_counts_per_neighbourhood(mapped):
    result = call_action(
        "accorderie_neighbourhood_map_show", context=as_user(None), accorderie_id=mapped["accorderie"]["id"]
    )

    assert result["type"] == "FeatureCollection"
    assert [f["properties"] for f in result["features"]] == [
        {"neighbourhood": "Centre", "offers": 2, "requests": 1},
        {"neighbourhood": "Pin", "offers": 0, "requests": 1},
    ]
    assert result["features"][0]["geometry"] == {"type": "Point", "coordinates": [0.6163, 44.2033]}
    assert result["unplaced"] == {"offers": 2, "requests": 0}


def test_map_has_no_member_identity(mapped):
    member = mapped["member"]
    for user in (None, member["user"], factories.Sysadmin()):
        result = call_action(
            "accorderie_neighbourhood_map_show", context=as_user(user), accorderie_id=mapped["accorderie"]["id"]
        )
        text = json.dumps(result)

        assert member["id"] not in text
        assert member["user"]["id"] not in text
        assert "jeanne" not in text.lower()
        assert "Martin" not in text
        assert "Montesquieu" not in text
        assert "Taille des haies" not in text
        assert set(result["features"][0]["properties"]) == {"neighbourhood", "offers", "requests"}


def test_map_without_points_is_empty(acc):
    accorderie = acc.accorderie()
    _service(acc.member(accorderie))

    result = call_action("accorderie_neighbourhood_map_show", accorderie_id=accorderie["id"])

    assert result["features"] == []
    assert result["unplaced"] == {"offers": 1, "requests": 0}


def test_map_unknown_accorderie(acc):
    with pytest.raises(tk.ValidationError) as raised:
        call_action("accorderie_neighbourhood_map_show", accorderie_id="nowhere")
    assert "accorderie_id" in raised.value.error_dict


def test_map_snippet_renders_alone(mapped):
    html = tk.render_snippet(
        "accorderie_bridge/neighbourhood_map.html", {"accorderie": mapped["accorderie"]}
    )

    assert "<svg" in html
    assert html.count("<circle") == 2
    assert "<th scope=\"row\">Centre</th>" in html
    assert "Offres et demandes par quartier" in html
    assert "Montesquieu" not in html
    assert "Jeanne" not in html


def test_map_snippet_without_points(acc):
    accorderie = acc.accorderie()

    html = tk.render_snippet("accorderie_bridge/neighbourhood_map.html", {"accorderie": accorderie})

    assert "<svg" not in html
    assert "pas encore placé les quartiers" in html


def test_distance_one_degree_of_latitude():
    # On a sphere, one degree of a meridian is pi * R / 180.
    assert round(distance_m(44.0, 0.6163, 45.0, 0.6163)) == 111195


# Meeting places

STOPS = [
    {"stop_id": "1", "stop_name": "Jasmin", "stop_lat": "44.2035", "stop_lon": "0.6160"},
    {"stop_id": "2", "stop_name": "Gare", "stop_lat": "44.2075", "stop_lon": "0.6210"},
    {"stop_id": "3", "stop_name": "Pin", "stop_lat": "44.1952", "stop_lon": "0.6298"},
    {"stop_id": "4", "stop_name": "Pont de Pierre", "stop_lat": "44.2010", "stop_lon": "0.6130"},
    {"stop_id": "5", "stop_name": "Sans position", "stop_lat": "", "stop_lon": ""},
]
STOP_PLUGINS = "agen_theme accorderie activity tracking scheming_datasets datastore"


@pytest.fixture
def stops_resource(clean_db, clean_index, with_plugins, with_request_context):
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.rebuild_all_dbs(
        datastore_helpers.orm.scoped_session(datastore_helpers.orm.sessionmaker(bind=engine))
    )
    dataset = factories.Dataset(name="arrets-bus", owner_org=factories.Organization()["id"])
    created = call_action(
        "datastore_create", context={"user": factories.Sysadmin()["name"]},
        resource={"package_id": dataset["id"], "name": "stops"}, records=STOPS, force=True,
    )
    return created["resource_id"]


@pytest.fixture
def request_in_centre(stops_resource, acc):
    accorderie = acc.accorderie()
    _set_points(accorderie, CENTRE, PIN)
    return _service(acc.member(accorderie), type_="request", title="Porter des courses")


def _places(request, **extra):
    return call_action("accorderie_meeting_place_list", context=as_user(None), id=request["id"], **extra)


@pytest.mark.ckan_config("ckan.plugins", STOP_PLUGINS)
class TestMeetingPlaces:
    @pytest.fixture(autouse=True)
    def _resource_set(self, stops_resource, ckan_config, monkeypatch):
        monkeypatch.setitem(ckan_config, "ckanext.accorderie.meeting_places_resource", stops_resource)

    def test_nearest_first(self, request_in_centre):
        result = _places(request_in_centre)

        assert [p["name"] for p in result["places"]] == ["Jasmin", "Pont de Pierre", "Gare"]
        assert result["places"][0]["distance_m"] == round(distance_m(44.2033, 0.6163, 44.2035, 0.6160))
        assert result["neighbourhood"] == "Centre"

    @pytest.mark.ckan_config("ckanext.accorderie.meeting_places_max_distance", 500)
    def test_far_places_left_out(self, request_in_centre):
        result = _places(request_in_centre, limit=10)

        assert [p["name"] for p in result["places"]] == ["Jasmin", "Pont de Pierre"]

    def test_limit(self, request_in_centre):
        assert len(_places(request_in_centre, limit=1)["places"]) == 1
        assert len(_places(request_in_centre, limit=10)["places"]) == 4

    def test_from_other_neighbourhood(self, acc, request_in_centre):
        call_action("accorderie_service_patch", id=request_in_centre["id"], neighbourhood="Pin")

        assert _places(request_in_centre)["places"][0]["name"] == "Pin"

    def test_neighbourhood_without_point(self, acc, request_in_centre):
        call_action("accorderie_service_patch", id=request_in_centre["id"], neighbourhood="Tapie")

        with pytest.raises(tk.ValidationError) as raised:
            _places(request_in_centre)
        assert "Tapie" in raised.value.error_dict["neighbourhood"][0]

    def test_service_without_neighbourhood(self, acc, request_in_centre):
        request = _service(acc.member(acc.accorderie()), type_="request", neighbourhood=None)

        with pytest.raises(tk.ValidationError) as raised:
            _places(request)
        assert "id" in raised.value.error_dict

    def test_draft_hidden_from_others(self, acc, request_in_centre):
        draft = call_action("accorderie_service_patch", id=request_in_centre["id"], status="draft")

        with pytest.raises(tk.NotAuthorized):
            call_auth("accorderie_meeting_place_list", as_user(None), id=draft["id"])

    def test_resource_not_set(self, request_in_centre, ckan_config, monkeypatch):
        monkeypatch.setitem(ckan_config, "ckanext.accorderie.meeting_places_resource", "")

        with pytest.raises(tk.ObjectNotFound):
            _places(request_in_centre)

    def test_resource_missing(self, request_in_centre, ckan_config, monkeypatch):
        monkeypatch.setitem(ckan_config, "ckanext.accorderie.meeting_places_resource", "no-such-resource")

        with pytest.raises(tk.ObjectNotFound):
            _places(request_in_centre)


def test_map_titles_use_plurals(mapped):
    html = tk.render_snippet("accorderie_bridge/neighbourhood_map.html", {"accorderie": mapped["accorderie"]})

    assert "<title>Centre : 2 offres, 1 demande</title>" in html
    assert "<title>Pin : 0 offre, 1 demande</title>" in html
    assert "Hors de la carte : 2 offres et 0 demande d'autres quartiers." in html.replace("&#39;", "'")


def test_label_moves_above_near_bottom():
    features = [
        {"geometry": {"coordinates": [0.60, 44.22]}, "properties": {"offers": 1, "requests": 0}},
        {"geometry": {"coordinates": [0.62, 44.19]}, "properties": {"offers": 5, "requests": 5}},
    ]

    low, high = sorted(map_layout(features), key=lambda p: p["y"], reverse=True)

    assert low["label_y"] < low["y"] - low["r"]
    assert high["label_y"] > high["y"] + high["r"]


def test_same_name_given_once():
    places = [
        {"name": "Jasmin", "distance_m": 30}, {"name": "Jasmin", "distance_m": 45},
        {"name": None, "distance_m": 50}, {"name": None, "distance_m": 60},
        {"name": "Gare", "distance_m": 600},
    ]

    distinct = bridge_action._nearest_distinct(places, limit=3)

    assert distinct == [places[0], places[2], places[3]]


def test_points_as_text_rejected(acc):
    accorderie = acc.accorderie()

    with pytest.raises(tk.ValidationError) as raised:
        call_action("accorderie_neighbourhood_point_update", accorderie_id=accorderie["id"], points="Centre")

    assert "points" in raised.value.error_dict


def test_missing_longitude_named(acc):
    accorderie = acc.accorderie()

    with pytest.raises(tk.ValidationError) as raised:
        _set_points(accorderie, {"neighbourhood": "Centre", "latitude": 44.2, "longitude": " "})

    assert raised.value.error_dict["points"][0]["longitude"] == [
        "La longitude est manquante : indiquez des degrés entre -180 et 180, par exemple 0,6163."
    ]
