"""Fixtures shared by the tests of ckanext-agen.

CKAN's pytest plugin (ckan.tests.pytest_ckan) brings the standard fixtures;
the overrides here make them apply this project's migrations too.
"""
from __future__ import annotations

import pytest

import ckan.plugins as p

# Plugins whose Alembic migrations every clean database needs. `ckan db init`
# runs none of them.
MIGRATED_PLUGINS = ("activity", "accorderie", "tracking")


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """Reset the database, then apply the migrations of MIGRATED_PLUGINS."""
    reset_db()

    # `ckan db upgrade -p NAME` finds a plugin's migrations only while the
    # plugin is loaded, so load for the migration those that are not.
    loaded_here = [name for name in MIGRATED_PLUGINS if not p.plugin_loaded(name)]
    for name in loaded_here:
        p.load(name)
    try:
        for name in MIGRATED_PLUGINS:
            migrate_db_for(name)
    finally:
        for name in loaded_here:
            p.unload(name)
