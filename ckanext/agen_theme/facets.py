"""Facets of the dataset search and organisation pages, with French titles.

Themes and update frequencies are stored as codes (``TRAN``, ``ANNUAL``).
``translate_facet_labels`` shows them in the search results with the choice
labels of the dataset schema, in the user's language.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from ckanext.scheming import helpers as scheming_helpers

import ckan.plugins.toolkit as tk

from ckanext.agen_theme.search import FREQUENCY_FIELD, PRODUCER_FIELD, THEME_FIELD

log = logging.getLogger(__name__)

__all__ = ["catalogue_facets", "translate_facet_labels"]

# Solr facet field -> dataset schema field whose choices label its values.
CHOICE_FACETS = {THEME_FIELD: "theme", FREQUENCY_FIELD: "frequency"}


def catalogue_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    """Return the portal's facets in display order, replacing CKAN's."""
    # Organisation and group facets stay where CKAN puts them, after ours.
    facets: dict[str, Any] = {
        THEME_FIELD: tk._("Themes"),
        PRODUCER_FIELD: tk._("Producers"),
        FREQUENCY_FIELD: tk._("Update frequency"),
        "res_format": tk._("Formats"),
        "license_id": tk._("Licences"),
        "tags": tk._("Tags"),
    }
    for key in ("organization", "groups"):
        if key in facets_dict:
            facets[key] = facets_dict[key]
    return facets


def _choices(field_name: str) -> Optional[list[dict[str, Any]]]:
    schema = scheming_helpers.scheming_get_dataset_schema("dataset")
    if not schema:
        return None
    field = scheming_helpers.scheming_field_by_name(schema["dataset_fields"], field_name)
    return field.get("choices") if field else None


def _language() -> str:
    """Return the request's language, or the site's default outside a request."""
    try:
        return tk.h.lang()
    except (RuntimeError, TypeError):
        # Actions called from the command line or a background job.
        return tk.config.get("ckan.locale_default")


def _label(choices: list[dict[str, Any]], value: str, language: str) -> str:
    for choice in choices:
        if choice["value"] == value:
            return scheming_helpers.scheming_language_text(choice["label"], language)
    return value


def _active_values(facet_field: str) -> list[str]:
    """Return the values of ``facet_field`` that the search page filters on.

    Calls to the Action API give their filters in ``fq``, so their results
    keep Solr's facets as they are.
    """
    try:
        return tk.request.args.getlist(facet_field)
    except RuntimeError:
        # Outside a request: the command line or a background job.
        return []


def _add_active_entries(facet: dict[str, Any], values: list[str]) -> None:
    """Add an entry with no dataset for each active value Solr did not return.

    A search that finds nothing returns no facet entry, and CKAN then shows
    the raw code of each active filter. With these entries it shows the
    label, and the facet lists how to remove the filter.
    """
    items = facet.setdefault("items", [])
    listed = {item["name"] for item in items}
    for value in values:
        if value not in listed:
            items.append({"name": value, "display_name": value, "count": 0})
            listed.add(value)


def translate_facet_labels(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show theme and frequency facet entries with their labels, not codes."""
    search_facets = search_results.get("search_facets")
    if search_facets is None:
        return search_results
    language = _language()

    for facet_field, schema_field in CHOICE_FACETS.items():
        active = _active_values(facet_field)
        facet = search_facets.get(facet_field)
        if facet is None and active:
            facet = search_facets[facet_field] = {"title": facet_field, "items": []}
        if not facet:
            continue
        _add_active_entries(facet, active)

        choices = _choices(schema_field)
        if not choices:
            continue
        for item in facet.get("items", []):
            item["display_name"] = _label(choices, item["name"], language)
    return search_results
