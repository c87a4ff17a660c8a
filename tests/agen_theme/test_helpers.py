"""The helpers behind the home page: themes, latest, most viewed, producers."""
from __future__ import annotations

import datetime

import pytest

import ckan.model as model
from ckan.cli.cli import ckan
from ckan.lib.helpers import url_for
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.agen_theme import helpers
from ckanext.tracking.model import TrackingRaw

from .conftest import THEME_SCHEMA, theme_tags


@pytest.mark.ckan_config("scheming.dataset_schemas", THEME_SCHEMA)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "with_request_context")
class TestThemeTiles:
    def test_counts_datasets_per_theme(self, catalogue):
        tiles = helpers.agen_theme_theme_tiles()

        counts = {tile["code"]: tile["count"] for tile in tiles}
        assert counts == {"ECON": 2, "TRAN": 1, "SOCI": 1}

    def test_labels_come_from_schema_choices(self, catalogue):
        tiles = helpers.agen_theme_theme_tiles()

        labels = {tile["code"]: tile["label"] for tile in tiles}
        assert labels["ECON"] == "Économie et finances"
        assert labels["TRAN"] == "Transports"

    def test_unknown_code_keeps_code_as_label(self, catalogue):
        tiles = helpers.agen_theme_theme_tiles()

        assert tiles[-1]["code"] == "SOCI"
        assert tiles[-1]["label"] == "SOCI"

    def test_schema_order_then_unknown_codes(self, catalogue):
        codes = [tile["code"] for tile in helpers.agen_theme_theme_tiles()]

        assert codes == ["ECON", "TRAN", "SOCI"]

    def test_theme_without_datasets_has_no_tile(self, catalogue):
        codes = [tile["code"] for tile in helpers.agen_theme_theme_tiles()]

        assert "ENVI" not in codes

    def test_tile_links_to_filtered_search(self, catalogue):
        tile = helpers.agen_theme_theme_tiles()[0]

        assert tile["url"] == "/dataset/?vocab_theme=ECON"

    def test_private_dataset_is_not_counted(self, catalogue, theme_vocabulary):
        factories.Dataset(
            owner_org=catalogue["organization"]["id"],
            private=True,
            tags=theme_tags(theme_vocabulary, "ENVI"),
        )

        codes = [tile["code"] for tile in helpers.agen_theme_theme_tiles()]

        assert "ENVI" not in codes

    def test_no_dataset_no_tiles(self):
        assert helpers.agen_theme_theme_tiles() == []


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "with_request_context")
class TestDatasetLists:
    def test_latest_newest_first(self, catalogue):
        names = [dataset["name"] for dataset in helpers.agen_theme_latest_datasets()]

        assert names == ["subventions-2024", "arrets-bus", "budget-2024"]

    def test_latest_respects_limit(self, catalogue):
        assert len(helpers.agen_theme_latest_datasets(limit=2)) == 2

    def test_most_viewed_empty_before_counting(self, catalogue):
        assert helpers.agen_theme_most_viewed_datasets() == []

    def test_most_viewed_orders_by_recent_views(self, catalogue, cli):
        views = {"arrets-bus": 3, "budget-2024": 1}
        for name, count in views.items():
            for visitor in range(count):
                TrackingRaw.create(
                    user_key=f"visitor-{visitor}",
                    url=url_for("dataset.read", id=name),
                    tracking_type="page",
                )
        model.Session.commit()

        # Without a start date the command walks every day since 2011.
        today = datetime.date.today().isoformat()
        result = cli.invoke(ckan, ["tracking", "update", today])

        assert result.exit_code == 0, result.output
        viewed = helpers.agen_theme_most_viewed_datasets()
        assert [dataset["name"] for dataset in viewed] == ["arrets-bus", "budget-2024"]
        assert viewed[0]["tracking_summary"]["recent"] == 3


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "with_request_context")
class TestProducers:
    def test_most_datasets_first(self, catalogue):
        small = factories.Organization(name="cdc-agen", title="Communauté d'agglomération")
        factories.Dataset(owner_org=small["id"])

        names = [org["name"] for org in helpers.agen_theme_producers()]

        assert names == ["ville-agen", "cdc-agen"]

    def test_organisation_without_datasets_left_out(self, catalogue):
        factories.Organization(name="vide")

        names = [org["name"] for org in helpers.agen_theme_producers()]

        assert "vide" not in names


@pytest.mark.usefixtures("with_plugins", "with_request_context")
def test_accorderie_link_without_its_pages():
    assert helpers.agen_theme_accorderie_url() == "/accorderie"


@pytest.mark.usefixtures("with_plugins", "with_request_context")
def test_info_pages_in_footer_order():
    urls = [page["url"] for page in helpers.agen_theme_info_pages()]

    assert urls == ["/about", "/mentions-legales", "/donnees-personnelles", "/accessibilite"]


@pytest.mark.usefixtures("clean_db", "with_plugins", "with_request_context")
def test_sysadmin_text_replaces_default():
    sysadmin = factories.Sysadmin()
    call_action(
        "config_option_update",
        context={"user": sysadmin["name"]},
        **{"ckanext.agen_theme.privacy_text": "## Contact\n\nÉcrire au DPO."},
    )

    html = helpers.agen_theme_page_html("privacy")

    assert "<h2>Contact</h2>" in html
    assert "Écrire au DPO." in html
