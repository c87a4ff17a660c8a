"""The agen_theme plugin: the look, the pages and the tools of the Agen portal."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.types import Schema

from ckanext.agen_theme import pages


@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.config_declarations
class AgenThemePlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "agen_theme")

    def update_config_schema(self, schema: Schema) -> Schema:
        # The texts of the information pages become editable on
        # /ckan-admin/config; CKAN stores them in its system_info table.
        ignore_missing = tk.get_validator("ignore_missing")
        unicode_safe = tk.get_validator("unicode_safe")
        for page in pages.PAGES:
            schema.setdefault(page.config_key, [ignore_missing, unicode_safe])
        return schema
