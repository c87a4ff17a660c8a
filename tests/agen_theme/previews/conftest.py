"""Fixtures of the previews' tests: real demo files and a clean DataStore."""
from __future__ import annotations

from pathlib import Path

import pytest

import ckanext.datastore.tests.helpers as datastore_helpers

DATA_DIR = Path(__file__).resolve().parents[3] / "demo" / "data"

PREVIEW_PLUGINS = "datastore xloader agen_previews agen_map_view agen_chart_view datatables_view geojson_view"

# The marks every DataStore test needs: the plugins, and an xloader token,
# which xloader_submit requires although our loader never calls the API.
PREVIEW_MARKS = [
    pytest.mark.ckan_config("ckan.plugins", f"agen_theme scheming_datasets activity {PREVIEW_PLUGINS}"),
    pytest.mark.ckan_config("ckanext.xloader.api_token", "unused-in-tests"),
    pytest.mark.usefixtures("with_plugins"),
]


def data_file(relative: str) -> Path:
    """Return the path of a real file of demo/data."""
    return DATA_DIR / relative


@pytest.fixture
def clean_datastore(clean_db, clean_index):
    """Empty the DataStore database as well as CKAN's."""
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.rebuild_all_dbs(
        datastore_helpers.orm.scoped_session(datastore_helpers.orm.sessionmaker(bind=engine))
    )


@pytest.fixture
def load_demo_dataset(clean_datastore, with_request_context):
    """Return a function that creates a demo dataset and loads its CSV files
    into the DataStore synchronously, as the background worker would."""
    from ckanext.agen_theme import demo
    from ckanext.agen_theme.previews import jobs
    from ckan.tests.helpers import call_action

    manifest = demo.read_manifest(DATA_DIR.parent)
    titles = {org["name"]: org["title"] for org in manifest.organizations}

    def load(name: str) -> dict:
        dataset = next(item for item in manifest.datasets if item.name == name)
        org = next(item for item in manifest.organizations if item["name"] == dataset.organization)
        report = demo.DemoReport()
        demo.upsert_organization(org, report)
        demo.upsert_dataset(dataset, titles[dataset.organization], DATA_DIR.parent, report)
        package = call_action("package_show", id=name)
        for resource in package["resources"]:
            if resource["format"].upper() in jobs.TEXT_TABULAR_FORMATS:
                jobs.load_resource(resource["id"])
        return call_action("package_show", id=name)

    return load
