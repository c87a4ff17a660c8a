"""Template helpers of the accorderie plugin."""
from __future__ import annotations

import functools
import logging
import re
import time
from typing import Any, Callable, Optional

from babel import Locale
from flask_babel import get_locale, pgettext

import ckan.plugins.toolkit as tk
from ckan.lib import formatters

from . import neighbourhoods

__all__ = [
    "accorderie_format_minutes",
    "accorderie_categories",
    "accorderie_category_label",
    "accorderie_status_label",
    "accorderie_state_label",
    "accorderie_exchange_button_label",
    "accorderie_chart",
    "accorderie_dataset_offers",
    "accorderie_neighbourhood_map",
    "accorderie_service_datasets",
    "accorderie_meeting_places",
    "accorderie_format_distance",
    "accorderie_format_date",
    "accorderie_time_received_label",
]

log = logging.getLogger(__name__)

# The balance chart's drawing, in SVG units: a gutter on the left for the
# balances' labels, the plot, a margin above it and a band below it for
# the dates, and the least height between two balance labels.
CHART_WIDTH = 600
CHART_GUTTER = 130
CHART_HEIGHT = 200
CHART_TOP = 16
CHART_BOTTOM = 44
CHART_LABEL_SPACING = 28


def _visitor_context() -> dict[str, Any]:
    """Return an action context for the current visitor ("" when anonymous)."""
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def accorderie_format_minutes(minutes: int) -> str:
    """Format a signed number of minutes for people: ``1 h 30``, ``-2 h``,
    ``45 min``."""
    return _format_minutes(minutes, str(get_locale()))


# A statement page formats the same few values many times, so results are
# kept per value and locale. The locale is Babel's current one, which
# mail.py forces to the recipient's language.
@functools.lru_cache(maxsize=4096)
def _format_minutes(minutes: int, locale: str) -> str:
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return tk._("{sign}{hours} h {minutes:02d}").format(sign=sign, hours=hours, minutes=rest)
    if hours:
        return tk._("{sign}{hours} h").format(sign=sign, hours=hours)
    return tk._("{sign}{minutes} min").format(sign=sign, minutes=rest)


def accorderie_format_date(value: Any) -> str:
    """Format a date or an ISO date string as CKAN's ``render_datetime``
    does (``5 décembre 2026``), with French's ordinal for the first day of
    a month (``1er décembre 2026``). Results are kept per value and
    locale."""
    if value is None:
        return ""
    return _format_date(str(value), str(get_locale()))


# The day that opens Babel's long French date ("1 décembre 2026"). French
# typography writes the first day of a month as an ordinal, "1er", and
# every other day as a cardinal.
FRENCH_FIRST_DAY = re.compile(r"^1(?=\s)")


@functools.lru_cache(maxsize=4096)
def _format_date(value: str, locale: str) -> str:
    text = tk.h.render_datetime(value)
    # The day is read from the rendered text, not from the value, because
    # render_datetime first moves a datetime into ckan.display_timezone.
    if Locale.parse(locale).language == "fr":
        text = FRENCH_FIRST_DAY.sub("1er", text)
    return text


# First letters before which French writes "d'" for "de": vowels (not y,
# as in "de Yves") and h, which is mute in most first names (d'Hélène).
ELIDING_LETTERS = frozenset("aeiouhàâäéèêëîïôöùûü")


def accorderie_time_received_label(name: str) -> str:
    """Return "Time received from <name>" for a statement row. A name that
    starts with a vowel sound gets its own translation, so that French
    writes "Temps reçu d'Alice" and not "de Alice"."""
    if name[:1].lower() in ELIDING_LETTERS:
        return pgettext("before a vowel", "Time received from {name}").format(name=name)
    return tk._("Time received from {name}").format(name=name)


# Categories change only when a sysadmin adds one, so each process keeps
# them this many seconds instead of reading them for every page. Another
# process shows a new category at most this late.
CATEGORY_CACHE_SECONDS = 60
_category_cache: dict[str, Any] = {"expires": 0.0, "rows": []}


def accorderie_categories() -> list[dict[str, Any]]:
    """Return the service categories, cached in the process."""
    now = time.monotonic()
    if now >= _category_cache["expires"]:
        rows = tk.get_action("accorderie_category_list")({}, {})
        _category_cache.update(expires=now + CATEGORY_CACHE_SECONDS, rows=rows)
    return _category_cache["rows"]


def clear_category_cache() -> None:
    """Forget the cached categories, e.g. after one was added."""
    _category_cache.update(expires=0.0, rows=[])


def accorderie_category_label(categories: list[dict[str, Any]], category_id: Optional[str]) -> str:
    """Return the label of a category in the page's language."""
    for category in categories:
        if category["id"] == category_id:
            return category["label_fr"] if tk.h.lang() == "fr" else category["label_en"]
    return category_id or ""


def accorderie_status_label(status: str) -> str:
    """Return the label of a service's status."""
    labels = {
        "draft": tk._("draft"),
        "published": tk._("published"),
        "closed": tk._("closed"),
        "hidden": tk._("hidden by the staff"),
    }
    return labels.get(status, status)


def accorderie_state_label(state: str) -> str:
    """Return the label of a member's state."""
    labels = {
        "applicant": tk._("applicant"),
        "active": tk._("active"),
        "suspended": tk._("suspended"),
        "left": tk._("left"),
    }
    return labels.get(state, state)


def accorderie_exchange_button_label(button: str) -> str:
    """Return the label of a button that closes an exchange."""
    labels = {
        "confirm": tk._("Confirm"),
        "reject": tk._("Reject"),
        "cancel": tk._("Cancel"),
        "reverse": tk._("Correct with a reversal"),
    }
    return labels[button]


def accorderie_chart(points: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """Return the geometry of a balance chart, or None when there is no point.

    The plot runs from the lowest to the highest balance, zero included.
    A gutter on its left has the labels of the highest balance, the lowest
    and zero, each level with its line, and a band below it has the first
    and last dates. Returns the SVG ``width`` and
    ``height``, the plot's ``left`` edge, the ``line`` points, the height
    of the ``zero`` line, the ``high`` and ``low`` balances, the ``labels``
    (each a ``minutes`` value and its ``y``) and ``dates_y``.
    """
    if not points:
        return None
    balances = [point["balance"] for point in points] + [0]
    low, high = min(balances), max(balances)
    span = (high - low) or 1
    step = (CHART_WIDTH - CHART_GUTTER) / max(len(points) - 1, 1)

    def y(value: int) -> float:
        return round(CHART_TOP + CHART_HEIGHT - (value - low) * CHART_HEIGHT / span, 1)

    line = " ".join(
        f"{round(CHART_GUTTER + index * step, 1)},{y(point['balance'])}"
        for index, point in enumerate(points)
    )
    return {
        "width": CHART_WIDTH,
        "height": CHART_TOP + CHART_HEIGHT + CHART_BOTTOM,
        "left": CHART_GUTTER,
        "line": line,
        "zero": y(0),
        "high": high,
        "low": low,
        "labels": _chart_labels([high, low, 0], y),
        "dates_y": CHART_TOP + CHART_HEIGHT + CHART_BOTTOM - 12,
    }


def _chart_labels(values: list[int], y: Callable[[int], float]) -> list[dict[str, Any]]:
    """Return the labels of ``values``, in that order, leaving out each one
    that would be closer than CHART_LABEL_SPACING to one already kept."""
    labels: list[dict[str, Any]] = []
    for value in values:
        if all(abs(y(value) - label["y"]) >= CHART_LABEL_SPACING for label in labels):
            labels.append({"minutes": value, "y": y(value)})
    return labels


def accorderie_dataset_offers(dataset_id: str, limit: int = 5) -> dict[str, Any]:
    """Return the published offers that help with a dataset, as the current
    visitor may see them: ``{"count": total, "results": [services]}``."""
    try:
        return tk.get_action("accorderie_dataset_service_list")(
            _visitor_context(),
            {"id": dataset_id, "limit": limit},
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        # The dataset page itself checks that the visitor may read the
        # dataset, so an empty list is enough here.
        return {"count": 0, "results": []}


def accorderie_neighbourhood_map(accorderie_id: str) -> dict[str, Any]:
    """Return the neighbourhood map of an accorderie, ready to draw.

    ``points`` lists each neighbourhood's counts with its ``x``, ``y`` and
    circle radius ``r`` in a 400 x 300 drawing. ``unplaced`` counts the
    services of neighbourhoods without a point.
    """
    collection = tk.get_action("accorderie_neighbourhood_map_show")(
        _visitor_context(),
        {"accorderie_id": accorderie_id},
    )
    return {
        "points": neighbourhoods.map_layout(collection["features"]),
        "unplaced": collection["unplaced"],
    }


def accorderie_service_datasets(service_id: str) -> list[dict[str, Any]]:
    """Return the datasets a service helps with that the visitor may see."""
    try:
        return tk.get_action("accorderie_service_dataset_list")(
            _visitor_context(),
            {"id": service_id},
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return []


def accorderie_meeting_places(service_id: str) -> Optional[dict[str, Any]]:
    """Return the public places nearest to a service's neighbourhood, or
    None when no table of places or no neighbourhood point is set."""
    try:
        return tk.get_action("accorderie_meeting_place_list")(
            _visitor_context(),
            {"id": service_id},
        )
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError) as error:
        # Missing settings are normal on a new portal: the page simply
        # shows no places, and the debug line gives the missing setting.
        log.debug("No meeting places for service %s: %s", service_id, error)
        return None


def accorderie_format_distance(metres: int) -> str:
    """Format a distance for people: ``350 m``, ``1.2 km`` (``1,2 km`` in French)."""
    if metres < 1000:
        return tk._("{metres} m").format(metres=formatters.localised_number(metres))
    kilometres = formatters.localised_number(round(metres / 1000, 1))
    return tk._("{kilometres} km").format(kilometres=kilometres)
