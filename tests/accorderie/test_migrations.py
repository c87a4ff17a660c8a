"""The plugin's Alembic migrations: upgrade, repeat, downgrade, upgrade."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli

HEAD = "c3e0e0000010"
TABLES = {
    "accorderie_accorderie", "accorderie_member", "accorderie_category",
    "accorderie_service", "accorderie_exchange", "accorderie_account",
    "accorderie_transfer", "accorderie_entry",
    "accorderie_service_dataset", "accorderie_neighbourhood_point",
    "accorderie_member_note",
}


def _db(cli, *args):
    result = cli.invoke(ckan_cli, ["db", *args, "-p", "accorderie"])
    assert result.exit_code == 0, result.output
    return result


def _tables():
    model.Session.remove()
    names = set(sa.inspect(model.meta.engine).get_table_names())
    return {n for n in names if n.startswith("accorderie_")} - {"accorderie_alembic_version"}


def _scalar(sql):
    with model.meta.engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar()


def _version():
    return _scalar("SELECT version_num FROM accorderie_alembic_version")


def _search_config_exists():
    return _scalar("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'accorderie_fr'") == 1


pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_downgrade_removes_everything(cli):
    _db(cli, "downgrade", "-v", "base")

    assert _tables() == set()
    assert _version() is None
    assert not _search_config_exists()


def test_upgrade_on_empty_database(cli):
    _db(cli, "downgrade", "-v", "base")
    _db(cli, "upgrade")

    assert _tables() == TABLES
    assert _version() == HEAD
    assert _search_config_exists()


def test_upgrade_twice_is_noop(cli):
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO accorderie_category (id, label_fr, label_en) VALUES ('diy', 'Bricolage', 'DIY')"
        ))
    _db(cli, "upgrade")
    _db(cli, "upgrade")

    assert _version() == HEAD
    assert _scalar("SELECT count(*) FROM accorderie_category") == 1


def test_downgrade_then_upgrade_again(cli):
    _db(cli, "downgrade", "-v", "base")
    _db(cli, "upgrade")
    _db(cli, "downgrade", "-v", "a1c0e0000002")

    columns = {c["name"] for c in sa.inspect(model.meta.engine).get_columns("accorderie_service")}
    assert "search_vector" not in columns

    _db(cli, "upgrade")
    assert _version() == HEAD
    assert _scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'accorderie_service_search_filter_idx'"
    ) == 1


def test_downgrade_drops_bridge_tables(cli):
    _db(cli, "downgrade", "-v", "a1c0e0000004")

    assert _tables() == TABLES - {
        "accorderie_service_dataset", "accorderie_neighbourhood_point", "accorderie_member_note",
    }
    assert _version() == "a1c0e0000004"

    _db(cli, "upgrade")
    assert _tables() == TABLES


def test_downgrade_drops_member_notes_and_language(cli):
    _db(cli, "downgrade", "-v", "b8e0e0000006")

    columns = {c["name"] for c in sa.inspect(model.meta.engine).get_columns("accorderie_member")}
    assert "language" not in columns
    assert "accorderie_member_note" not in _tables()

    _db(cli, "upgrade")
    assert _tables() == TABLES


def test_downgrade_restores_listing_index(cli):
    _db(cli, "downgrade", "-v", "c1e0e0000007")

    assert _scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'accorderie_service_listing_idx'"
    ) == 1
    assert _scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'accorderie_service_newest_idx'"
    ) == 0

    _db(cli, "upgrade")
    assert _scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'accorderie_service_newest_idx'"
    ) == 1
    assert _scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'accorderie_service_listing_idx'"
    ) == 0


def _index_count(name: str) -> int:
    return _scalar(f"SELECT count(*) FROM pg_indexes WHERE indexname = '{name}'")


def _index_definition(name: str) -> str:
    return _scalar(f"SELECT indexdef FROM pg_indexes WHERE indexname = '{name}'")


# (revision before the change, index before it, index after it)
REPLACED_INDEXES = [
    ("c2e0e0000008", "accorderie_service_filter_idx", "accorderie_service_filter_cover_idx"),
    ("c3e0e0000009", "accorderie_service_search_idx", "accorderie_service_search_filter_idx"),
]


@pytest.mark.parametrize("revision, before, after", REPLACED_INDEXES)
def test_downgrade_restores_replaced_index(cli, revision, before, after):
    _db(cli, "downgrade", "-v", revision)

    assert _index_count(before) == 1
    assert _index_count(after) == 0

    _db(cli, "upgrade")
    assert _index_count(before) == 0
    assert _index_count(after) == 1


def test_filter_index_includes_expiry_date():
    definition = _index_definition("accorderie_service_filter_cover_idx")

    assert definition.endswith(
        "(accorderie_id, status, category_id, neighbourhood, type, created, id) INCLUDE (expires)"
    )


def test_text_index_covers_filters():
    definition = _index_definition("accorderie_service_search_filter_idx")

    assert definition.endswith("USING gin (search_vector, neighbourhood, category_id, type)")
