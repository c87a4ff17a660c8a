"""Messages in the portal's default language where no web request sets one.

Background jobs run without a Flask request, so CKAN's gettext returns
the English messages there. This module reads the same catalogues as the
web application (CKAN's, then every ITranslation plugin's, the later ones
taking precedence) for ``ckan.locale_default``.
"""
from __future__ import annotations

import functools
import logging

from babel import support

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib import i18n

log = logging.getLogger(__name__)

__all__ = ["gettext_default_locale"]


@functools.lru_cache(maxsize=4)
def _catalogue(locale: str) -> support.Translations | None:
    directories = [(i18n.get_ckan_i18n_dir(), "ckan")] + [
        (plugin.i18n_directory(), plugin.i18n_domain())
        for plugin in p.PluginImplementations(p.ITranslation)
    ]

    merged: support.Translations | None = None
    for directory, domain in directories:
        loaded = support.Translations.load(directory, [locale], domain)
        if not isinstance(loaded, support.Translations):
            # Babel returns NullTranslations when the domain has no
            # catalogue for this locale.
            continue
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)

    if merged is None:
        log.warning("No translation catalogue found for the default locale %s", locale)
    return merged


def gettext_default_locale(message: str) -> str:
    """Translate ``message`` into ``ckan.locale_default``.

    Returns the message unchanged when no catalogue has it. The catalogues
    are read once per process and locale.
    """
    catalogue = _catalogue(tk.config.get("ckan.locale_default"))
    if catalogue is None:
        return message
    return catalogue.gettext(message)
