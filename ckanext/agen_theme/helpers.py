"""Template helpers of the agen_theme plugin."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["agen_theme_portal_name"]


def agen_theme_portal_name() -> str:
    """Return the portal's name as shown in the header and page titles."""
    return tk.config.get("ckanext.agen_theme.portal_name")
