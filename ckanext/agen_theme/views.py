"""Pages served by the agen_theme plugin: the legal and information pages.

"About" stays CKAN's own /about route (home.about), and the theme only
replaces its template. The other pages have French paths because the portal
is French first. /en/... serves them in English.
"""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.agen_theme import pages

__all__ = ["agen_theme"]

agen_theme = Blueprint("agen_theme", __name__)


def _render(name: str) -> str:
    return tk.render("agen_theme/page.html", {"page": pages.page_by_name(name)})


def legal_notice() -> str:
    return _render("legal_notice")


def privacy() -> str:
    return _render("privacy")


def accessibility() -> str:
    return _render("accessibility")


agen_theme.add_url_rule("/mentions-legales", view_func=legal_notice)
agen_theme.add_url_rule("/donnees-personnelles", view_func=privacy)
agen_theme.add_url_rule("/accessibilite", view_func=accessibility)
