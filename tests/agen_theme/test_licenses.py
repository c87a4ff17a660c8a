"""The licence list shipped with the extension."""
from __future__ import annotations

import pytest

from ckan.common import CKANConfig
from ckan.tests.helpers import call_action

from ckanext.agen_theme import licenses


@pytest.mark.usefixtures("with_plugins")
class TestLicenceList:
    def test_legal_licences_first(self):
        ids = [licence["id"] for licence in call_action("license_list")]

        assert ids[:2] == ["etalab-2.0", "odc-odbl"]

    def test_french_titles_and_urls(self):
        by_id = {licence["id"]: licence for licence in call_action("license_list")}

        assert by_id["etalab-2.0"]["title"] == "Licence Ouverte / Open Licence version 2.0"
        assert by_id["etalab-2.0"]["url"].startswith("https://www.etalab.gouv.fr/")
        assert by_id["odc-odbl"]["url"] == "https://opendatacommons.org/licenses/odbl/1-0/"
        assert by_id["notspecified"]["title"] == "Licence non précisée"

    def test_ini_setting_wins(self):
        config = CKANConfig({"licenses_group_url": "file:///srv/other.json"})

        licenses.use_bundled_licenses(config)

        assert config["licenses_group_url"] == "file:///srv/other.json"

    def test_bundled_file_used_by_default(self):
        config = CKANConfig({})

        licenses.use_bundled_licenses(config)

        assert config["licenses_group_url"] == licenses.LICENSES_FILE.as_uri()
