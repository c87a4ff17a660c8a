"""The agen_theme plugin: the look, the pages and the tools of the Agen portal."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

from ckanext.agen_theme import facets, licenses, search


@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.config_declarations
class AgenThemePlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        licenses.use_bundled_licenses(config)

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
