"""Find coordinates in records and put latitude and longitude in the right order."""
from __future__ import annotations

import re
from typing import Any, Iterable, Optional

__all__ = [
    "LATITUDE_NAMES",
    "LONGITUDE_NAMES",
    "POINT_NAMES",
    "coordinate_columns",
    "orient_points",
    "parse_coordinate",
    "parse_point",
    "record_point",
]

# Column names, compared in lower case, that hold a latitude, a longitude or
# both as a "lat, lon" string (the geo_point_2d of Opendatasoft exports).
LATITUDE_NAMES = ("latitude", "lat", "stop_lat", "lat_wgs84", "latitude_wgs84", "y_wgs84", "y")
LONGITUDE_NAMES = ("longitude", "lon", "lng", "long", "stop_lon", "lon_wgs84", "longitude_wgs84", "x_wgs84", "x")
POINT_NAMES = ("geo_point_2d", "geo_point", "geopoint", "coordonnees", "coordonnées",
               "coordinates", "geolocalisation", "géolocalisation", "position")

_POINT = re.compile(r"^\s*\[?\s*(-?\s*\d+(?:[.,]\d+)?)\s*[,;\s]\s*(-?\s*\d+(?:[.,]\d+)?)\s*\]?\s*$")


def parse_coordinate(value: Any) -> Optional[float]:
    """Read a coordinate, also from zero-padded decimal-comma strings such as
    ``" 00000046,1645193"``, or return ``None``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def parse_point(value: Any) -> Optional[tuple[float, float]]:
    """Read a pair of numbers written as ``"lat, lon"`` or a two-item list."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        first, second = parse_coordinate(value[0]), parse_coordinate(value[1])
        return (first, second) if first is not None and second is not None else None
    if not isinstance(value, str):
        return None
    match = _POINT.match(value)
    if not match:
        return None
    first, second = parse_coordinate(match.group(1)), parse_coordinate(match.group(2))
    return (first, second) if first is not None and second is not None else None


def _find(names: Iterable[str], candidates: Iterable[str]) -> Optional[str]:
    by_lower = {name.lower(): name for name in names}
    for candidate in candidates:
        if candidate in by_lower:
            return by_lower[candidate]
    return None


def coordinate_columns(names: list[str]) -> Optional[dict[str, str]]:
    """Pick the columns that hold coordinates, or return ``None``.

    :returns: ``{"lat": ..., "lon": ...}`` or ``{"point": ...}``
    """
    latitude = _find(names, LATITUDE_NAMES)
    longitude = _find(names, LONGITUDE_NAMES)
    if latitude and longitude:
        return {"lat": latitude, "lon": longitude}
    point = _find(names, POINT_NAMES)
    if point:
        return {"point": point}
    return None


def record_point(record: dict[str, Any]) -> Optional[tuple[float, float]]:
    """Return the (latitude, longitude) of a JSON record, as its fields name
    them, or from its GeoJSON point geometry."""
    for candidate in (record, record.get("fields")):
        if not isinstance(candidate, dict):
            continue
        columns = coordinate_columns(list(candidate))
        if columns and "lat" in columns:
            lat = parse_coordinate(candidate[columns["lat"]])
            lon = parse_coordinate(candidate[columns["lon"]])
            if lat is not None and lon is not None:
                return lat, lon
        if columns and "point" in columns:
            point = parse_point(candidate[columns["point"]])
            if point:
                return point
    geometry = record.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coordinates = geometry.get("coordinates") or []
        if len(coordinates) >= 2:
            # GeoJSON puts the longitude first.
            return float(coordinates[1]), float(coordinates[0])
    return None


def _inside(lat: float, lon: float, bbox: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bbox
    return south <= lat <= north and west <= lon <= east


def orient_points(
    pairs: list[tuple[float, float]], expected_bbox: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """Return the pairs as (latitude, longitude), swapped if needed.

    The pairs are read as (latitude, longitude). When more of them fall
    inside ``expected_bbox`` (west, south, east, north) read the other way,
    the two columns were named the wrong way round and every pair is
    swapped. Pairs outside the valid ranges are dropped.
    """
    as_given = sum(_inside(lat, lon, expected_bbox) for lat, lon in pairs)
    swapped = sum(_inside(lon, lat, expected_bbox) for lat, lon in pairs)
    if swapped > as_given:
        pairs = [(lon, lat) for lat, lon in pairs]
    return [(lat, lon) for lat, lon in pairs if -90 <= lat <= 90 and -180 <= lon <= 180]
