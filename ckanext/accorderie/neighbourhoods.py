"""Geometry of the neighbourhood map and the meeting places: distances on
the Earth and the placement of points in a small drawing."""
from __future__ import annotations

import math
from typing import Any

__all__ = ["EARTH_RADIUS_M", "distance_m", "map_layout"]

# Height of a label's line of text in the drawing, in drawing units.
LABEL_HEIGHT = 14

# Mean radius of the Earth (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two WGS 84 points, in
    metres, by the haversine formula on a spherical Earth."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def map_layout(
    features: list[dict[str, Any]], width: int = 400, height: int = 300, margin: int = 40
) -> list[dict[str, Any]]:
    """Place each GeoJSON point feature in a ``width`` x ``height`` drawing.

    The projection is equirectangular, with longitudes shrunk by the cosine
    of the mean latitude, which keeps a town's shape. Each item gets ``x``,
    ``y`` and a circle radius ``r`` that grows with the square root of the
    feature's offers and requests, so the circle's area is proportional.
    """
    if not features:
        return []
    lons = [f["geometry"]["coordinates"][0] for f in features]
    lats = [f["geometry"]["coordinates"][1] for f in features]
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = (max(lons) - min(lons)) * shrink
    span_y = max(lats) - min(lats)
    scale = min(
        (width - 2 * margin) / span_x if span_x else math.inf,
        (height - 2 * margin) / span_y if span_y else math.inf,
    )
    if scale == math.inf:
        scale = 0.0
    centre_x = (max(lons) + min(lons)) / 2
    centre_y = (max(lats) + min(lats)) / 2
    largest = max(f["properties"]["offers"] + f["properties"]["requests"] for f in features) or 1

    placed = []
    for feature, lon, lat in zip(features, lons, lats):
        total = feature["properties"]["offers"] + feature["properties"]["requests"]
        y = round(height / 2 - (lat - centre_y) * scale, 1)
        r = round(4 + 20 * math.sqrt(total / largest), 1)
        placed.append({
            **feature["properties"],
            "x": round(width / 2 + (lon - centre_x) * shrink * scale, 1),
            "y": y,
            "r": r,
            "label_y": _label_y(y, r, height),
        })
    return placed


def _label_y(y: float, r: float, height: int) -> float:
    """Return the baseline of a point's label: below its circle, or above
    it when the label would fall off the bottom of the drawing."""
    below = y + r + LABEL_HEIGHT
    if below <= height - 4:
        return round(below, 1)
    return round(y - r - 4, 1)
