"""Points of the map view, from the DataStore and from JSON records."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import FileStorage

import ckan.logic as logic
from ckan.tests import factories

from ckan.tests.helpers import call_action, call_auth

from ckanext.agen_theme.previews import geo

from .conftest import PREVIEW_MARKS, data_file


def _resource(package: dict, name: str) -> dict:
    return next(resource for resource in package["resources"] if resource["name"] == name)


@pytest.mark.parametrize("text, expected", [
    (" 00000046,1645193", 46.1645193),
    ("-00000001,1500341", -1.1500341),
    ("3.878247", 3.878247),
    ("nord", None),
])
def test_coordinate_parsed(text, expected):
    assert geo.parse_coordinate(text) == expected


def test_point_string_parsed():
    assert geo.parse_point("44.2031, 0.6163") == (44.2031, 0.6163)


def test_swapped_columns_reordered():
    # Agen, with the longitude in the column named "lat".
    points = geo.orient_points([(0.616, 44.203), (0.62, 44.21)], (-5.5, 41.0, 10.0, 51.5))

    assert points == [(44.203, 0.616), (44.21, 0.62)]


def test_right_order_kept():
    points = geo.orient_points([(44.203, 0.616)], (-5.5, 41.0, 10.0, 51.5))

    assert points == [(44.203, 0.616)]


def test_columns_found_by_name():
    assert geo.coordinate_columns(["stop_id", "stop_lat", "stop_lon"]) == {"lat": "stop_lat", "lon": "stop_lon"}
    assert geo.coordinate_columns(["nom", "geo_point_2d"]) == {"point": "geo_point_2d"}
    assert geo.coordinate_columns(["nom", "montant"]) is None



class TestMapPoints:
    pytestmark = PREVIEW_MARKS

    def test_stops_inside_montpellier(self, load_demo_dataset):
        package = load_demo_dataset("arrets-bus-tram-montpellier")
        stops = _resource(package, "Arrêts (stops.txt)")

        result = call_action("agen_previews_map_points_list", resource_id=stops["id"])

        # The extent is given to two decimals: the northernmost stop is at
        # 43.751816 and the easternmost at 4.04085.
        assert result["count"] == 1532
        assert all(43.52 <= round(lat, 2) <= 43.75 for lat, _lon in result["points"])
        assert all(3.70 <= round(lon, 2) <= 4.04 for _lat, lon in result["points"])

    def test_la_rochelle_json_points(self, load_demo_dataset):
        package = load_demo_dataset("distributeurs-sacs-canins-la-rochelle")
        resource = package["resources"][0]

        result = call_action("agen_previews_map_points_list", resource_id=resource["id"])

        assert result["count"] == 136
        assert all(abs(lat - 46.16) < 0.1 for lat, _lon in result["points"])
        assert all(abs(lon + 1.15) < 0.15 for _lat, lon in result["points"])

    def test_table_without_coordinates_rejected(self, load_demo_dataset):
        package = load_demo_dataset("conventions-subventions-somme-2018")

        with pytest.raises(logic.ValidationError) as error:
            call_action("agen_previews_map_points_list", resource_id=package["resources"][0]["id"])

        assert "resource_id" in error.value.error_dict

    def test_private_dataset_hidden_from_anonymous(self, load_demo_dataset):
        package = load_demo_dataset("arrets-bus-tram-montpellier")
        sysadmin = factories.Sysadmin()
        call_action("package_patch", {"user": sysadmin["name"]}, id=package["id"], private=True)

        with pytest.raises(logic.NotAuthorized):
            call_auth("agen_previews_map_points_list", {"user": ""},
                      resource_id=package["resources"][0]["id"])

    def test_map_view_created_first(self, load_demo_dataset):
        package = load_demo_dataset("arrets-bus-tram-montpellier")
        stops = _resource(package, "Arrêts (stops.txt)")

        views = call_action("resource_view_list", id=stops["id"])

        assert [view["view_type"] for view in views][:2] == ["agen_map_view", "datatables_view"]

    def test_budget_gets_table_first(self, load_demo_dataset):
        package = load_demo_dataset("budget-gironde-compte-administratif-2015")

        views = call_action("resource_view_list", id=package["resources"][0]["id"])

        assert [view["view_type"] for view in views][:2] == ["datatables_view", "agen_chart_view"]

    def test_json_without_points_gets_no_map(self, load_demo_dataset):
        package = load_demo_dataset("distributeurs-sacs-canins-la-rochelle")
        sysadmin = factories.Sysadmin()
        path = data_file("schemas-scdl/scdl-budget.schema.json")
        with open(path, "rb") as handle:
            resource = call_action(
                "resource_create", {"user": sysadmin["name"]}, package_id=package["id"],
                name="Schéma", format="JSON", url=path.name,
                upload=FileStorage(stream=handle, filename=path.name),
            )

        views = call_action("resource_view_list", id=resource["id"])

        assert "agen_map_view" not in [view["view_type"] for view in views]
