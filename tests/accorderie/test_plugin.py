"""The accorderie plugin loads and its migrations run."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p


@pytest.mark.usefixtures("with_plugins")
def test_plugin_is_loaded():
    assert p.plugin_loaded("accorderie")


@pytest.mark.usefixtures("clean_db")
def test_migrations_are_recorded():
    """`ckan db upgrade -p accorderie` keeps its own Alembic version table."""
    tables = sa.inspect(model.Session.get_bind()).get_table_names()

    assert "accorderie_alembic_version" in tables
