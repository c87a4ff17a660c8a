"""Template helpers of the agen_theme plugin."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

__all__ = [
    "agen_theme_default_spatial",
    "agen_theme_portal_name",
    "agen_theme_spatial_maps_enabled",
]


def agen_theme_portal_name() -> str:
    """Return the portal's name as shown in the header and page titles."""
    return tk.config.get("ckanext.agen_theme.portal_name")


def agen_theme_default_spatial() -> str:
    """Return the GeoJSON extent offered by default in the dataset form."""
    return tk.config.get("ckanext.agen_theme.default_spatial")


def agen_theme_spatial_maps_enabled() -> bool:
    """Tell whether ckanext-spatial's map snippets and their helpers are loaded."""
    return p.plugin_loaded("spatial_metadata") and p.plugin_loaded("spatial_query")
