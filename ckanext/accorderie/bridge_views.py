"""Pages that join the accorderie to the catalogue: where staff place the
neighbourhoods on the map, and which datasets an offer helps with.

Like the other accorderie pages, they call actions and never write to the
tables themselves.
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

from flask import Blueprint

import ckan.plugins.toolkit as tk

from .views import (
    _accorderie, _call, _context, _errors_of, _load, _membership, _render, _require_staff,
)

__all__ = ["accorderie_bridge"]

log = logging.getLogger(__name__)

accorderie_bridge = Blueprint("accorderie_bridge", __name__, url_prefix="/accorderie")


# Neighbourhood points


def _point_rows(acc: dict[str, Any], form: dict[str, str]) -> list[dict[str, str]]:
    """Return one row per neighbourhood: what the form posted, else what is stored."""
    stored = {
        point["neighbourhood"]: point
        for point in _call("accorderie_neighbourhood_point_list", {"accorderie_id": acc["id"]})
    }
    rows = []
    for index, name in enumerate(acc["neighbourhoods"]):
        if form:
            latitude = form.get(f"latitude-{index}", "")
            longitude = form.get(f"longitude-{index}", "")
        else:
            point = stored.get(name, {})
            latitude = str(point.get("latitude", ""))
            longitude = str(point.get("longitude", ""))
        rows.append({"neighbourhood": name, "latitude": latitude, "longitude": longitude})
    return rows


def _row_errors(error: tk.ValidationError, sent: list[int]) -> tuple[dict[int, dict[str, list[str]]], list[str]]:
    """Split the action's errors into the rows they belong to, and the rest.

    ``sent`` maps the position of each point sent to the action to its row.
    """
    per_row: dict[int, dict[str, list[str]]] = {}
    general: list[str] = []
    for item in (error.error_dict or {}).get("points", []):
        if isinstance(item, str):
            general.append(item)
    nested = [item for item in (error.error_dict or {}).get("points", []) if isinstance(item, dict)]
    for position, fields in enumerate(nested):
        if fields and position < len(sent):
            per_row[sent[position]] = fields
    return per_row, general


@accorderie_bridge.route("/<name>/staff/neighbourhoods", methods=["GET", "POST"])
def neighbourhoods(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)

    form = {key: value.strip() for key, value in tk.request.form.items()} if tk.request.method == "POST" else {}
    rows = _point_rows(acc, form)
    errors: dict[int, dict[str, list[str]]] = {}
    general: list[str] = []

    if tk.request.method == "POST":
        # A row left empty on both sides has no point; the others are sent.
        sent = [i for i, row in enumerate(rows) if row["latitude"] or row["longitude"]]
        points = [rows[i] for i in sent]
        try:
            _call("accorderie_neighbourhood_point_update", {"accorderie_id": acc["id"], "points": points})
        except tk.ValidationError as error:
            errors, general = _row_errors(error, sent)
        else:
            tk.h.flash_success(tk._("The neighbourhoods' points are saved."))
            return tk.redirect_to("accorderie_bridge.neighbourhoods", name=acc["name"])

    return _render(
        "accorderie_bridge/staff_neighbourhoods.html", acc,
        rows=rows, errors=errors, general_errors=general,
    )


# Datasets an offer helps with


def _dataset_reference(text: str) -> str:
    """Turn a dataset's address on the portal, or its name, into its name."""
    text = text.strip()
    if "://" in text or text.startswith("/dataset/"):
        path = urlparse(text).path.rstrip("/")
        return path.rsplit("/", 1)[-1]
    return text


@accorderie_bridge.route("/service/<service_id>/datasets", methods=["GET", "POST"])
def service_datasets(service_id: str) -> Any:
    service = _load("accorderie_service_show", {"id": service_id})
    acc = _accorderie(service["accorderie_id"])
    member = _membership(acc["id"])
    own = bool(member and member["id"] == service.get("member_id"))
    try:
        tk.check_access("accorderie_service_dataset_update", _context(), {"id": service_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the member who published this service, or the staff, may change it."))

    linked = _call("accorderie_service_dataset_list", {"id": service_id})
    errors: dict[str, list[str]] = {}
    added = ""

    if tk.request.method == "POST":
        kept = tk.request.form.getlist("keep")
        added = tk.request.form.get("add", "").strip()
        names = kept + ([_dataset_reference(added)] if added else [])
        try:
            _call("accorderie_service_dataset_update", {"id": service_id, "datasets": names})
        except tk.ValidationError as error:
            errors = _errors_of(error)
        else:
            tk.h.flash_success(tk._("The datasets of this service are saved."))
            return tk.redirect_to("accorderie.service", service_id=service_id)

    return _render(
        "accorderie_bridge/service_datasets.html", acc,
        service=service, linked=linked, errors=errors, added=added, own=own,
    )
