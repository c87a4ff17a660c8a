"""Schemas of the accorderie actions: one function per action.

Amounts of time in accorderie settings are whole minutes; exchanges take a
``duration`` written by a person (``1,5``, ``1h30``, ``90 min``).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from .. import model as acc_model


def validate(data_dict: DataDict, schema: Schema, context: Context) -> DataDict:
    """Return ``data_dict`` validated against ``schema``, or raise
    ``ValidationError`` with every field's errors."""
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


__all__ = [
    "accorderie_create_schema",
    "accorderie_update_schema",
    "accorderie_patch_schema",
    "category_create_schema",
    "member_apply_schema",
    "member_update_schema",
    "member_patch_schema",
    "membership_list_schema",
    "member_approve_schema",
    "member_register_schema",
    "member_decline_schema",
    "member_list_schema",
    "member_statement_schema",
    "service_create_schema",
    "service_update_schema",
    "service_patch_schema",
    "service_list_schema",
    "exchange_create_schema",
    "exchange_list_schema",
    "exchange_close_schema",
    "ledger_audit_schema",
    "report_show_schema",


    "stats_publish_schema",
    "service_dataset_update_schema",
    "dataset_service_list_schema",
    "neighbourhood_point_update_schema",
    "neighbourhood_point_list_schema",
    "neighbourhood_map_show_schema",
    "meeting_place_list_schema",
    "member_note_create_schema",
    "member_note_list_schema",
    "member_note_delete_schema",
    "member_balance_history_schema",
    "member_account_show_schema",
]


@validator_args
def accorderie_create_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    name_validator: Validator,
    boolean_validator: Validator,
    default: ValidatorFactory,
    accorderie_minutes: Validator,
    accorderie_default_hours: ValidatorFactory,
    accorderie_neighbourhood_list: Validator,
    accorderie_settings_consistent: Validator,
) -> Schema:
    return {
        "name": [not_empty, unicode_safe, name_validator],
        "title": [not_empty, unicode_safe],
        "opening_credit": [
            accorderie_default_hours("ckanext.accorderie.default_opening_credit_hours"),
            accorderie_minutes,
        ],
        "min_balance": [
            accorderie_default_hours("ckanext.accorderie.default_min_balance_hours"),
            accorderie_minutes,
        ],
        "max_balance": [
            accorderie_default_hours("ckanext.accorderie.default_max_balance_hours"),
            accorderie_minutes,
        ],
        "max_exchange": [
            accorderie_default_hours("ckanext.accorderie.default_max_exchange_hours"),
            accorderie_minutes,
        ],
        "neighbourhoods": [default([]), accorderie_neighbourhood_list],
        "self_recording": [default(True), boolean_validator],
        "__after": [accorderie_settings_consistent],
    }


@validator_args
def accorderie_update_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    schema = accorderie_create_schema()
    schema["id"] = [not_empty, unicode_safe]
    return schema


@validator_args
def accorderie_patch_schema(ignore_missing: Validator) -> Schema:
    # A patch starts from the stored values, so every field is already set.
    return accorderie_update_schema()


@validator_args
def category_create_schema(
    not_empty: Validator, unicode_safe: Validator, name_validator: Validator
) -> Schema:
    return {
        "id": [not_empty, unicode_safe, name_validator],
        "label_fr": [not_empty, unicode_safe],
        "label_en": [not_empty, unicode_safe],
    }


def _member_profile_fields(
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    accorderie_choice: ValidatorFactory,
    accorderie_language: Validator,
) -> Schema:
    visibility = [default("staff"), accorderie_choice(acc_model.VISIBILITIES)]
    return {
        "neighbourhood": [ignore_missing, unicode_safe],
        "skills": [ignore_missing, unicode_safe],
        "availability": [ignore_missing, unicode_safe],
        "email": [ignore_missing, unicode_safe],
        "email_visibility": list(visibility),
        "phone": [ignore_missing, unicode_safe],
        "phone_visibility": list(visibility),
        "address": [ignore_missing, unicode_safe],
        "address_visibility": list(visibility),
        "language": [ignore_missing, accorderie_language],
    }


@validator_args
def member_apply_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    email_validator: Validator,
    accorderie_choice: ValidatorFactory,
    accorderie_accorderie_id_exists: Validator,
    accorderie_language: Validator,
) -> Schema:
    schema = _member_profile_fields(
        ignore_missing, unicode_safe, default, accorderie_choice, accorderie_language
    )
    schema["email"].append(email_validator)
    schema["accorderie_id"] = [not_empty, unicode_safe, accorderie_accorderie_id_exists]
    return schema


@validator_args
def member_update_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    email_validator: Validator,
    accorderie_choice: ValidatorFactory,
    accorderie_date: Validator,
    accorderie_language: Validator,
) -> Schema:
    schema = _member_profile_fields(
        ignore_missing, unicode_safe, default, accorderie_choice, accorderie_language
    )
    schema["email"].append(email_validator)
    schema["id"] = [not_empty, unicode_safe]
    # Staff-only fields; the action rejects them from anybody else.
    schema["state"] = [ignore_missing, accorderie_choice(acc_model.MEMBER_STATES)]
    schema["role"] = [ignore_missing, accorderie_choice(acc_model.MEMBER_ROLES)]
    schema["orientation_date"] = [ignore_missing, accorderie_date]
    return schema


@validator_args
def member_patch_schema() -> Schema:
    return member_update_schema()


@validator_args
def membership_list_schema() -> Schema:
    """The caller's memberships take no parameter."""
    return {}


@validator_args
def member_approve_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    accorderie_date: Validator,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "orientation_date": [ignore_missing, accorderie_date],
    }


@validator_args
def member_register_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    accorderie_date: Validator,
    accorderie_display_name: Validator,
    accorderie_email_unused: Validator,
) -> Schema:
    """Return the application's schema with the person's name and the
    orientation date, because staff register and approve in one step. The
    e-mail address, which becomes the new user's, is checked with the rest
    so that every error shows at once."""
    schema = member_apply_schema()
    schema["display_name"] = [not_empty, unicode_safe, accorderie_display_name]
    schema["orientation_date"] = [ignore_missing, accorderie_date]
    schema["email"] = schema["email"] + [accorderie_email_unused]
    return schema


@validator_args
def member_decline_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "reason": [not_empty, unicode_safe]}


def _pagination(
    ignore_missing: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    return {
        "limit": [
            default(20),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.accorderie.list_limit_max", 100),
        ],
        "offset": [default(0), natural_number_validator],
    }


@validator_args
def member_list_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
    accorderie_choice: ValidatorFactory,
    accorderie_accorderie_id_exists: Validator,
) -> Schema:
    schema = _pagination(
        ignore_missing, default, natural_number_validator, limit_to_configured_maximum
    )
    schema["accorderie_id"] = [not_empty, unicode_safe, accorderie_accorderie_id_exists]
    schema["state"] = [ignore_missing, accorderie_choice(acc_model.MEMBER_STATES)]
    schema["q"] = [ignore_missing, unicode_safe]
    return schema


@validator_args
def member_statement_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    schema = _pagination(
        ignore_missing, default, natural_number_validator, limit_to_configured_maximum
    )
    schema["id"] = [not_empty, unicode_safe]
    return schema


@validator_args
def service_create_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    accorderie_choice: ValidatorFactory,
    accorderie_category_exists: Validator,
    accorderie_date: Validator,
    boolean_validator: Validator,
) -> Schema:
    return {
        "member_id": [not_empty, unicode_safe],
        "type": [not_empty, accorderie_choice(acc_model.SERVICE_TYPES)],
        "title": [not_empty, unicode_safe],
        "description": [default(""), unicode_safe],
        "category_id": [not_empty, unicode_safe, accorderie_category_exists],
        "neighbourhood": [ignore_missing, unicode_safe],
        "availability": [ignore_missing, unicode_safe],
        "status": [default("draft"), accorderie_choice(acc_model.SERVICE_STATUSES)],
        "expires": [ignore_missing, accorderie_date],
        "not_my_profession": [default(False), boolean_validator],
    }


@validator_args
def service_update_schema(not_empty: Validator, unicode_safe: Validator, ignore: Validator) -> Schema:
    schema = service_create_schema()
    schema["id"] = [not_empty, unicode_safe]
    # A service never changes owner.
    schema["member_id"] = [ignore]
    return schema


@validator_args
def service_patch_schema() -> Schema:
    return service_update_schema()


# Orders of accorderie_service_list: newest first (created, then id), or by
# relevance to ``q``.
SERVICE_LIST_SORTS = ("newest", "relevance")


@validator_args
def service_list_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
    accorderie_choice: ValidatorFactory,
) -> Schema:
    schema = _pagination(
        ignore_missing, default, natural_number_validator, limit_to_configured_maximum
    )
    schema.update({
        # The action resolves the name in its query, and checks that the
        # accorderie exists only when nothing matches.
        "accorderie_id": [ignore_missing, unicode_safe],
        "type": [ignore_missing, accorderie_choice(acc_model.SERVICE_TYPES)],
        "category_id": [ignore_missing, unicode_safe],
        "neighbourhood": [ignore_missing, unicode_safe],
        "member_id": [ignore_missing, unicode_safe],
        "status": [ignore_missing, accorderie_choice(acc_model.SERVICE_STATUSES)],
        "q": [ignore_missing, unicode_safe],
        "sort": [default("newest"), accorderie_choice(SERVICE_LIST_SORTS)],
    })
    return schema


@validator_args
def exchange_create_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    accorderie_duration: Validator,
    accorderie_date: Validator,
) -> Schema:
    return {
        "provider_id": [not_empty, unicode_safe],
        "receiver_id": [not_empty, unicode_safe],
        "service_id": [ignore_missing, unicode_safe],
        "exchange_date": [not_empty, accorderie_date],
        "duration": [not_empty, accorderie_duration],
        "note": [ignore_missing, unicode_safe],
    }


@validator_args
def exchange_list_schema(
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
    accorderie_choice: ValidatorFactory,
    accorderie_accorderie_id_exists: Validator,
) -> Schema:
    schema = _pagination(
        ignore_missing, default, natural_number_validator, limit_to_configured_maximum
    )
    schema["accorderie_id"] = [ignore_missing, unicode_safe, accorderie_accorderie_id_exists]
    schema["member_id"] = [ignore_missing, unicode_safe]
    schema["state"] = [ignore_missing, accorderie_choice(acc_model.EXCHANGE_STATES)]
    return schema


@validator_args
def exchange_close_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    """Schema of confirm, reject, cancel and reverse: only the exchange id."""
    return {"id": [not_empty, unicode_safe]}


@validator_args
def ledger_audit_schema(
    ignore_missing: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    list_of_strings: Validator,
) -> Schema:
    return {
        "invariants": [ignore_missing, list_of_strings],
        "max_ids": [default(100), natural_number_validator],
    }


@validator_args
def report_show_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    int_validator: Validator,
    accorderie_accorderie_id_exists: Validator,
    accorderie_months: Validator,
) -> Schema:
    return {
        "accorderie_id": [not_empty, unicode_safe, accorderie_accorderie_id_exists],
        "months": [default(12), int_validator, accorderie_months],
    }


@validator_args
def stats_publish_schema(
    ignore_missing: Validator,
    default: ValidatorFactory,
    boolean_validator: Validator,
    accorderie_month: Validator,
    accorderie_stats_month_or_all: Validator,
) -> Schema:
    return {
        "month": [ignore_missing, accorderie_month],
        "all": [default(False), boolean_validator],
        "__before": [accorderie_stats_month_or_all],
    }


@validator_args
def service_dataset_update_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    accorderie_service_exists: Validator,
    accorderie_dataset_list: Validator,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe, accorderie_service_exists],
        "datasets": [accorderie_dataset_list],
    }


@validator_args
def dataset_service_list_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "limit": [
            default(20),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.accorderie.list_limit_max", 100),
        ],
    }


@validator_args
def neighbourhood_point_update_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    strip_value: Validator,
    default: ValidatorFactory,
    accorderie_accorderie_id_exists: Validator,
    accorderie_latitude: Validator,
    accorderie_longitude: Validator,
) -> Schema:
    return {
        "accorderie_id": [not_empty, unicode_safe, accorderie_accorderie_id_exists],
        "points": {
            "neighbourhood": [not_empty, unicode_safe, strip_value],
            "latitude": [accorderie_latitude],
            "longitude": [accorderie_longitude],
        },
    }


@validator_args
def neighbourhood_point_list_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    accorderie_accorderie_id_exists: Validator,
) -> Schema:
    return {"accorderie_id": [not_empty, unicode_safe, accorderie_accorderie_id_exists]}


@validator_args
def neighbourhood_map_show_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    accorderie_accorderie_id_exists: Validator,
) -> Schema:
    return {"accorderie_id": [not_empty, unicode_safe, accorderie_accorderie_id_exists]}


@validator_args
def meeting_place_list_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
    accorderie_service_exists: Validator,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe, accorderie_service_exists],
        "limit": [
            default(3),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.accorderie.list_limit_max", 100),
        ],
    }


@validator_args
def member_note_create_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    strip_value: Validator,
    accorderie_note_text: Validator,
) -> Schema:
    return {
        "member_id": [not_empty, unicode_safe],
        # not_empty again after stripping, so a note of blanks is missing too.
        "text": [not_empty, unicode_safe, strip_value, not_empty, accorderie_note_text],
    }


@validator_args
def member_note_list_schema(
    not_empty: Validator,
    ignore_missing: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    schema = _pagination(
        ignore_missing, default, natural_number_validator, limit_to_configured_maximum
    )
    schema["member_id"] = [not_empty, unicode_safe]
    return schema


@validator_args
def member_note_delete_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


@validator_args
def member_balance_history_schema(
    not_empty: Validator,
    unicode_safe: Validator,
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "limit": [
            default(100),
            natural_number_validator,
            limit_to_configured_maximum("ckanext.accorderie.list_limit_max", 100),
        ],
    }


@validator_args
def member_account_show_schema(
    default: ValidatorFactory,
    natural_number_validator: Validator,
    limit_to_configured_maximum: ValidatorFactory,
) -> Schema:
    """Return the statement's schema with ``chart_limit``, the number of
    latest entries drawn on the balance chart."""
    schema = member_statement_schema()
    schema["chart_limit"] = [
        default(100),
        natural_number_validator,
        limit_to_configured_maximum("ckanext.accorderie.list_limit_max", 100),
    ]
    return schema
