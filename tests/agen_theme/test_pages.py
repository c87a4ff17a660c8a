"""The portal's pages render in French with the theme loaded."""
from __future__ import annotations

import pytest

import ckan.plugins as p


@pytest.mark.usefixtures("with_plugins")
def test_theme_plugin_is_loaded():
    assert p.plugin_loaded("agen_theme")


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.parametrize("url", ["/", "/dataset/"])
def test_page_is_french(app, url):
    response = app.get(url)

    assert response.status_code == 200
    assert '<html lang="fr"' in response.body
    assert "Agen — données ouvertes" in response.body
