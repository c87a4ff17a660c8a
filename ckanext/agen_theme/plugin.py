"""The agen_theme plugin: the look, the pages and the tools of the Agen portal."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.types import Schema

from ckanext.agen_theme import facets, licenses, pages, search
from ckanext.agen_theme.logic import validators


@tk.blanket.actions
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.config_declarations
class AgenThemePlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IValidators)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "agen_theme")
        licenses.use_bundled_licenses(config)

    def update_config_schema(self, schema: Schema) -> Schema:
        # The texts of the information pages become editable on
        # /ckan-admin/config; CKAN stores them in its system_info table.
        ignore_missing = tk.get_validator("ignore_missing")
        unicode_safe = tk.get_validator("unicode_safe")
        for page in pages.PAGES:
            schema.setdefault(page.config_key, [ignore_missing, unicode_safe])
        return schema

    # IValidators

    def get_validators(self) -> dict[str, Any]:
        registered = {name: getattr(validators, name) for name in validators.__all__}
        # CKAN's default tag schema looks its validators up by name, so this
        # lets tags given as a list contain apostrophes too.
        registered["tag_name_validator"] = validators.agen_theme_tag_name
        return registered

    # IFacets

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return facets.catalogue_facets(facets_dict)

    def organization_facets(
        self, facets_dict: dict[str, Any], organization_type: str, package_type: str | None
    ) -> dict[str, Any]:
        return facets.catalogue_facets(facets_dict)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.index_dataset(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return search.normalize_search_params(search_params)

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        return facets.translate_facet_labels(search_results)
