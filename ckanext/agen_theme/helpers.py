"""Template helpers of the agen_theme plugin."""
from __future__ import annotations

import logging
from typing import Any

from markupsafe import Markup
from werkzeug.routing import BuildError

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.agen_theme import pages
from ckanext.agen_theme.extracts import markdown_extract
from ckanext.agen_theme.urls import add_url_param, remove_url_param

log = logging.getLogger(__name__)

__all__ = [
    "agen_theme_portal_name",
    "agen_theme_theme_tiles",
    "agen_theme_latest_datasets",
    "agen_theme_most_viewed_datasets",
    "agen_theme_producers",
    "agen_theme_accorderie_url",
    "agen_theme_info_pages",
    "agen_theme_info_pages_for_admin",
    "agen_theme_page_title",
    "agen_theme_page_html",
    "agen_theme_default_spatial",
    "agen_theme_spatial_maps_enabled",
    # Chained over CKAN's own helpers of the same names.
    "add_url_param",
    "remove_url_param",
    "markdown_extract",
]

# The Solr field that contains a dataset's data-theme codes: the catalogue
# indexes its scheming field "theme" there, and CKAN indexes the tags of a
# vocabulary named "theme" there too.
THEME_FACET_FIELD = "vocab_theme"
THEME_SCHEMA_FIELD = "theme"


def agen_theme_portal_name() -> str:
    """Return the portal's name as shown in the header and page titles."""
    return tk.config.get("ckanext.agen_theme.portal_name")


def _theme_labels() -> dict[str, str]:
    """Map each theme code to its label in the current language.

    The labels are the choices of the "theme" field of the scheming schema
    of datasets; without scheming or without that field the map is empty.
    """
    if not p.plugin_loaded("scheming_datasets"):
        return {}
    from ckanext.scheming import helpers as scheming

    schema = scheming.scheming_get_dataset_schema("dataset")
    if not schema:
        return {}
    field = scheming.scheming_field_by_name(schema["dataset_fields"], THEME_SCHEMA_FIELD)
    if not field:
        return {}
    choices = scheming.scheming_field_choices(field) or []
    return {
        choice["value"]: scheming.scheming_language_text(choice["label"])
        for choice in choices
    }


def agen_theme_theme_tiles() -> list[dict[str, Any]]:
    """List the themes that have public datasets, for the home page's tiles.

    Each tile is ``{"code", "label", "count", "url"}``. Themes come in the
    order of the schema's choices, then any code the schema does not know,
    which keeps its code as label. Themes without datasets are left out.
    """
    result = tk.get_action("package_search")(
        {},
        {
            "rows": 0,
            "facet.field": [THEME_FACET_FIELD],
            "facet.limit": -1,
        },
    )
    counts = {
        item["name"]: item["count"]
        for item in result["search_facets"].get(THEME_FACET_FIELD, {}).get("items", [])
    }
    labels = _theme_labels()

    known = [code for code in labels if code in counts]
    unknown = sorted(code for code in counts if code not in labels)
    return [
        {
            "code": code,
            "label": labels.get(code, code),
            "count": counts[code],
            "url": tk.h.url_for("dataset.search", **{THEME_FACET_FIELD: code}),
        }
        for code in known + unknown
    ]


def agen_theme_latest_datasets(limit: int = 5) -> list[dict[str, Any]]:
    """Return the ``limit`` public datasets created last, newest first."""
    result = tk.get_action("package_search")(
        {}, {"rows": limit, "sort": "metadata_created desc"}
    )
    return result["results"]


def agen_theme_most_viewed_datasets(limit: int = 5) -> list[dict[str, Any]]:
    """Return the ``limit`` public datasets with the most recent page views.

    The counts come from CKAN's ``tracking`` plugin: they are indexed in Solr
    as ``views_recent`` by ``ckan tracking update``. Without that plugin the
    list is empty, and it stays empty until the first update has run.
    """
    if not p.plugin_loaded("tracking"):
        return []
    result = tk.get_action("package_search")(
        {},
        {
            "rows": limit,
            "sort": "views_recent desc, metadata_modified desc",
            "fq": "views_recent:[1 TO *]",
        },
    )
    return result["results"]


def agen_theme_producers(limit: int = 8) -> list[dict[str, Any]]:
    """Return the ``limit`` organisations that publish the most datasets."""
    organizations = tk.get_action("organization_list")(
        {},
        {"all_fields": True, "sort": "package_count desc", "limit": limit},
    )
    return [org for org in organizations if org.get("package_count")]


def agen_theme_accorderie_url() -> str:
    """Return the URL of the accorderie's home page, in the current language."""
    try:
        return tk.h.url_for("accorderie.index")
    except BuildError:
        # NOTE: until the accorderie plugin serves its pages, the link is
        # built by hand and leads to a "not found" page.
        return tk.h.url_for("home.index").rstrip("/") + "/accorderie"


def agen_theme_info_pages() -> list[dict[str, str]]:
    """List the information pages for the footer: ``{"title", "url"}``."""
    return [
        {"title": page.title(), "url": tk.h.url_for(page.endpoint)}
        for page in pages.PAGES
    ]


def agen_theme_info_pages_for_admin() -> list[dict[str, str]]:
    """List the pages whose text the theme adds to /ckan-admin/config.

    "About" is left out because CKAN's own form already has its field.
    """
    return [
        {"title": page.title(), "config_key": page.config_key}
        for page in pages.PAGES
        if page.config_key.startswith("ckanext.agen_theme.")
    ]


def agen_theme_page_title(name: str) -> str:
    """Return the translated title of the information page ``name``."""
    return pages.page_by_name(name).title()


def agen_theme_page_html(name: str) -> Markup:
    """Render the Markdown text of the information page ``name`` as safe HTML."""
    text = pages.page_markdown(pages.page_by_name(name))
    return Markup(tk.h.render_markdown(text))


def agen_theme_default_spatial() -> str:
    """Return the GeoJSON extent offered by default in the dataset form."""
    return tk.config.get("ckanext.agen_theme.default_spatial")


def agen_theme_spatial_maps_enabled() -> bool:
    """Tell whether ckanext-spatial's map snippets and their helpers are loaded."""
    return p.plugin_loaded("spatial_metadata") and p.plugin_loaded("spatial_query")
