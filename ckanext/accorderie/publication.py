"""Publication of the monthly statistics as a dataset of the catalogue.

The dataset contains two DataStore tables, served as CSV by the DataStore's
dump, each with the Table Schema that describes its columns, a table view,
and for the totals a chart of the hours per month. Each resource carries
an ``accorderie_stats`` key naming its part, so that a later run finds it
again whatever its title.
"""
from __future__ import annotations

import io
import json
import logging
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.types import Context

from . import stats

__all__ = ["PARTS", "ensure_dataset", "ensure_resources", "replace_month"]

log = logging.getLogger(__name__)

# part: (fields, primary key)
PARTS: dict[str, tuple[tuple[tuple[str, str, str, str], ...], list[str]]] = {
    "totals": (stats.TOTALS_FIELDS, ["accorderie", "month"]),
    "breakdown": (stats.BREAKDOWN_FIELDS, ["accorderie", "month", "breakdown", "group"]),
}
# Months shown by the chart: ten years.
CHART_MONTHS = 120


def _titles() -> dict[str, str]:
    return {
        "totals": tk._("Monthly totals per accorderie"),
        "breakdown": tk._("Monthly exchanges per category and per neighbourhood"),
        "totals_schema": tk._("Table Schema of the monthly totals"),
        "breakdown_schema": tk._("Table Schema of the monthly exchanges per category and per neighbourhood"),
    }


def _dataset_notes(min_members: int) -> str:
    return tk._(
        "Activity of the accorderies (time banks) of Agen, month by month: "
        "exchanges settled, hours exchanged, active and new members, and "
        "exchanges of services that help people use the data of this portal. "
        "A second table gives the exchanges and hours per category of service "
        "and per neighbourhood.\n\n"
        "To protect the members, every figure that describes fewer than "
        "{min_members} members is left empty. When a single group of a month "
        "is left empty, the smallest other group is left empty too, so that "
        "the hidden figure cannot be found by subtraction from the total. "
        "Exchanges corrected by the accorderie's staff are not counted."
    ).format(min_members=min_members)


def ensure_dataset(context: Context) -> dict[str, Any]:
    """Return the statistics dataset, creating it and its organisation when
    they are missing."""
    name = tk.config.get("ckanext.accorderie.stats_dataset")
    try:
        return tk.get_action("package_show")(dict(context), {"id": name})
    except tk.ObjectNotFound:
        pass

    organization = tk.config.get("ckanext.accorderie.stats_organization")
    producer = tk.config.get("ckanext.accorderie.stats_producer")
    try:
        tk.get_action("organization_show")(dict(context), {"id": organization})
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(dict(context), {"name": organization, "title": producer})
        log.info("Organization %s created for the accorderie statistics", organization)

    dataset = tk.get_action("package_create")(dict(context), {
        "name": name,
        "title": tk._("Activity of the accorderies, month by month"),
        "notes": _dataset_notes(stats.min_members()),
        "owner_org": organization,
        "license_id": "etalab-2.0",
        "producer_name": producer,
        "theme": ["SOCI"],
        "frequency": "MONTHLY",
        "tags": [{"name": "accorderie"}, {"name": tk._("time bank")}],
    })
    log.info("Dataset %s created for the accorderie statistics", name)
    return dataset


def _part_resources(dataset: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        resource["accorderie_stats"]: resource
        for resource in dataset.get("resources", [])
        if resource.get("accorderie_stats")
    }


def _schema_resource(
    context: Context, dataset: dict[str, Any], part: str, existing: dict[str, Any] | None
) -> dict[str, Any]:
    fields, primary_key = PARTS[part]
    body = json.dumps(stats.table_schema(fields, primary_key), ensure_ascii=False, indent=2)
    data = {
        "package_id": dataset["id"],
        "name": _titles()[f"{part}_schema"],
        "format": "JSON",
        "url": f"{part}-schema.json",
        "accorderie_stats": f"{part}_schema",
        "upload": FileStorage(stream=io.BytesIO(body.encode("utf-8")), filename=f"{part}-schema.json"),
    }
    if existing is None:
        return tk.get_action("resource_create")(dict(context), data)
    return tk.get_action("resource_update")(dict(context), {**data, "id": existing["id"]})


def _dump_url(resource_id: str, part: str) -> str:
    """Return the address of the table's CSV: the DataStore dump with the
    Table Schema's columns only (no ``_id``), in primary key order."""
    fields, primary_key = PARTS[part]
    return tk.url_for(
        "datastore.dump", resource_id=resource_id, qualified=True,
        fields=",".join(name for name, *_rest in fields), sort=", ".join(primary_key),
    )


def _table_resource(
    context: Context, dataset: dict[str, Any], part: str, existing: dict[str, Any] | None,
    schema_url: str,
) -> dict[str, Any]:
    fields, primary_key = PARTS[part]
    datastore_fields = [
        {"id": name, "type": datastore_type, "info": {"notes": tk._(description)}}
        for name, datastore_type, _schema_type, description in fields
    ]
    if existing is None:
        created = tk.get_action("datastore_create")(dict(context), {
            "resource": {
                "package_id": dataset["id"],
                "name": _titles()[part],
                "accorderie_stats": part,
            },
            "fields": datastore_fields, "primary_key": primary_key, "force": True,
        })
        # The URL is the dump's, and the url_type "xloader" marks it for xloader
        # as one that points to the DataStore already. Otherwise xloader would
        # queue a load of this CSV resource, reading the dump back into the
        # table, whenever package_update saves it with a changed URL.
        resource_id = created["resource_id"]
        return tk.get_action("resource_patch")(dict(context), {
            "id": resource_id, "url": _dump_url(resource_id, part), "url_type": "xloader",
            "format": "CSV", "schema_url": schema_url,
        })

    # Refresh the descriptions and the schema link, keeping the rows.
    tk.get_action("datastore_create")(dict(context), {
        "resource_id": existing["id"], "fields": datastore_fields, "primary_key": primary_key,
        "force": True,
    })
    return tk.get_action("resource_patch")(dict(context), {
        "id": existing["id"], "schema_url": schema_url, "url": _dump_url(existing["id"], part),
    })


def _ensure_views(context: Context, resource: dict[str, Any], chart: bool) -> None:
    views = tk.get_action("resource_view_list")(dict(context), {"id": resource["id"]})
    types = {view["view_type"] for view in views}
    if "datatables_view" not in types:
        tk.get_action("resource_view_create")(dict(context), {
            "resource_id": resource["id"], "view_type": "datatables_view", "title": tk._("Table"),
        })
    if chart and "agen_chart_view" not in types:
        tk.get_action("resource_view_create")(dict(context), {
            "resource_id": resource["id"], "view_type": "agen_chart_view",
            "title": tk._("Hours exchanged per month"),
            "chart_type": "line", "category": "month", "value": "hours",
            "aggregation": "sum", "sort": "category", "limit": CHART_MONTHS,
        })


def ensure_resources(context: Context) -> dict[str, dict[str, Any]]:
    """Return the dataset's two tables by part, creating what is missing."""
    dataset = ensure_dataset(context)
    found = _part_resources(dataset)
    tables = {}
    for part in PARTS:
        schema = _schema_resource(context, dataset, part, found.get(f"{part}_schema"))
        table = _table_resource(context, dataset, part, found.get(part), schema["url"])
        _ensure_views(context, table, chart=part == "totals")
        tables[part] = table
    return tables


def replace_month(
    context: Context, tables: dict[str, dict[str, Any]], month: str,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    """Replace the rows of ``month`` in both tables with ``rows``."""
    for part, resource in tables.items():
        tk.get_action("datastore_delete")(dict(context), {
            "resource_id": resource["id"], "filters": {"month": month}, "force": True,
        })
        if rows[part]:
            # The primary key makes a concurrent run update these rows
            # rather than add a second copy.
            tk.get_action("datastore_upsert")(dict(context), {
                "resource_id": resource["id"], "records": rows[part],
                "method": "upsert", "force": True,
            })
