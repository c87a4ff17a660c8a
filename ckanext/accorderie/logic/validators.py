"""Validators and converters of the accorderie plugin.

Registered with ``tk.blanket.validators``, so schemas receive them by name
through ``validator_args``.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.lib import i18n
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckan.lib.navl.dictization_functions import missing

from ckan import model

from .. import model as acc_model
from .. import stats

# parse_duration is not listed: it is a helper, not a validator.
__all__ = [
    "accorderie_months",
    "accorderie_duration",
    "accorderie_default_hours",
    "accorderie_settings_consistent",
    "accorderie_minutes",
    "accorderie_choice",
    "accorderie_neighbourhood_list",
    "accorderie_category_exists",
    "accorderie_accorderie_id_exists",
    "accorderie_date",
    "accorderie_month",
    "accorderie_stats_month_or_all",
    "accorderie_service_exists",
    "accorderie_dataset_list",
    "accorderie_latitude",
    "accorderie_longitude",
    "accorderie_email_unused",
    "accorderie_note_text",
    "accorderie_language",
    "accorderie_display_name",
]

# Maximum length of a person's name that staff may register, the same as
# the maximum length of a CKAN user name.
DISPLAY_NAME_MAX = 100

# "1h30", "1 h 30", "2h", "1h30min"
_HOURS_MINUTES = re.compile(r"^(\d+)\s*h\s*(?:(\d{1,2})\s*(?:min|mn)?)?$", re.IGNORECASE)
# "90 min", "90min", "90 mn"
_MINUTES = re.compile(r"^(\d+)\s*(?:min|mn|minutes?)$", re.IGNORECASE)
# "1,5", "1.5", "2": hours
_DECIMAL_HOURS = re.compile(r"^(\d+(?:[.,]\d+)?)$")


def parse_duration(value: Any) -> int:
    """Parse a duration written by a person into whole minutes.

    A bare number is hours, with a comma or a dot as decimal separator
    (``1,5``); ``1h30``, ``1 h 30`` and ``90 min`` are also accepted.

    :raises tk.Invalid: with a translated message when the value is not a
        duration, is zero or negative, or is not a whole number of minutes.
    """
    if isinstance(value, bool):
        raise tk.Invalid(_duration_format_message())
    if isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise tk.Invalid(_duration_format_message())

    if text.startswith("-"):
        raise tk.Invalid(tk._("The duration must be more than zero."))

    match = _HOURS_MINUTES.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if minutes >= 60:
            raise tk.Invalid(
                tk._("The minutes of a duration must be below 60, as in 1h30.")
            )
        total = hours * 60 + minutes
    else:
        total = _parse_minutes_or_hours(text)

    if total <= 0:
        raise tk.Invalid(tk._("The duration must be more than zero."))
    return total


def _parse_minutes_or_hours(text: str) -> int:
    match = _MINUTES.match(text)
    if match:
        return int(match.group(1))

    match = _DECIMAL_HOURS.match(text)
    if not match:
        raise tk.Invalid(_duration_format_message())
    try:
        minutes = Decimal(match.group(1).replace(",", ".")) * 60
    except InvalidOperation:
        raise tk.Invalid(_duration_format_message())
    if minutes != minutes.to_integral_value():
        raise tk.Invalid(tk._("The duration must be a whole number of minutes."))
    return int(minutes)


def _duration_format_message() -> str:
    return tk._("The duration is not valid: write it as 1,5 or 1h30 or 90 min.")


def accorderie_duration(value: Any, context: Context) -> int:
    """Convert a duration such as ``1h30`` into minutes (see parse_duration)."""
    return parse_duration(value)


def accorderie_default_hours(option: str) -> Callable[..., None]:
    """Return a validator that fills a missing setting, in minutes, from the
    config ``option``, given in hours and read at call time."""

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        if data.get(key) in (None, "", missing):
            data[key] = tk.config[option] * 60

    return validator


def accorderie_settings_consistent(
    key: FlattenKey,
    data: FlattenDataDict,
    errors: FlattenErrorDict,
    context: Context,
) -> None:
    """Check that the balance limits of an accorderie make sense together.

    Runs after the fields are converted: the lowest balance may not exceed
    zero nor the highest, and a new member's opening credit must fit.
    """
    low = data.get(("min_balance",))
    high = data.get(("max_balance",))
    credit = data.get(("opening_credit",))
    if not all(isinstance(v, int) for v in (low, high, credit)):
        return

    if low > 0:
        errors[("min_balance",)].append(
            tk._("The lowest balance must be zero or less.")
        )
    if high < credit:
        errors[("max_balance",)].append(
            tk._("The highest balance must be at least the opening credit.")
        )
    if low > high:
        errors[("min_balance",)].append(
            tk._("The lowest balance must not exceed the highest balance.")
        )


def accorderie_minutes(value: Any, context: Context) -> int:
    """Convert a whole number of minutes, which may be zero or negative."""
    if isinstance(value, bool):
        raise tk.Invalid(tk._("Enter a whole number of minutes."))
    try:
        return int(str(value).strip())
    except ValueError:
        raise tk.Invalid(tk._("Enter a whole number of minutes."))


def accorderie_choice(choices: Iterable[str]) -> Callable[[Any, Context], Any]:
    """Return a validator that accepts only one of ``choices``."""
    allowed = tuple(choices)

    def validator(value: Any, context: Context) -> Any:
        if value not in allowed:
            raise tk.Invalid(
                tk._("The value {value} is not allowed: choose one of {choices}.").format(
                    value=value, choices=", ".join(allowed)
                )
            )
        return value

    return validator


def accorderie_neighbourhood_list(value: Any, context: Context) -> list[str]:
    """Convert a list, or a comma-separated string, into neighbourhood names."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise tk.Invalid(tk._("Give the neighbourhoods as a list of names."))
    names = [v.strip() for v in value if v.strip()]
    if len(set(names)) != len(names):
        raise tk.Invalid(tk._("A neighbourhood is listed twice."))
    return names


def accorderie_category_exists(value: Any, context: Context) -> Any:
    """Check that ``value`` is the id of a category."""
    session = context["session"]
    if session.get(acc_model.Category, value) is None:
        raise tk.Invalid(
            tk._("The category {value} does not exist.").format(value=value)
        )
    return value


def accorderie_accorderie_id_exists(value: Any, context: Context) -> Any:
    """Convert an accorderie's name or id into its id."""
    session = context["session"]
    accorderie_id = session.execute(
        sa.select(acc_model.Accorderie.id)
        .where(sa.or_(acc_model.Accorderie.id == value, acc_model.Accorderie.name == value))
        .limit(1)
    ).scalar()
    if accorderie_id is None:
        raise tk.Invalid(
            tk._("The accorderie {value} does not exist.").format(value=value)
        )
    return accorderie_id


def accorderie_date(value: Any, context: Context) -> Any:
    """Convert a date into a ``datetime.date``: ISO 8601 (YYYY-MM-DD) or
    the French way, DD/MM/YYYY (also with ``-`` or ``.``)."""
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts = re.split(r"[/.-]", text)
    if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[2]) == 4:
        try:
            return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
    raise tk.Invalid(
        tk._("The date {value} is not valid: write it as DD/MM/YYYY or YYYY-MM-DD.").format(
            value=value
        )
    )


def accorderie_months(value: Any, context: Context) -> int:
    """Check that a number of months is between 1 and 120."""
    if not 1 <= int(value) <= 120:
        raise tk.Invalid(tk._("The number of months must be between 1 and 120."))
    return int(value)


def accorderie_month(value: Any, context: Context) -> str:
    """Check a finished month written YYYY-MM, e.g. ``2026-09``."""
    text = str(value).strip()
    if not stats.MONTH_PATTERN.match(text):
        raise tk.Invalid(
            tk._("The month {value} is not valid: write it as YYYY-MM, e.g. 2026-09.").format(
                value=value
            )
        )
    latest = stats.latest_complete_month()
    if text > latest:
        raise tk.Invalid(
            tk._("The month {value} is not over yet: the latest month that can be published is {latest}.").format(
                value=text, latest=latest
            )
        )
    return text


def accorderie_stats_month_or_all(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Require exactly one of ``month`` and ``all``."""
    month = data.get(("month",))
    every = data.get(("all",))
    has_month = month not in (None, missing, "")
    has_all = every not in (None, missing, "", False, "false", "False", "0")
    if has_month == has_all:
        errors.setdefault(("month",), []).append(
            tk._("Give either a month (YYYY-MM) or all, not both and not neither.")
        )


def accorderie_service_exists(value: Any, context: Context) -> Any:
    """Check that ``value`` is the id of a service."""
    if context["session"].get(acc_model.Service, value) is None:
        raise tk.Invalid(tk._("The service {value} does not exist.").format(value=value))
    return value


def accorderie_dataset_list(value: Any, context: Context) -> list[str]:
    """Convert a list, or a comma-separated string, into dataset ids or
    names; a missing value is an empty list."""
    if value is missing or value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise tk.Invalid(tk._("Give the datasets as a list of dataset names or ids."))
    return [v.strip() for v in value if v.strip()]


def _degrees(value: Any, low: float, high: float, message: str, missing_message: str) -> float:
    if value is missing or value is None or str(value).strip() == "":
        raise tk.Invalid(missing_message)
    if isinstance(value, bool):
        raise tk.Invalid(message)
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise tk.Invalid(message)
    if not low <= number <= high:
        raise tk.Invalid(message)
    return number


def accorderie_latitude(value: Any, context: Context) -> float:
    """Convert a WGS 84 latitude in degrees, between -90 and 90."""
    return _degrees(value, -90.0, 90.0, tk._(
        "The latitude {value} is not valid: give degrees between -90 and 90, e.g. 44.2033."
    ).format(value=value), tk._(
        "The latitude is missing: give degrees between -90 and 90, e.g. 44.2033."
    ))


def accorderie_longitude(value: Any, context: Context) -> float:
    """Convert a WGS 84 longitude in degrees, between -180 and 180."""
    return _degrees(value, -180.0, 180.0, tk._(
        "The longitude {value} is not valid: give degrees between -180 and 180, e.g. 0.6163."
    ).format(value=value), tk._(
        "The longitude is missing: give degrees between -180 and 180, e.g. 0.6163."
    ))


def accorderie_note_text(value: Any, context: Context) -> str:
    """Check that a staff note has at most ``ckanext.accorderie.note_max_length``
    characters."""
    text = str(value)
    maximum = tk.config.get("ckanext.accorderie.note_max_length")
    if len(text) > maximum:
        raise tk.Invalid(
            tk._("The note has {length} characters; the maximum is {maximum}. Shorten it.").format(
                length=len(text), maximum=maximum
            )
        )
    return text


def accorderie_language(value: Any, context: Context) -> str:
    """Check a locale code that the portal offers, e.g. ``fr`` or ``en``."""
    codes = i18n.get_locales()
    if value not in codes:
        raise tk.Invalid(
            tk._("The language {value} is not offered: choose one of {choices}.").format(
                value=value, choices=", ".join(codes)
            )
        )
    return value


def accorderie_display_name(value: Any, context: Context) -> str:
    """Check the name of a person: one letter at least, at most
    DISPLAY_NAME_MAX characters, spaces around it removed."""
    text = " ".join(str(value).split())
    if not any(character.isalpha() for character in text):
        raise tk.Invalid(tk._("Write the name of the person, with at least one letter."))
    if len(text) > DISPLAY_NAME_MAX:
        raise tk.Invalid(
            tk._("The name has {length} characters: shorten it to {maximum} at most.").format(
                length=len(text), maximum=DISPLAY_NAME_MAX
            )
        )
    return text


def accorderie_email_unused(value: Any, context: Context) -> Any:
    """Check that no active CKAN user has the e-mail address ``value``,
    whatever its letter case.

    CKAN's own ``email_is_unique`` raises the same error, with a message
    that CKAN's French catalogue does not translate.
    """
    if not value:
        return value

    owner = context["session"].execute(
        sa.select(model.User.id)
        .where(sa.func.lower(model.User.email) == str(value).lower(), model.User.state == "active")
        .limit(1)
    ).first()
    if owner is not None:
        raise tk.Invalid(
            tk._("The e-mail address {email} already belongs to an account of the portal.").format(
                email=value
            )
        )
    return value
