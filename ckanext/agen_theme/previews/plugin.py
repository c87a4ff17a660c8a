"""Plugins of the previews: the DataStore loader and the map and chart views.

``agen_previews`` loads CSV files into the DataStore before xloader would,
and provides the actions behind the views. ``agen_map_view`` and
``agen_chart_view`` are resource views; each IResourceView needs its own
plugin class.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.types import Context, DataDict

from ckanext.xloader.interfaces import IXloader

from . import charts, geo, jobs
from .logic import action, auth

log = logging.getLogger(__name__)

__all__ = ["AgenChartViewPlugin", "AgenMapViewPlugin", "AgenPreviewsPlugin"]


@tk.blanket.config_declarations
class AgenPreviewsPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(IXloader, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "agen_previews")

    # ITemplateHelpers

    def get_helpers(self) -> dict[str, Any]:
        return dict(charts.helpers)

    # IActions

    def get_actions(self) -> dict[str, Any]:
        return {name: getattr(action, name) for name in action.__all__}

    # IAuthFunctions

    def get_auth_functions(self) -> dict[str, Any]:
        return {name: getattr(auth, name) for name in auth.__all__}

    # IXloader

    def can_upload(self, resource_id: str) -> bool:
        """Queue our loader for CSV files and tell xloader to skip them.

        xloader calls this from ``xloader_submit``, so a load started from
        the resource's DataStore page or by the API also goes through our
        loader. Spreadsheets stay with xloader.
        """
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
        if (resource.get("format") or "").upper() not in jobs.TEXT_TABULAR_FORMATS:
            return True
        jobs.enqueue_load(resource_id)
        return False


def _datastore_columns(resource: dict[str, Any]) -> dict[str, str]:
    if not resource.get("datastore_active"):
        return {}
    try:
        return action._datastore_fields({"ignore_auth": True}, resource["id"])
    except tk.ValidationError:
        return {}


class AgenMapViewPlugin(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict[str, Any]:
        return {
            "name": "agen_map_view",
            "title": tk._("Map"),
            "icon": "map-marker",
            "default_title": tk._("Map"),
            "iframed": True,
            "preview_enabled": False,
            # JSON files are mapped without the DataStore; the loader job
            # adds this view to CSV files once their columns are known.
            "requires_datastore": False,
        }

    def can_view(self, data_dict: DataDict) -> bool:
        resource = data_dict["resource"]
        if (resource.get("format") or "").upper() == "JSON":
            # Only JSON records that carry coordinates get a map.
            return bool(action.json_file_points(resource, limit=20))
        return geo.coordinate_columns(list(_datastore_columns(resource))) is not None

    def setup_template_variables(self, context: Context, data_dict: DataDict) -> dict[str, Any]:
        return {
            "tile_url": tk.config.get("ckanext.agen_previews.map_tile_url"),
            "tile_attribution": tk.config.get("ckanext.agen_previews.map_tile_attribution"),
        }

    def view_template(self, context: Context, data_dict: DataDict) -> str:
        return "agen_previews/map_view.html"


class AgenChartViewPlugin(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict[str, Any]:
        ignore_missing = tk.get_validator("ignore_missing")
        one_of = tk.get_validator("one_of")
        int_validator = tk.get_validator("int_validator")
        is_positive_integer = tk.get_validator("is_positive_integer")
        return {
            "name": "agen_chart_view",
            "title": tk._("Chart"),
            "icon": "chart-bar",
            "default_title": tk._("Chart"),
            "iframed": True,
            "preview_enabled": False,
            "requires_datastore": True,
            "schema": {
                "chart_type": [ignore_missing, one_of(charts.CHART_TYPES)],
                "category": [ignore_missing],
                "value": [ignore_missing],
                "aggregation": [ignore_missing, one_of(["sum", "count", "mean"])],
                "sort": [ignore_missing, one_of(["value_desc", "value_asc", "category"])],
                "limit": [ignore_missing, int_validator, is_positive_integer],
            },
        }

    def can_view(self, data_dict: DataDict) -> bool:
        columns = _datastore_columns(data_dict["resource"])
        return charts.guess_config(columns) is not None

    def setup_template_variables(self, context: Context, data_dict: DataDict) -> dict[str, Any]:
        resource = data_dict["resource"]
        columns = _datastore_columns(resource)
        config = charts.view_config(data_dict["resource_view"], columns)
        chart: dict[str, Any] = {"error": None, "config": config}
        try:
            chart["data"] = tk.get_action("agen_previews_chart_data_show")(
                {}, {"resource_id": resource["id"], **{key: value for key, value in config.items() if key != "chart_type"}}
            )
        except (tk.ValidationError, tk.NotAuthorized) as error:
            log.warning("Chart view of resource %s not drawn: %s", resource["id"], error)
            chart["error"] = tk._("This chart cannot be drawn with its current settings.")
        return {"chart": chart, "columns": columns, "chart_types": charts.CHART_TYPES}

    def view_template(self, context: Context, data_dict: DataDict) -> str:
        return "agen_previews/chart_view.html"

    def form_template(self, context: Context, data_dict: DataDict) -> str:
        return "agen_previews/chart_form.html"
