"""Configuration and drawing geometry of the chart view."""
from __future__ import annotations

import math
import re
from typing import Any, Optional

__all__ = ["CHART_TYPES", "guess_config", "helpers", "view_config"]

CHART_TYPES = ["bar", "line", "pie"]

_NUMERIC = {"numeric", "int", "int4", "int8", "float4", "float8", "integer", "bigint"}
# Column names, in lower case, that usually hold an amount.
_AMOUNT = re.compile(r"montant|amount|valeur|value|total|prix|price|budget|credit|crédit")
# Grouping names, best first: a budget is charted by chapter before type.
_CATEGORIES = [re.compile(pattern) for pattern in (
    r"chapitre", r"cat[ée]gorie", r"nature", r"fonction", r"secteur", r"th[èe]me",
    r"commune", r"type", r"nom",
)]


def guess_config(columns: dict[str, str]) -> Optional[dict[str, Any]]:
    """Pick a category and an amount column for a default chart, or ``None``
    when the table has no numeric column named like an amount."""
    numeric = [name for name, kind in columns.items() if kind in _NUMERIC]
    text = [name for name, kind in columns.items() if kind not in _NUMERIC]
    values = [name for name in numeric if _AMOUNT.search(name.lower())]
    if not values or not text:
        return None
    category = next(
        (name for pattern in _CATEGORIES for name in text if pattern.search(name.lower())),
        text[0],
    )
    return {"chart_type": "bar", "category": category, "value": values[0],
            "aggregation": "sum", "sort": "value_desc", "limit": 20}


def view_config(resource_view: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """Return the view's settings, guessing those it does not set."""
    config = guess_config(columns) or {"chart_type": "bar", "aggregation": "count",
                                        "sort": "value_desc", "limit": 20}
    for key in ("chart_type", "category", "value", "aggregation", "sort", "limit"):
        if resource_view.get(key) not in (None, ""):
            config[key] = resource_view[key]
    if config.get("aggregation") == "count":
        config.pop("value", None)
    return config


def agen_previews_pie_slices(values: list[Optional[float]], radius: float = 100.0) -> list[dict[str, Any]]:
    """Return the SVG path of each pie slice, centred on (0, 0).

    Negative and empty values get an empty path, because a pie cannot show
    them.
    """
    positive = [value if value and value > 0 else 0.0 for value in values]
    total = sum(positive)
    slices = []
    angle = -math.pi / 2
    for value in positive:
        if total <= 0 or value <= 0:
            slices.append({"path": "", "share": 0.0})
            continue
        sweep = 2 * math.pi * value / total
        start = (radius * math.cos(angle), radius * math.sin(angle))
        angle += sweep
        end = (radius * math.cos(angle), radius * math.sin(angle))
        if sweep >= 2 * math.pi - 1e-9:
            path = f"M {-radius} 0 A {radius} {radius} 0 1 1 {radius} 0 A {radius} {radius} 0 1 1 {-radius} 0 Z"
        else:
            large = 1 if sweep > math.pi else 0
            path = (f"M 0 0 L {start[0]:.3f} {start[1]:.3f} "
                    f"A {radius} {radius} 0 {large} 1 {end[0]:.3f} {end[1]:.3f} Z")
        slices.append({"path": path, "share": value / total})
    return slices


def agen_previews_scale(values: list[Optional[float]]) -> dict[str, float]:
    """Return the smallest and largest value drawn, zero included."""
    numbers = [value for value in values if value is not None]
    low = min([0.0, *numbers])
    high = max([0.0, *numbers])
    if high == low:
        high = low + 1
    return {"min": low, "max": high}


def agen_previews_line_segments(
    values: list[Optional[float]], scale: dict[str, float], width: float, height: float,
    margin: float = 10.0,
) -> list[list[dict[str, Any]]]:
    """Return the points of a line chart, split where a value is empty.

    Each point is ``{"x", "y", "index"}``, where ``index`` is the value's
    position. An empty value ends the current segment, so the line shows a
    gap there instead of a fall to zero.
    """
    step = width / max(len(values) - 1, 1)
    span = scale["max"] - scale["min"]
    segments: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append({
            "x": round(margin + index * step, 1),
            "y": round(margin + height - (value - scale["min"]) / span * height, 1),
            "index": index,
        })
    if current:
        segments.append(current)
    return segments


helpers = {
    "agen_previews_line_segments": agen_previews_line_segments,
    "agen_previews_pie_slices": agen_previews_pie_slices,
    "agen_previews_scale": agen_previews_scale,
}
