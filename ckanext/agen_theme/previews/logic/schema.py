"""Schemas of the previews' actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator

__all__ = ["agen_previews_chart_data_show", "agen_previews_map_points_list"]


@validator_args
def agen_previews_chart_data_show(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator,
    one_of: Validator, int_validator: Validator, limit_to_configured_maximum: Validator,
    default: Validator, is_positive_integer: Validator,
) -> Schema:
    return {
        "resource_id": [not_empty, unicode_safe],
        "category": [not_empty, unicode_safe],
        "value": [ignore_missing, unicode_safe],
        "aggregation": [default("sum"), one_of(["sum", "count", "mean"])],
        "sort": [default("value_desc"), one_of(["value_desc", "value_asc", "category"])],
        "limit": [default(20), int_validator, is_positive_integer,
                  limit_to_configured_maximum("ckanext.agen_previews.chart_max_categories", 100)],
    }


@validator_args
def agen_previews_map_points_list(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"resource_id": [not_empty, unicode_safe]}
