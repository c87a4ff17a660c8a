"""Actions that feed the map and chart views from the DataStore."""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.types import ActionResult, Context, DataDict

from .. import geo
from . import schema

log = logging.getLogger(__name__)

__all__ = ["agen_previews_chart_data_show", "agen_previews_map_points_list"]

_AGGREGATES = {"sum": "SUM({value})", "count": "COUNT(*)", "mean": "AVG({value})"}
_ORDER = {
    "value_desc": "value DESC NULLS LAST, category",
    "value_asc": "value ASC NULLS LAST, category",
    "category": "category",
}
_NUMERIC_TYPES = {"numeric", "int", "int4", "int8", "float8", "float4", "integer", "bigint"}


def _datastore_fields(context: Context, resource_id: str) -> dict[str, str]:
    """Return the DataStore columns of a resource and their types."""
    try:
        result = tk.get_action("datastore_search")(
            {**context}, {"resource_id": resource_id, "limit": 0}
        )
    except tk.ObjectNotFound:
        raise tk.ValidationError({"resource_id": [tk._("This resource has no DataStore table.")]})
    return {field["id"]: field["type"] for field in result["fields"] if field["id"] != "_id"}


def _quote(name: str) -> str:
    from ckanext.datastore.backend.postgres import identifier
    return identifier(name)


def _read_engine() -> sa.engine.Engine:
    from ckanext.datastore.backend.postgres import get_read_engine
    return get_read_engine()


@tk.side_effect_free
def agen_previews_chart_data_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Aggregate a DataStore column by category, for a chart.

    The sum, count or mean is computed by PostgreSQL through the DataStore's
    read-only role. Anyone who may see the resource may call it.

    :param resource_id: the resource whose DataStore table is read
    :type resource_id: string
    :param category: the column whose values label the bars or slices
    :type category: string
    :param value: the numeric column to add up or average (optional for
        ``count``)
    :type value: string
    :param aggregation: ``sum``, ``count`` or ``mean`` (optional, default: ``sum``)
    :type aggregation: string
    :param sort: ``value_desc``, ``value_asc`` or ``category`` (optional,
        default: ``value_desc``)
    :type sort: string
    :param limit: the number of categories kept, at most
        ``ckanext.agen_previews.chart_max_categories`` (optional, default: 20)
    :type limit: int

    :returns: ``{"categories": [...], "values": [...], "total_categories": n}``
    :rtype: dict
    """
    tk.check_access("agen_previews_chart_data_show", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.agen_previews_chart_data_show(), context)
    if errors:
        raise tk.ValidationError(errors)

    fields = _datastore_fields(context, data["resource_id"])
    if data["category"] not in fields:
        raise tk.ValidationError({"category": [tk._("No column is named {name}.").format(name=data["category"])]})
    aggregation = data["aggregation"]
    value = data.get("value")
    if aggregation != "count":
        if not value or value not in fields:
            raise tk.ValidationError({"value": [tk._("Choose a numeric column to add up or average.")]})
        if fields[value] not in _NUMERIC_TYPES:
            raise tk.ValidationError({"value": [tk._("The column {name} is not numeric.").format(name=value)]})

    table = _quote(data["resource_id"])
    measure = _AGGREGATES[aggregation].format(value=_quote(value) if value else "")
    sql = (
        f"SELECT {_quote(data['category'])}::text AS category, {measure} AS value, "
        f"COUNT(*) OVER () AS total_categories "
        f"FROM {table} GROUP BY 1 ORDER BY {_ORDER[data['sort']]} LIMIT :limit"
    )
    with _read_engine().connect() as connection:
        rows = connection.execute(sa.text(sql), {"limit": data["limit"]}).fetchall()

    return {
        "categories": [row.category for row in rows],
        "values": [float(row.value) if row.value is not None else None for row in rows],
        "total_categories": rows[0].total_categories if rows else 0,
    }


def _expected_bbox(package: dict[str, Any]) -> tuple[float, float, float, float]:
    """Return the dataset's spatial extent, or the configured default."""
    spatial = package.get("spatial")
    if spatial:
        try:
            geometry = json.loads(spatial)
            points = [point for ring in geometry["coordinates"] for point in ring]
            lons = [point[0] for point in points]
            lats = [point[1] for point in points]
            return min(lons) - 0.5, min(lats) - 0.5, max(lons) + 0.5, max(lats) + 0.5
        except (ValueError, KeyError, TypeError, IndexError):
            log.warning("Dataset %s: its spatial extent is not a GeoJSON polygon", package.get("id"))
    west, south, east, north = (float(part) for part in tk.config.get("ckanext.agen_previews.map_default_bbox").split())
    return west, south, east, north


def _datastore_pairs(context: Context, resource_id: str, limit: int) -> Optional[list[tuple[float, float]]]:
    fields = _datastore_fields(context, resource_id)
    columns = geo.coordinate_columns(list(fields))
    if columns is None:
        return None
    table = _quote(resource_id)
    if "lat" in columns:
        sql = f"SELECT {_quote(columns['lat'])}::text, {_quote(columns['lon'])}::text FROM {table} LIMIT :limit"
    else:
        sql = f"SELECT {_quote(columns['point'])}::text FROM {table} LIMIT :limit"
    with _read_engine().connect() as connection:
        rows = connection.execute(sa.text(sql), {"limit": limit}).fetchall()

    pairs = []
    for row in rows:
        if "lat" in columns:
            lat, lon = geo.parse_coordinate(row[0]), geo.parse_coordinate(row[1])
            point = (lat, lon) if lat is not None and lon is not None else None
        else:
            point = geo.parse_point(row[0])
        if point:
            pairs.append(point)
    return pairs


def json_file_points(resource: dict[str, Any], limit: int) -> Optional[list[tuple[float, float]]]:
    """Return the points of the first ``limit`` records of an uploaded JSON
    file, or ``None`` when the file is not a list of records."""
    if resource.get("url_type") != "upload":
        return None
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    max_size = tk.config.get("ckanext.agen_previews.max_file_size")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_size + 1)
    except OSError as error:
        log.warning("Resource %s: its uploaded file cannot be read: %s", resource["id"], error)
        return None
    if len(raw) > max_size:
        return None
    try:
        records = json.loads(raw)
    except ValueError:
        return None
    if isinstance(records, dict):
        records = records.get("records") or records.get("features") or []
    if not isinstance(records, list):
        return None
    pairs = [point for point in (geo.record_point(record) for record in records[:limit]
                                 if isinstance(record, dict)) if point]
    return pairs


@tk.side_effect_free
def agen_previews_map_points_list(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """List the points of a resource's records for its map.

    Points come from coordinate columns of the DataStore table, or from the
    records of an uploaded JSON file. Latitude and longitude are swapped when
    the points fit the dataset's extent better that way. Anyone who may see
    the resource may call it.

    :param resource_id: the resource to map
    :type resource_id: string

    :returns: ``{"points": [[lat, lon], ...], "count": n}``, at most
        ``ckanext.agen_previews.map_max_points`` points
    :rtype: dict
    """
    tk.check_access("agen_previews_map_points_list", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.agen_previews_map_points_list(), context)
    if errors:
        raise tk.ValidationError(errors)

    resource = tk.get_action("resource_show")(context, {"id": data["resource_id"]})
    package = tk.get_action("package_show")(context, {"id": resource["package_id"]})
    limit = tk.config.get("ckanext.agen_previews.map_max_points")

    if resource.get("datastore_active"):
        pairs = _datastore_pairs(context, resource["id"], limit)
    elif (resource.get("format") or "").upper() == "JSON":
        pairs = json_file_points(resource, limit)
    else:
        pairs = None
    if pairs is None:
        raise tk.ValidationError({"resource_id": [tk._("This resource has no coordinates to map.")]})

    points = geo.orient_points(pairs, _expected_bbox(package))
    return {"points": [[lat, lon] for lat, lon in points], "count": len(points)}
