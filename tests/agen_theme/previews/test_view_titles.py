"""Titles of the resource views created outside a web request."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PREVIEW_PLUGINS, data_file

# The preview plugins, and CKAN's text view as an example of a stock view.
pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", f"agen_theme scheming_datasets activity {PREVIEW_PLUGINS} text_view"
    ),
    pytest.mark.ckan_config("ckanext.xloader.api_token", "unused-in-tests"),
    pytest.mark.usefixtures("with_plugins"),
]


@pytest.fixture
def dataset(clean_datastore):
    org = factories.Organization()
    return factories.Dataset(owner_org=org["id"])


def _create_stops_resource(dataset: dict) -> dict:
    sysadmin = factories.Sysadmin()
    stops = data_file("gtfs-stops-montpellier-tam/stops.txt").read_bytes()
    return call_action(
        "resource_create",
        context={"user": sysadmin["name"]},
        package_id=dataset["id"],
        name="Arrêts",
        format="CSV",
        url="stops.txt",
        upload=FileStorage(stream=io.BytesIO(stops), filename="stops.txt"),
    )


def _titles(resource_id: str) -> dict[str, str]:
    views = call_action("resource_view_list", id=resource_id)
    return {view["view_type"]: view["title"] for view in views}


@pytest.mark.usefixtures("with_test_worker")
def test_worker_views_titled_french(dataset):
    call_action("job_clear")
    resource = _create_stops_resource(dataset)

    # The upload queued the DataStore load; the worker runs it in this
    # process, without a web request, as the jobs worker does.
    ckan_jobs.Worker().work(burst=True)

    titles = _titles(resource["id"])
    assert sorted(titles) == ["agen_map_view", "datatables_view"]
    assert titles["agen_map_view"] == "Carte"
    # CKAN's own French catalogue translates "Table" as "Table".
    assert titles["datatables_view"] == "Table"


@pytest.fixture
def sysadmin(clean_datastore):
    return factories.Sysadmin()


@pytest.fixture
def page_resource(dataset, sysadmin):
    return call_action("resource_create", context={"user": sysadmin["name"]},
                       package_id=dataset["id"], url="https://example.org/page.txt",
                       format="TXT")


def _create_text_view(user: dict, resource: dict, title: str) -> dict:
    return call_action("resource_view_create", context={"user": user["name"]},
                       resource_id=resource["id"], view_type="text_view", title=title)


def test_stock_view_titled_french(sysadmin, page_resource):
    view = _create_text_view(sysadmin, page_resource, "Text")

    assert view["title"] == "Texte"


def test_custom_title_kept(sysadmin, page_resource):
    view = _create_text_view(sysadmin, page_resource, "Text of the page")

    assert view["title"] == "Text of the page"


@pytest.mark.usefixtures("with_request_context")
def test_title_in_request_kept(sysadmin, page_resource):
    view = _create_text_view(sysadmin, page_resource, "Text")

    assert view["title"] == "Text"


def test_stranger_cannot_create_view(page_resource):
    stranger = factories.User()

    with pytest.raises(tk.NotAuthorized):
        call_action("resource_view_create",
                    context={"user": stranger["name"], "ignore_auth": False},
                    resource_id=page_resource["id"], view_type="text_view", title="Text")
