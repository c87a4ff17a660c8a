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


def translate_facet_labels(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show theme and frequency facet entries with their labels, not codes."""
    search_facets = search_results.get("search_facets") or {}
    language = _language()
    for facet_field, schema_field in CHOICE_FACETS.items():
        facet = search_facets.get(facet_field)
        if not facet:
            continue
        choices = _choices(schema_field)
        if not choices:
            continue
        for item in facet.get("items", []):
            item["display_name"] = _label(choices, item["name"], language)
    return search_results
