"""Indexing and search hooks that make the catalogue work in French.

They work with CKAN's stock Solr schema: nothing here needs a field that
the ``schema.xml`` shipped with CKAN 2.11 lacks.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from typing import Any

log = logging.getLogger(__name__)

__all__ = [
    "fold_text",
    "index_dataset",
    "normalize_apostrophes",
    "normalize_search_params",
    "strip_accents",
    "title_sort_key",
]

# Typographic apostrophes and quotes that French keyboards and word
# processors produce in place of the ASCII apostrophe.
APOSTROPHES = re.compile("[\u2019\u2018\u02bc\u02bb\u00b4\u0060\u2032]")

# Letters that Unicode decomposition does not split into base letters.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

# Solr fields that the facets of the portal read. ``vocab_*`` fields are
# multi-valued strings in CKAN's stock Solr schema.
THEME_FIELD = "vocab_theme"
PRODUCER_FIELD = "vocab_producer"
FREQUENCY_FIELD = "vocab_frequency"

# Half the side, in degrees, of the box indexed for a Point: about 1 m.
POINT_HALF_WIDTH = 0.00001


def normalize_apostrophes(text: str) -> str:
    """Replace typographic apostrophes with the ASCII one."""
    return APOSTROPHES.sub("'", text)


def strip_accents(text: str) -> str:
    """Remove the accents of ``text`` and split ligatures: "Œuvre" gives "OEuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_text(text: str) -> str:
    """Lower-case ``text`` and strip its accents: "Écoles" becomes "ecoles"."""
    return strip_accents(text).lower()


def title_sort_key(title: str) -> str:
    """Return a key that sorts French titles the way a reader expects.

    Solr sorts ``title_string`` by code point, which puts "Écoles" after
    "Zones". Folding accents and case first puts it among the E.
    """
    return fold_text(normalize_apostrophes(title)).strip()


def _theme_codes(pkg_dict: dict[str, Any]) -> list[str]:
    """Read the theme codes, stored by scheming as a JSON list in an extra."""
    value = pkg_dict.get("theme")
    if not value:
        return []
    if isinstance(value, list):
        return [str(code) for code in value]
    try:
        codes = json.loads(value)
    except ValueError:
        log.warning("Dataset %s: theme is not a JSON list, not indexed", pkg_dict.get("id"))
        return []
    return [str(code) for code in codes] if isinstance(codes, list) else []


def _flatten_repeating_fields(pkg_dict: dict[str, Any]) -> None:
    """Replace lists of dicts (scheming repeating subfields) with text fields.

    Solr would read a dict as a nested document and reject the whole
    dataset, so ``contact: [{"name": ...}]`` becomes ``extras_contact__name``,
    a text field of CKAN's stock schema, with the values joined by spaces.
    """
    for key in list(pkg_dict):
        value = pkg_dict[key]
        if not isinstance(value, list) or not any(isinstance(item, dict) for item in value):
            continue
        del pkg_dict[key]
        by_subfield: dict[str, list[str]] = {}
        for item in value:
            if not isinstance(item, dict):
                continue
            for subfield, subvalue in item.items():
                if subvalue not in (None, "") and not isinstance(subvalue, (dict, list)):
                    by_subfield.setdefault(subfield, []).append(str(subvalue))
        for subfield, values in by_subfield.items():
            pkg_dict[f"extras_{key}__{subfield}"] = " ".join(values)


def _indexable_geometry(geojson: str) -> str:
    """Turn a Point into a box of about 2 m, so that bounding boxes find it.

    ckanext-spatial's ``solr-bbox`` backend keeps a dataset only if the
    area it shares with the search box is above zero, which a Point's
    zero-area envelope never is. The stored field keeps the Point.
    """
    try:
        geometry = json.loads(geojson)
    except ValueError:
        return geojson
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return geojson

    longitude, latitude = geometry["coordinates"][:2]
    west, east = longitude - POINT_HALF_WIDTH, longitude + POINT_HALF_WIDTH
    south, north = latitude - POINT_HALF_WIDTH, latitude + POINT_HALF_WIDTH
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _widen_point_box(pkg_dict: dict[str, Any]) -> None:
    """Widen a zero-size box that ckanext-spatial indexed, as for a Point."""
    bounds = [pkg_dict.get(key) for key in ("minx", "maxx", "miny", "maxy")]
    if any(not isinstance(value, (int, float)) for value in bounds):
        return
    minx, maxx, miny, maxy = bounds
    if maxx - minx >= 2 * POINT_HALF_WIDTH or maxy - miny >= 2 * POINT_HALF_WIDTH:
        return
    pkg_dict["minx"] = minx - POINT_HALF_WIDTH
    pkg_dict["maxx"] = maxx + POINT_HALF_WIDTH
    pkg_dict["miny"] = miny - POINT_HALF_WIDTH
    pkg_dict["maxy"] = maxy + POINT_HALF_WIDTH
    pkg_dict["bbox_area"] = (pkg_dict["maxx"] - pkg_dict["minx"]) * (
        pkg_dict["maxy"] - pkg_dict["miny"]
    )


def index_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add the French-aware fields to the document sent to Solr.

    - ``title_string`` becomes an accent- and case-free sort key;
    - tags get the ASCII apostrophe, so both spellings share a facet entry;
    - folded copies of the title, description and tags go into ``text``,
      because the stock analyser stems before it folds accents, so that
      "ecoles" and "écoles" do not reach the same stem;
    - themes, producer and frequency go into string fields for the facets;
    - the geometry is copied where ckanext-spatial looks for it.
    """
    title = pkg_dict.get("title") or pkg_dict.get("name") or ""
    pkg_dict["title_string"] = title_sort_key(title)

    tags = [normalize_apostrophes(tag) for tag in pkg_dict.get("tags") or []]
    if tags:
        pkg_dict["tags"] = list(dict.fromkeys(tags))

    folded = [fold_text(title), fold_text(pkg_dict.get("notes") or "")]
    folded.extend(fold_text(tag) for tag in tags)
    text = pkg_dict.get("text") or []
    if isinstance(text, str):
        text = [text]
    pkg_dict["text"] = list(text) + [value for value in folded if value]

    _flatten_repeating_fields(pkg_dict)

    # ckanext-spatial indexes ``spatial`` when ``extras_spatial`` is set.
    # Plugins run in an order CKAN decides, so this hook handles both cases:
    # before ckanext-spatial it rewrites the geometry, after it the box.
    # The stored dataset is not changed: CKAN serialised it before the hooks.
    geometry = pkg_dict.get("spatial") or pkg_dict.get("extras_spatial")
    if geometry:
        indexable = _indexable_geometry(geometry)
        pkg_dict["spatial"] = indexable
        pkg_dict["extras_spatial"] = indexable
    _widen_point_box(pkg_dict)

    themes = _theme_codes(pkg_dict)
    if themes:
        pkg_dict[THEME_FIELD] = themes
    if pkg_dict.get("producer_name"):
        pkg_dict[PRODUCER_FIELD] = [pkg_dict["producer_name"]]
    if pkg_dict.get("frequency"):
        pkg_dict[FREQUENCY_FIELD] = [pkg_dict["frequency"]]

    return pkg_dict


def normalize_search_params(search_params: dict[str, Any]) -> dict[str, Any]:
    """Give the query and the filters the ASCII apostrophe, as the index has.

    A free-text query also loses its accents, because the stock analyser
    stems "écoles" to "ecole" but "ecoles" to "ecol". The folded copies
    that ``index_dataset`` adds to ``text`` match the accent-free stems.
    Case is kept, so that the operators AND, OR and NOT still work.
    """
    for key in ("q", "fq"):
        value = search_params.get(key)
        if isinstance(value, str):
            search_params[key] = normalize_apostrophes(value)

    query = search_params.get("q")
    # A query with a colon is a fielded Solr query: a string field such as
    # tags:"qualité de l'air" must keep its accents to match.
    if isinstance(query, str) and ":" not in query:
        search_params["q"] = strip_accents(query)

    fq_list = search_params.get("fq_list")
    if isinstance(fq_list, list):
        search_params["fq_list"] = [
            normalize_apostrophes(item) if isinstance(item, str) else item for item in fq_list
        ]
    return search_params
