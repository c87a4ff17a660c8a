"""The accorderie plugin: the time bank of the Agen portal."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

# Imported for its side effect: the tables join CKAN's metadata, so CKAN's
# test fixtures empty them between tests.
from . import model  # noqa: F401
from . import bridge_views, views
from .logic import (
    action, auth, bridge_action, bridge_auth, chart_action, chart_auth, note_action, note_auth,
    account_action, account_auth, register_action, register_auth,
)


def _exported(*modules: Any) -> dict[str, Any]:
    """Return the names that the modules list in ``__all__``."""
    return {name: getattr(module, name) for module in modules for name in module.__all__}


def _actions() -> dict[str, Any]:
    return _exported(action, bridge_action, note_action, chart_action, register_action,
                     account_action)


def _auth_functions() -> dict[str, Any]:
    return _exported(auth, bridge_auth, note_auth, chart_auth, register_auth, account_auth)


def _blueprints() -> list[Any]:
    return [views.accorderie, bridge_views.accorderie_bridge]


@tk.blanket.config_declarations
@tk.blanket.actions(_actions)
@tk.blanket.auth_functions(_auth_functions)
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.blueprints(_blueprints)
class AccorderiePlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "accorderie")
