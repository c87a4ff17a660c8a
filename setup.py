"""Packaging of ckanext-agen: the CKAN plugins of the Agen open-data portal.

The top-level ``schemas/`` folder holds the ckanext-scheming YAML files. It is
installed as the package ``ckanext.agen_schemas`` because ckanext-scheming
loads a schema either from a URL or as ``module:path``; see README.md.
"""
from setuptools import find_namespace_packages, setup

PACKAGES = find_namespace_packages(
    include=["ckanext.agen_theme*", "ckanext.accorderie*"],
)

setup(
    name="ckanext-agen",
    version="0.1.0",
    description="CKAN extensions of the Agen open-data portal and its accorderie (time bank)",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=PACKAGES + ["ckanext.agen_schemas"],
    package_dir={"ckanext.agen_schemas": "schemas"},
    include_package_data=True,
    package_data={
        "ckanext.agen_schemas": ["*.yaml", "*.json"],
    },
    zip_safe=False,
    entry_points={
        "ckan.plugins": [
            "agen_theme = ckanext.agen_theme.plugin:AgenThemePlugin",
            "accorderie = ckanext.accorderie.plugin:AccorderiePlugin",
            "agen_previews = ckanext.agen_theme.previews.plugin:AgenPreviewsPlugin",
            "agen_map_view = ckanext.agen_theme.previews.plugin:AgenMapViewPlugin",
            "agen_chart_view = ckanext.agen_theme.previews.plugin:AgenChartViewPlugin",
        ],
        "ckan.rdf.profiles": [
            "agen_dcat_ap = ckanext.agen_theme.dcat:AgenDCATAPProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
