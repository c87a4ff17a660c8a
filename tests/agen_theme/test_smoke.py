"""Smoke test: the theme's pages in French and English, with their assets."""
from __future__ import annotations

import logging

import pytest

from . import smoke


@pytest.fixture
def webassets_log(caplog):
    """Capture CKAN's webassets log, which does not propagate to the root logger."""
    logger = logging.getLogger("ckan.lib.webassets_tools")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def _fetch(app):
    def get(path):
        response = app.get(path)
        return response.status_code, response.get_data(as_text=True)

    return get


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "catalogue")
def test_pages_and_assets_answer(app, webassets_log):
    paths = list(smoke.PAGES) + smoke.accorderie_pages(app.flask_app.url_map)

    problems = smoke.check_pages(_fetch(app), paths)

    assert problems == []
    assert "unknown asset" not in webassets_log.text


def test_asset_urls_found_in_order():
    html = (
        '<link href="/webassets/a.css" rel="stylesheet"/>'
        '<script src="/webassets/b.js" type="text/javascript"></script>'
    )

    assert smoke.asset_urls(html) == ["/webassets/a.css", "/webassets/b.js"]


def test_missing_asset_reported():
    pages = {"/": '<html lang="fr"><img src="/agen_theme/wordmark.svg"> /webassets/agen_theme/ >Mentions légales</a> <script src="/gone.js"></script>'}

    def get(path):
        return (200, pages[path]) if path in pages else (404, "")

    problems = smoke.check_pages(get, ["/"])

    assert "/: asset /gone.js answered 404" in problems
    assert "/en/: status 404" in problems
