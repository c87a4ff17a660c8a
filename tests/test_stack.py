"""Smoke tests that prove the real stack: PostgreSQL, Solr 9 and Redis."""
from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories
from ckan.tests.helpers import call_action


def test_solr_is_apache_solr_9():
    """The search index is a real Apache Solr 9, not a stand-in."""
    core_url = tk.config["solr_url"]
    base_url = core_url.rsplit("/", 1)[0]

    info = requests.get(f"{base_url}/admin/info/system", params={"wt": "json"}, timeout=10).json()

    assert info["lucene"]["solr-spec-version"].startswith("9.")


def test_solr_core_has_spatial_fields():
    """The core carries ckanext-spatial's bounding-box fields on top of CKAN's schema."""
    core_url = tk.config["solr_url"]

    fields = requests.get(f"{core_url}/schema/fields", params={"wt": "json"}, timeout=10).json()
    names = {field["name"] for field in fields["fields"]}

    assert {"minx", "maxx", "miny", "maxy", "bbox_area"} <= names
    assert {"title", "text", "data_dict"} <= names


def test_database_is_postgresql_15():
    version = model.Session.execute(sa.text("SHOW server_version")).scalar()

    assert version.startswith("15.")


def test_redis_answers():
    redis = connect_to_redis()

    redis.set("agen:test:ping", "pong", ex=10)

    assert redis.get("agen:test:ping") == b"pong"


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
class TestSearchThroughSolr:
    def test_created_dataset_is_found(self):
        """A dataset created through the Action API is found by package_search."""
        user = factories.Sysadmin()
        org = factories.Organization()
        context = {"user": user["name"]}
        call_action(
            "package_create",
            context=dict(context),
            name="arrets-de-bus",
            title="Arrêts de bus",
            owner_org=org["id"],
        )
        call_action(
            "package_create",
            context=dict(context),
            name="zones-bleues",
            title="Zones bleues",
            owner_org=org["id"],
        )

        result = call_action("package_search", q="arrêts")

        assert result["count"] == 1
        assert result["results"][0]["title"] == "Arrêts de bus"

    def test_query_without_accents_finds_accented_title(self):
        """CKAN's stock 'text' field folds accents, so 'ecoles' finds 'Écoles'."""
        org = factories.Organization()
        factories.Dataset(name="ecoles-maternelles", title="Écoles maternelles", owner_org=org["id"])
        factories.Dataset(name="zones-bleues", title="Zones bleues", owner_org=org["id"])

        result = call_action("package_search", q="ecoles")

        assert [found["name"] for found in result["results"]] == ["ecoles-maternelles"]

    def test_index_really_holds_the_document(self):
        """The dataset is in the Solr core itself, not only in PostgreSQL."""
        org = factories.Organization()
        dataset = factories.Dataset(name="budget-2024", title="Budget 2024", owner_org=org["id"])

        connection = search.make_connection()
        found = connection.search(q=f'id:"{dataset["id"]}"', fl="name,title")

        assert found.hits == 1
        assert list(found)[0]["name"] == "budget-2024"
