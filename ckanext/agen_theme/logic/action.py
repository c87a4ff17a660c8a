"""Core actions that agen_theme extends."""
from __future__ import annotations

import logging

import flask

import ckan.plugins.toolkit as tk
from ckan.lib import datapreview
from ckan.types import Action, ActionResult, Context, DataDict

from ckanext.agen_theme.translations import gettext_default_locale

log = logging.getLogger(__name__)

__all__ = ["resource_view_create"]


@tk.chained_action
def resource_view_create(
    original_action: Action, context: Context, data_dict: DataDict
) -> ActionResult.ResourceViewCreate:
    """Create a resource view, with a default title in the portal's language.

    CKAN and the preview jobs give a new view the ``default_title`` of its
    view plugin, which outside a web request (in the background jobs
    worker, for example) is the English message, such as "Map" or
    "Table". Such a title is replaced by its translation into
    ``ckan.locale_default``. Any other title, and every title given during
    a web request, is kept as given.

    Takes the parameters of CKAN's ``resource_view_create``, and the same
    users may call it.

    :returns: the new resource view
    :rtype: dictionary
    """
    if not flask.has_request_context():
        data_dict = _with_default_locale_title(data_dict)
    return original_action(context, data_dict)


def _with_default_locale_title(data_dict: DataDict) -> DataDict:
    title = data_dict.get("title")
    view_plugin = datapreview.get_view_plugin(data_dict.get("view_type"))
    if not title or view_plugin is None:
        return data_dict
    if title != view_plugin.info().get("default_title"):
        return data_dict

    translated = gettext_default_locale(title)
    log.debug("View of type %s titled %r rather than %r",
              data_dict.get("view_type"), translated, title)
    return dict(data_dict, title=translated)
