"""The chained add_url_param and remove_url_param give CKAN's own links."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.lib import helpers as core
from ckan.plugins import toolkit as tk

SEARCH = "/dataset/?q=budget&tags=%C3%A9coles&tags=sport&page=3"


def both(app: Any, path: str, name: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """Return (ours, CKAN's) for the helper ``name`` called on the page ``path``."""
    with app.flask_app.test_request_context(path):
        ours = getattr(tk.h, name)(*args, **kwargs)
        ckan = getattr(core, name)(*args, **kwargs)
    return ours, ckan


class TestSameLinksAsCkan:
    @pytest.mark.parametrize("kwargs", [
        {"new_params": {"tags": "transport"}},
        {"new_params": {"vocab_theme": "TRAN", "sort": "title_string asc"}},
        {},
        {"alternative_url": "/dataset/autre"},
        {"controller": "organization", "action": "read", "extras": {"id": "ville-agen"},
         "new_params": {"res_format": "CSV"}},
    ])
    def test_add_url_param(self, app, kwargs):
        ours, ckan = both(app, SEARCH, "add_url_param", **kwargs)

        assert ours == ckan

    @pytest.mark.parametrize("args, kwargs", [
        (("tags", "sport"), {}),
        (("tags",), {}),
        ((["tags", "q"],), {}),
        (("_tags_limit",), {"replace": 0}),
        (("tags", "sport"), {"alternative_url": "/dataset/autre"}),
    ])
    def test_remove_url_param(self, app, args, kwargs):
        ours, ckan = both(app, SEARCH, "remove_url_param", *args, **kwargs)

        assert ours == ckan

    def test_page_with_view_arguments(self, app):
        ours, ckan = both(
            app, "/organization/ville-agen?q=bus", "add_url_param", new_params={"tags": "transport"},
        )

        assert ours == ckan == "/organization/ville-agen?q=bus&tags=transport"

    def test_links_differ_by_parameter(self, app):
        with app.flask_app.test_request_context("/dataset/?q=budget"):
            first = tk.h.add_url_param(new_params={"tags": "a"})
            second = tk.h.add_url_param(new_params={"tags": "b"})
            removed = tk.h.remove_url_param("q")

        assert (first, second, removed) == (
            "/dataset/?q=budget&tags=a", "/dataset/?q=budget&tags=b", "/dataset/",
        )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_search_page_facet_links(app, catalogue):
    body = app.get("/dataset/?q=budget").body

    assert 'href="/dataset/?q=budget&amp;organization=ville-agen"' in body
    assert 'href="/dataset/?q=budget&amp;groups=mobilite"' in body
