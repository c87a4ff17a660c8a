"""Spatial search with ckanext-spatial's Solr bounding-box backend."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckan.cli.cli import ckan as ckan_command
from ckan.lib.helpers import url_for
from ckan.lib.search import SearchError
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

AGEN_INI = Path(__file__).resolve().parents[2] / "deploy" / "agen.ini"
SPATIAL_PLUGINS = "agen_theme scheming_datasets spatial_metadata spatial_query"
AGEN_BBOX = "0.55,44.15,0.70,44.25"
AGEN_POINT = '{"type":"Point","coordinates":[0.6166,44.2033]}'
BORDEAUX = (
    '{"type":"Polygon","coordinates":[[[-0.64,44.81],[-0.53,44.81],'
    '[-0.53,44.92],[-0.64,44.92],[-0.64,44.81]]]}'
)


@pytest.fixture
def two_cities(clean_db, clean_index, with_plugins):
    user = factories.Sysadmin()
    org = factories.Organization()
    context = {"user": user["name"]}
    call_action("package_create", context=dict(context), name="agen", title="Agen",
                owner_org=org["id"], spatial=AGEN_POINT)
    call_action("package_create", context=dict(context), name="bordeaux", title="Bordeaux",
                owner_org=org["id"], spatial=BORDEAUX)
    return user, org


def _bbox_names(bbox: str = AGEN_BBOX) -> list[str]:
    result = call_action("package_search", extras={"ext_bbox": bbox})
    return [dataset["name"] for dataset in result["results"]]


@pytest.mark.ckan_config("ckan.plugins", SPATIAL_PLUGINS)
class TestBoundingBox:
    def test_parsers_unset(self, two_cities):
        assert _bbox_names() == ["agen"]

    @pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "bool")
    def test_one_parser_set(self, two_cities):
        assert _bbox_names() == ["agen"]

    @pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "bool knn")
    def test_two_parsers_set(self, two_cities):
        assert _bbox_names() == ["agen"]

    def test_bordeaux_box_finds_bordeaux(self, two_cities):
        assert _bbox_names("-0.70,44.75,-0.50,44.95") == ["bordeaux"]

    def test_bad_box_rejected(self, two_cities):
        with pytest.raises(SearchError, match="Wrong bounding box"):
            call_action("package_search", extras={"ext_bbox": "west,south"})

    def test_search_page_filters_by_box(self, app, two_cities):
        body = app.get(url_for("dataset.search", ext_bbox=AGEN_BBOX)).body

        assert "/dataset/agen" in body
        assert "/dataset/bordeaux" not in body

    def test_search_page_has_map_widget(self, app, two_cities):
        body = app.get(url_for("dataset.search")).body

        assert 'data-module="spatial-query"' in body

    def test_dataset_page_shows_extent(self, app, two_cities):
        body = app.get(url_for("dataset.read", id="agen")).body

        assert "dataset-map" in body
        assert "0.6166" in body


@pytest.mark.ckan_config("ckan.plugins", SPATIAL_PLUGINS)
class TestRejectedGeometry:
    @pytest.mark.parametrize(
        "value",
        [
            "Agen",
            '{"type":"Polygon","coordinates":[[[0.6,44.2],[0.7,44.2],[0.7,44.3],[0.6,44.3]]]}',
            '{"type":"FeatureCollection","features":[]}',
        ],
        ids=["text", "open-ring", "feature-collection"],
    )
    def test_update_keeps_indexed_point(self, two_cities, value):
        user, _org = two_cities

        with pytest.raises(tk.ValidationError) as raised:
            call_action("package_patch", context={"user": user["name"]}, id="agen", spatial=value)

        assert "spatial" in raised.value.error_dict
        assert call_action("package_show", id="agen")["spatial"] == AGEN_POINT
        assert _bbox_names() == ["agen"]

    def test_rebuild_stays_clean(self, two_cities, cli, ckan_config, tmp_path):
        user, _org = two_cities
        with pytest.raises(tk.ValidationError):
            call_action("package_patch", context={"user": user["name"]}, id="agen", spatial="Agen")

        # The command reads its ini file again, so it gets one that loads the
        # spatial plugins, as a portal's ini does.
        test_ini = Path(ckan_config["__file__"]).read_text()
        ini = tmp_path / "spatial.ini"
        ini.write_text(
            test_ini.replace("use = config:deploy/agen.ini", f"use = config:{AGEN_INI}").replace(
                "\nckan.plugins = ", f"\nckan.plugins = {SPATIAL_PLUGINS}\n# ", 1
            )
        )
        result = cli.invoke(ckan_command, ["search-index", "rebuild"], env={"CKAN_INI": str(ini)})

        assert result.exit_code == 0, result.output
        assert "Error" not in result.output
        assert "Failed" not in result.output
        assert _bbox_names() == ["agen"]


@pytest.mark.ckan_config("ckan.plugins", SPATIAL_PLUGINS)
class TestMapTextsInFrench:
    def test_search_widget_heading_french(self, app, two_cities):
        body = app.get(url_for("dataset.search")).body

        assert "Filtrer par lieu" in body
        assert ">Effacer</a>" in body
        assert "Filter by location" not in body

    def test_search_widget_english_page(self, app, two_cities):
        body = app.get("/en/dataset/").body

        assert "Filter by location" in body
        assert "Filtrer par lieu" not in body

    def test_texts_module_before_maps(self, app, two_cities):
        body = app.get(url_for("dataset.search")).body

        texts = body.index('data-module="agen-map-texts"')
        assert texts < body.index('data-module="spatial-query"')
        assert "_map_texts.js" in body

    def test_dataset_page_heading_french(self, app, two_cities):
        body = app.get(url_for("dataset.read", id="agen")).body

        assert "Emprise du jeu de données" in body
        assert "Dataset extent" not in body
        assert body.index('data-module="agen-map-texts"') < body.index('data-module="dataset-map"')

    def test_browser_messages_french(self, app, cli, two_cities):
        result = cli.invoke(ckan_command, ["translation", "js"])
        assert result.exit_code == 0, result.output

        messages = app.get("/api/i18n/fr").json

        assert messages["Draw an extent"][1] == "Tracer une emprise"
        assert messages["Please draw query extent in the map:"][1] == (
            "Tracez sur la carte l'emprise de la recherche :"
        )
        assert messages["Zoom in"][1] == "Zoom avant"
        assert messages["Click and drag to draw a rectangle."][1] == (
            "Cliquez et faites glisser pour tracer un rectangle."
        )
