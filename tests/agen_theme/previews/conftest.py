"""Fixtures of the previews' tests: real demo files and a clean DataStore."""
from __future__ import annotations

from pathlib import Path

import pytest

import ckanext.datastore.tests.helpers as datastore_helpers

DATA_DIR = Path(__file__).resolve().parents[3] / "demo" / "data"

PREVIEW_PLUGINS = "datastore xloader agen_previews agen_map_view agen_chart_view datatables_view"


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
