"""Validators of the Agen dataset schema, named in ``schemas/dataset.yaml``.

Each error message names the field it is about, because the API returns
the messages without the form's labels next to them.
"""
from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import shapely.geometry

from ckanext.scheming import helpers as scheming_helpers
from ckanext.scheming.validation import scheming_validator

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Validator

__all__ = [
    "agen_theme_contact_emails_unique",
    "agen_theme_email",
    "agen_theme_end_not_before_start",
    "agen_theme_french_date",
    "agen_theme_geojson_geometry",
    "agen_theme_insee_code",
    "agen_theme_siret",
    "agen_theme_tag_name",
    "agen_theme_tag_string_convert",
]

GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")

# A light check: a local part, one "@", a domain with at least one dot.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Commune (5 characters, Corsica 2A/2B), department (2 or 3) or region (2).
INSEE_CODE_PATTERN = re.compile(r"^(\d{2,3}|2[AB]|\d{5}|2[AB]\d{3})$")

# CKAN's own tag characters plus the apostrophes of French ("qualité de l'air").
TAG_NAME_PATTERN = re.compile(r"^[\w \-.'\u2019]*$", re.UNICODE)

FRENCH_DATE_PATTERN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

# La Poste's SIREN. INSEE numbers its establishments so that the sum of the
# 14 digits of the SIRET is a multiple of 5, so most of them fail Luhn.
LA_POSTE_SIREN = "356000000"


def _luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _la_poste_siret_is_valid(siret: str) -> bool:
    return siret.startswith(LA_POSTE_SIREN) and sum(int(char) for char in siret) % 5 == 0


def agen_theme_siret(value: Any, context: Context) -> Any:
    """Check a SIRET: 14 digits (spaces allowed) that pass the Luhn check.

    An establishment of La Poste (SIREN 356000000) passes with either
    Luhn or INSEE's rule for La Poste: the sum of its digits is a multiple
    of 5. The SIRET is returned as a string of 14 digits, so leading zeros
    stay.
    """
    if value is None or value == "":
        return value

    siret = re.sub(r"\s", "", str(value))
    if not re.fullmatch(r"\d{14}", siret):
        raise tk.Invalid(
            tk._("Producer SIRET: expected 14 digits, got \"{value}\".").format(value=value)
        )

    if not _luhn_is_valid(siret) and not _la_poste_siret_is_valid(siret):
        raise tk.Invalid(
            tk._(
                "Producer SIRET: {value} fails the Luhn check digit test; "
                "check the number in the SIRENE register."
            ).format(value=siret)
        )
    return siret


def agen_theme_email(value: Any, context: Context) -> Any:
    """Check that a contact e-mail address looks like one."""
    if value is None or value == "":
        return value
    if not EMAIL_PATTERN.match(str(value)):
        raise tk.Invalid(
            tk._("E-mail: \"{value}\" is not a valid e-mail address.").format(value=value)
        )
    return value


def agen_theme_insee_code(value: Any, context: Context) -> Any:
    """Check an INSEE code of a commune, department or region."""
    if value is None or value == "":
        return value
    code = str(value).strip().upper()
    if not INSEE_CODE_PATTERN.match(code):
        raise tk.Invalid(
            tk._(
                "INSEE code: \"{value}\" is not a commune (5 characters), "
                "department or region code."
            ).format(value=value)
        )
    return code


def parse_date(value: Any) -> datetime.date:
    """Parse a date typed as ``31/12/2024`` or ``2024-12-31``.

    :raises ValueError: if the text is neither form or not a real date
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value

    text = str(value).strip()
    french = FRENCH_DATE_PATTERN.match(text)
    if french:
        day, month, year = (int(part) for part in french.groups())
        return datetime.date(year, month, day)
    return datetime.date.fromisoformat(text)


def _field_label(field: dict[str, Any]) -> str:
    """Return the field's label in the request's language, or in English."""
    label = field.get("label") or field["field_name"]
    try:
        return scheming_helpers.scheming_language_text(label)
    except RuntimeError:
        # Outside a web request (command line, background job) gettext
        # returns the English messages, so the label is English too.
        return scheming_helpers.scheming_language_text(label, "en")


@scheming_validator
def agen_theme_french_date(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Accept a date as ``DD/MM/YYYY`` or ISO 8601 and store it as ISO.

    A scheming validator factory, so that the error names the field.
    """

    def validator(value: Any, context: Context) -> Any:
        if value is None or value == "":
            return value
        try:
            return parse_date(value).isoformat()
        except ValueError:
            label = _field_label(field)
            raise tk.Invalid(
                tk._("{field}: \"{value}\" is not a valid date; type it as DD/MM/YYYY.").format(
                    field=label, value=value
                )
            )

    return validator


def agen_theme_end_not_before_start(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Reject a temporal coverage that ends before it starts."""
    end = data.get(key)
    start = data.get(("temporal_start",))
    if not end or not start or errors.get(("temporal_start",)):
        return
    try:
        start_date = parse_date(start)
        end_date = parse_date(end)
    except ValueError:
        # The date validators of each field report the bad text.
        return
    if end_date < start_date:
        errors[key].append(
            tk._(
                "Temporal coverage end: {end} is before the start, {start}."
            ).format(end=end_date.strftime("%d/%m/%Y"), start=start_date.strftime("%d/%m/%Y"))
        )


def _positions_are_valid(positions: Any) -> bool:
    if not isinstance(positions, list) or not positions:
        return False
    for position in positions:
        if not isinstance(position, list) or len(position) not in (2, 3):
            return False
        for number in position:
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                return False
            if not math.isfinite(number):
                return False
        longitude, latitude = position[0], position[1]
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            return False
    return True


def _polygon_problem(rings: Any) -> str | None:
    """Return what is wrong with the coordinates of a Polygon, or None."""
    if not isinstance(rings, list) or not rings:
        return tk._("a Polygon needs at least one ring of positions")
    for ring in rings:
        if not _positions_are_valid(ring):
            return tk._("each position must be [longitude, latitude] in degrees")
        if len(ring) < 4:
            return tk._("a ring needs at least 4 positions")
        if ring[0] != ring[-1]:
            return tk._("a ring must be closed: its last position must repeat the first")
    return None


def _geometry_problem(geometry: Any) -> str | None:
    """Return what is wrong with a GeoJSON geometry, or None."""
    if not isinstance(geometry, dict):
        return tk._("expected a GeoJSON object")

    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return tk._("the type must be Point, Polygon or MultiPolygon, not {kind}").format(
            kind=kind
        )

    coordinates = geometry.get("coordinates")
    if kind == "Point":
        if not _positions_are_valid([coordinates]):
            return tk._("a Point needs [longitude, latitude] in degrees")
        return None
    if kind == "Polygon":
        return _polygon_problem(coordinates)

    if not isinstance(coordinates, list) or not coordinates:
        return tk._("a MultiPolygon needs at least one polygon")
    for polygon in coordinates:
        problem = _polygon_problem(polygon)
        if problem:
            return problem
    return None


def agen_theme_geojson_geometry(value: Any, context: Context) -> Any:
    """Check a GeoJSON Point, Polygon or MultiPolygon and store it compact.

    ckanext-spatial indexes this field; a value it cannot read would make
    the dataset invisible to spatial search, so it is rejected here.
    """
    if value is None or value == "":
        return value

    if isinstance(value, dict):
        geometry = value
    else:
        try:
            geometry = json.loads(str(value))
        except ValueError:
            raise tk.Invalid(
                tk._(
                    "Spatial coverage: the value is not GeoJSON. Give a geometry such as "
                    "{\"type\": \"Point\", \"coordinates\": [0.6166, 44.2033]}."
                )
            )

    problem = _geometry_problem(geometry)
    if problem is None and not shapely.geometry.shape(geometry).is_valid:
        problem = tk._("the geometry is not valid (for example, a ring crosses itself)")
    if problem:
        raise tk.Invalid(
            tk._("Spatial coverage: invalid GeoJSON geometry: {problem}.").format(problem=problem)
        )

    clean = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    return json.dumps(clean, separators=(",", ":"))


def agen_theme_contact_emails_unique(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Reject two contact points with the same e-mail address, on the group.

    Runs on the whole dataset as a scheming ``after_validators`` entry,
    because a subfield's validators see only their own entry. Addresses are
    compared without case and surrounding spaces. The error is keyed on
    ``contact``, so ``error_dict["contact"]`` is a list of messages.
    """
    email_keys = sorted(
        (flat_key for flat_key in data if len(flat_key) == 3
         and flat_key[0] == "contact" and flat_key[2] == "email"),
        key=lambda flat_key: int(flat_key[1]),
    )
    first_entry_by_address: dict[str, int] = {}
    duplicate: tuple[int, int, FlattenKey, str] | None = None
    for position, flat_key in enumerate(email_keys, start=1):
        value = data[flat_key]
        if not value or not isinstance(value, str):
            continue
        address = value.strip().casefold()
        if address in first_entry_by_address:
            duplicate = (first_entry_by_address[address], position, flat_key, value.strip())
            break
        first_entry_by_address[address] = position
    if duplicate is None:
        return

    first_position, second_position, second_key, email = duplicate
    message = tk._(
        "Contact points: entries {first} and {second} have the same e-mail "
        "address, {email}. Give each contact point its own address."
    ).format(first=first_position, second=second_position, email=email)

    # CKAN's unflatten() cannot build a list of messages for "contact" and
    # a list of entries with their own errors under the same key. When an
    # entry already has an error, the duplicate is reported on that entry's
    # e-mail instead, the shape scheming's form shows next to the field.
    entry_error_keys = [
        flat_key for flat_key in errors if len(flat_key) > 1 and flat_key[0] == "contact"
    ]
    if any(errors[flat_key] for flat_key in entry_error_keys):
        errors.setdefault(second_key, []).append(message)
        return
    for flat_key in entry_error_keys:
        del errors[flat_key]
    errors.setdefault(("contact",), []).append(message)


def agen_theme_tag_name(value: Any, context: Context) -> Any:
    """Check a tag name: CKAN's characters, plus ASCII and typographic apostrophes.

    The plugin also registers this function as ``tag_name_validator``, so
    that CKAN's default tag schema accepts "qualité de l'air" too.
    """
    if not TAG_NAME_PATTERN.match(value):
        raise tk.Invalid(
            tk._(
                "Tag \"{value}\": use only letters, digits, spaces, apostrophes "
                "and the characters - _ ."
            ).format(value=value)
        )
    return value


def agen_theme_tag_string_convert(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Split a comma-separated tag string into tags, like CKAN's converter.

    CKAN's ``tag_string_convert`` calls its own tag name check directly, so
    this copy of its behaviour is needed for the apostrophe to pass.
    """
    value = data.get(key)
    if isinstance(value, str):
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
    else:
        tags = list(value or [])

    indexes = [int(flat[1]) for flat in data if len(flat) == 3 and flat[0] == "tags"]
    first = max(indexes, default=-1) + 1
    for number, tag in enumerate(tags, start=first):
        data[("tags", number, "name")] = tag

    tag_length_validator = tk.get_validator("tag_length_validator")
    for tag in tags:
        tag_length_validator(tag, context)
        agen_theme_tag_name(tag, context)
