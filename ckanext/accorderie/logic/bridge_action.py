"""Actions that bridge the accorderie and the catalogue: the monthly
statistics published as open data, services linked to datasets, the
neighbourhood map and the meeting places."""
from __future__ import annotations

import datetime
import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from .. import model as acc_model
from .. import neighbourhoods, publication, stats
from . import schema as acc_schema
from .schema import validate
from .access import session_of

__all__ = [
    "accorderie_stats_publish",
    "accorderie_service_dataset_update",
    "accorderie_service_dataset_list",
    "accorderie_dataset_service_list",
    "accorderie_neighbourhood_point_update",
    "accorderie_neighbourhood_point_list",
    "accorderie_neighbourhood_map_show",
    "accorderie_meeting_place_list",
]

log = logging.getLogger(__name__)


def accorderie_stats_publish(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Compute the monthly statistics and publish them in the catalogue.

    Only sysadmins may call it. The dataset (``ckanext.accorderie.stats_dataset``)
    and its tables are created on the first call. The rows of each month
    computed replace that month's rows, so running a month twice leaves
    the same rows.

    :param month: the month to publish, YYYY-MM (optional)
    :type month: string
    :param all: publish every month from the first activity to the last
        instead of one month (optional, default: false)
    :type all: bool
    :returns: ``{"dataset": name, "months": [YYYY-MM], "rows": count}``
    :rtype: dict
    """
    tk.check_access("accorderie_stats_publish", context, data_dict)
    data = validate(data_dict, acc_schema.stats_publish_schema(), context)
    session = session_of(context)
    months = stats.months_with_activity(session) if data["all"] else [data["month"]]

    # The catalogue actions run as the caller, without re-checking access
    # for every resource: this action's own check covers them.
    catalogue_context: Context = {"user": context.get("user"), "ignore_auth": True}
    tables = publication.ensure_resources(catalogue_context)
    threshold = stats.min_members()
    written = 0
    for month in months:
        totals, breakdown = stats.monthly_rows(session, month, threshold)
        publication.replace_month(catalogue_context, tables, month, {"totals": totals, "breakdown": breakdown})
        written += len(totals) + len(breakdown)

    log.info("Accorderie statistics published for %s month(s), %s rows", len(months), written)
    return {
        "dataset": tk.config.get("ckanext.accorderie.stats_dataset"),
        "months": months,
        "rows": written,
    }


# Services linked to datasets


def _caller_context(context: Context) -> Context:
    """Return a fresh context for calling core actions as the same caller."""
    return {"user": context.get("user", ""), "ignore_auth": bool(context.get("ignore_auth"))}


def _visible_dataset(context: Context, id_or_name: str) -> dict[str, Any] | None:
    """Return the dataset as the caller sees it, or None when it does not
    exist, is deleted or the caller may not see it."""
    try:
        dataset = tk.get_action("package_show")(_caller_context(context), {"id": id_or_name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    if dataset.get("state") != "active":
        return None
    return dataset


def _dataset_summary(dataset: dict[str, Any]) -> dict[str, Any]:
    return {"id": dataset["id"], "name": dataset["name"], "title": dataset["title"]}


def accorderie_service_dataset_update(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Set the datasets of the portal that a service offers help with.

    The service's owner and staff may call it. Only an offer may name
    datasets (a request may be given an empty list). Every dataset must
    exist and be visible to the caller. The list replaces the service's
    previous one.

    :param id: the service's id
    :type id: string
    :param datasets: ids or names of datasets (an empty list removes every link)
    :type datasets: list of strings
    :returns: the linked datasets, each ``{"id", "name", "title"}``
    :rtype: list of dicts
    """
    tk.check_access("accorderie_service_dataset_update", context, data_dict)
    data = validate(data_dict, acc_schema.service_dataset_update_schema(), context)
    session = session_of(context)
    service = session.get(acc_model.Service, data["id"])
    if service.type != "offer" and data["datasets"]:
        raise tk.ValidationError({"datasets": [
            tk._("Only an offer can name datasets: a request asks for help, it does not give it.")
        ]})

    datasets = []
    for position, id_or_name in enumerate(data["datasets"]):
        dataset = _visible_dataset(context, id_or_name)
        if dataset is None:
            raise tk.ValidationError({"datasets": [
                tk._("Dataset {position}: {value} was not found, or you may not see it.").format(
                    position=position + 1, value=id_or_name
                )
            ]})
        if dataset["id"] not in {d["id"] for d in datasets}:
            datasets.append(dataset)

    session.query(acc_model.ServiceDataset).filter_by(service_id=service.id).delete()
    for dataset in datasets:
        session.add(acc_model.ServiceDataset(service_id=service.id, package_id=dataset["id"]))
    if not context.get("defer_commit"):
        session.commit()

    log.debug("Service %s linked to %s dataset(s)", service.id, len(datasets))
    return [_dataset_summary(dataset) for dataset in datasets]


@tk.side_effect_free
def accorderie_service_dataset_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List the datasets that a service offers help with.

    Anybody who may see the service may call it. Datasets the caller may
    not see are left out.

    :param id: the service's id
    :type id: string
    :returns: the datasets, each ``{"id", "name", "title"}``, by title
    :rtype: list of dicts
    """
    tk.check_access("accorderie_service_dataset_list", context, data_dict)
    session = session_of(context)
    package_ids = session.execute(
        sa.select(acc_model.ServiceDataset.package_id)
        .where(acc_model.ServiceDataset.service_id == data_dict["id"])
    ).scalars().all()

    datasets = [_visible_dataset(context, package_id) for package_id in package_ids]
    summaries = [_dataset_summary(dataset) for dataset in datasets if dataset is not None]
    return sorted(summaries, key=lambda summary: summary["title"])


@tk.side_effect_free
def accorderie_dataset_service_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List the published offers that help with a dataset of the portal.

    Anybody who may see the dataset may call it. Each offer is cut to what
    the caller may see, as ``accorderie_service_show`` returns it. Drafts,
    closed, hidden and expired offers are never listed, even to their owner.

    :param id: the dataset's id or name
    :type id: string
    :param limit: most offers returned (optional, default: 20)
    :type limit: int
    :returns: ``{"count": total, "results": [services]}``, newest first,
        each service with its ``accorderie_title``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.dataset_service_list_schema(), context)
    tk.check_access("accorderie_dataset_service_list", context, data)
    dataset = _visible_dataset(context, data["id"])
    if dataset is None:
        raise tk.ObjectNotFound(tk._("Dataset {value} was not found.").format(value=data["id"]))

    service = acc_model.Service
    matches = (
        sa.select(service.id)
        .join(acc_model.ServiceDataset, acc_model.ServiceDataset.service_id == service.id)
        .where(
            acc_model.ServiceDataset.package_id == dataset["id"],
            service.type == "offer",
            service.status == "published",
            sa.or_(service.expires.is_(None), service.expires >= datetime.date.today()),
        )
        .order_by(service.created.desc(), service.id)
    )
    session = session_of(context)
    total = session.execute(sa.select(sa.func.count()).select_from(matches.subquery())).scalar()
    ids = session.execute(matches.limit(data["limit"])).scalars().all()

    show = tk.get_action("accorderie_service_show")
    results = [show(_caller_context(context), {"id": service_id}) for service_id in ids]
    titles = dict(session.execute(
        sa.select(acc_model.Accorderie.id, acc_model.Accorderie.title)
        .where(acc_model.Accorderie.id.in_({result["accorderie_id"] for result in results}))
    ).all())
    for result in results:
        result["accorderie_title"] = titles[result["accorderie_id"]]
    return {"count": total, "results": results}


# Neighbourhood map


def _point_dicts(session: Any, accorderie_id: str) -> list[dict[str, Any]]:
    points = (
        session.query(acc_model.NeighbourhoodPoint)
        .filter_by(accorderie_id=accorderie_id)
        .order_by(acc_model.NeighbourhoodPoint.neighbourhood)
        .all()
    )
    return [
        {"neighbourhood": p.neighbourhood, "latitude": p.latitude, "longitude": p.longitude}
        for p in points
    ]


def accorderie_neighbourhood_point_update(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Set the point where each neighbourhood of an accorderie is drawn.

    Staff of the accorderie may call it. Choose a public landmark of the
    neighbourhood (a square, a community centre), never a member's home.
    The list replaces the accorderie's previous points.

    :param accorderie_id: id or name of the accorderie
    :type accorderie_id: string
    :param points: ``{"neighbourhood", "latitude", "longitude"}`` dicts, one
        per neighbourhood of the accorderie at most, in WGS 84 degrees
    :type points: list of dicts
    :returns: the points, by neighbourhood
    :rtype: list of dicts
    """
    if not isinstance(data_dict.get("points", []), list):
        raise tk.ValidationError({"points": [tk._(
            "Give the points as a list of {\"neighbourhood\", \"latitude\", \"longitude\"} objects."
        )]})
    data = validate(data_dict, acc_schema.neighbourhood_point_update_schema(), context)
    tk.check_access("accorderie_neighbourhood_point_update", context, data)
    session = session_of(context)
    accorderie = session.get(acc_model.Accorderie, data["accorderie_id"])

    seen: set[str] = set()
    for point in data.get("points", []):
        name = point["neighbourhood"]
        if name not in accorderie.neighbourhoods:
            raise tk.ValidationError({"points": [
                tk._("The neighbourhood {value} is not one of this accorderie's: {choices}.").format(
                    value=name, choices=", ".join(accorderie.neighbourhoods)
                )
            ]})
        if name in seen:
            raise tk.ValidationError({"points": [
                tk._("The neighbourhood {value} has two points: give one.").format(value=name)
            ]})
        seen.add(name)

    session.query(acc_model.NeighbourhoodPoint).filter_by(accorderie_id=accorderie.id).delete()
    for point in data.get("points", []):
        session.add(acc_model.NeighbourhoodPoint(
            accorderie_id=accorderie.id, neighbourhood=point["neighbourhood"],
            latitude=point["latitude"], longitude=point["longitude"],
        ))
    if not context.get("defer_commit"):
        session.commit()

    log.info("Neighbourhood points of accorderie %s set (%s)", accorderie.id, len(seen))
    return _point_dicts(session, accorderie.id)


@tk.side_effect_free
def accorderie_neighbourhood_point_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """List the points where an accorderie's neighbourhoods are drawn.

    Anybody may call it: the points are public landmarks set by staff.

    :param accorderie_id: id or name of the accorderie
    :type accorderie_id: string
    :returns: ``{"neighbourhood", "latitude", "longitude"}`` dicts, by name
    :rtype: list of dicts
    """
    data = validate(data_dict, acc_schema.neighbourhood_point_list_schema(), context)
    tk.check_access("accorderie_neighbourhood_point_list", context, data)
    return _point_dicts(session_of(context), data["accorderie_id"])


@tk.side_effect_free
def accorderie_neighbourhood_map_show(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Return the published offers and requests of an accorderie counted per
    neighbourhood, as GeoJSON points at the places staff set.

    Anybody may call it. The result contains counts only: no member id, name,
    address or service. Neighbourhoods without a point are left out of the
    features and counted in ``unplaced``, with the services that name no
    neighbourhood.

    :param accorderie_id: id or name of the accorderie
    :type accorderie_id: string
    :returns: a GeoJSON FeatureCollection whose features have the
        properties ``neighbourhood``, ``offers`` and ``requests``, plus
        ``unplaced``: ``{"offers", "requests"}``
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.neighbourhood_map_show_schema(), context)
    tk.check_access("accorderie_neighbourhood_map_show", context, data)
    session = session_of(context)
    service = acc_model.Service

    counts = session.execute(
        sa.select(service.neighbourhood, service.type, sa.func.count())
        .where(
            service.accorderie_id == data["accorderie_id"],
            service.status == "published",
            sa.or_(service.expires.is_(None), service.expires >= datetime.date.today()),
        )
        .group_by(service.neighbourhood, service.type)
    ).all()
    by_neighbourhood: dict[Any, dict[str, int]] = {}
    for name, kind, count in counts:
        by_neighbourhood.setdefault(name, {"offers": 0, "requests": 0})[f"{kind}s"] += count

    features = []
    for point in _point_dicts(session, data["accorderie_id"]):
        found = by_neighbourhood.pop(point["neighbourhood"], {"offers": 0, "requests": 0})
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point["longitude"], point["latitude"]]},
            "properties": {"neighbourhood": point["neighbourhood"], **found},
        })
    unplaced = {
        "offers": sum(found["offers"] for found in by_neighbourhood.values()),
        "requests": sum(found["requests"] for found in by_neighbourhood.values()),
    }
    return {"type": "FeatureCollection", "features": features, "unplaced": unplaced}


# Meeting places


def _meeting_place_columns(fields: list[dict[str, Any]]) -> tuple[dict[str, str], str | None]:
    # Imported here, because the accorderie plugin works without the theme.
    from ckanext.agen_theme.previews.geo import coordinate_columns

    names = [field["id"] for field in fields if not field["id"].startswith("_")]
    columns = coordinate_columns(names)
    if columns is None:
        raise tk.ValidationError({"resource": [
            tk._("The meeting places table has no latitude and longitude columns.")
        ]})
    configured = tk.config.get("ckanext.accorderie.meeting_places_name_column")
    lower = {name.lower(): name for name in names}
    name_column = lower.get(configured.lower()) if configured else None
    if name_column is None:
        name_column = next(
            (lower[c] for c in ("stop_name", "name", "nom", "libelle", "libellé", "title") if c in lower),
            None,
        )
    return columns, name_column


def _record_point(record: dict[str, Any], columns: dict[str, str]) -> tuple[float, float] | None:
    from ckanext.agen_theme.previews.geo import parse_coordinate, parse_point

    if "point" in columns:
        return parse_point(record.get(columns["point"]))
    lat = parse_coordinate(record.get(columns["lat"]))
    lon = parse_coordinate(record.get(columns["lon"]))
    if lat is None or lon is None:
        return None
    return lat, lon


@tk.side_effect_free
def accorderie_meeting_place_list(context: Context, data_dict: DataDict) -> ActionResult.Any:
    """Suggest the public places nearest to a service's neighbourhood.

    Anybody who may see the service may call it. The places are the rows
    of the DataStore resource set in
    ``ckanext.accorderie.meeting_places_resource`` (the bus stops, for
    example), ranked by straight-line (great-circle) distance from the point staff set
    for the service's neighbourhood. Places farther than
    ``ckanext.accorderie.meeting_places_max_distance`` metres are left out,
    and a name listed twice (a stop on each side of a street) is given once.

    :param id: the id of a request (or an offer) that names a neighbourhood
    :type id: string
    :param limit: how many places (optional, default: 3)
    :type limit: int
    :returns: ``{"neighbourhood", "resource_id", "places"}``, each place
        ``{"name", "latitude", "longitude", "distance_m"}``, nearest first
    :rtype: dict
    """
    data = validate(data_dict, acc_schema.meeting_place_list_schema(), context)
    tk.check_access("accorderie_meeting_place_list", context, data)
    session = session_of(context)
    service = session.get(acc_model.Service, data["id"])
    if not service.neighbourhood:
        raise tk.ValidationError({"id": [
            tk._("This service names no neighbourhood: set one to get meeting places.")
        ]})
    centre = session.get(acc_model.NeighbourhoodPoint, (service.accorderie_id, service.neighbourhood))
    if centre is None:
        raise tk.ValidationError({"neighbourhood": [
            tk._("The staff have not set a point for the neighbourhood {value} yet.").format(
                value=service.neighbourhood
            )
        ]})

    resource_id = tk.config.get("ckanext.accorderie.meeting_places_resource")
    if not resource_id:
        raise tk.ObjectNotFound(tk._(
            "No table of meeting places is set: set ckanext.accorderie.meeting_places_resource."
        ))
    max_rows = tk.config.get("ckanext.accorderie.meeting_places_max_rows")
    try:
        table = tk.get_action("datastore_search")(
            _caller_context(context), {"resource_id": resource_id, "limit": max_rows}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        raise tk.ObjectNotFound(
            tk._("The table of meeting places {value} was not found.").format(value=resource_id)
        )
    if table["total"] > max_rows:
        log.warning(
            "Meeting places: resource %s has %s rows, only the first %s are ranked",
            resource_id, table["total"], max_rows,
        )

    columns, name_column = _meeting_place_columns(table["fields"])
    max_distance = tk.config.get("ckanext.accorderie.meeting_places_max_distance")
    places = []
    for record in table["records"]:
        point = _record_point(record, columns)
        if point is None:
            continue
        distance = round(neighbourhoods.distance_m(centre.latitude, centre.longitude, *point))
        if distance > max_distance:
            continue
        places.append({
            "name": record.get(name_column) if name_column else None,
            "latitude": point[0],
            "longitude": point[1],
            "distance_m": distance,
        })
    places.sort(key=lambda place: (place["distance_m"], str(place["name"])))
    return {
        "neighbourhood": service.neighbourhood,
        "resource_id": resource_id,
        "places": _nearest_distinct(places, data["limit"]),
    }


def _nearest_distinct(places: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Return the first ``limit`` places of a sorted list, each name once.

    A bus stop is often listed once per direction under the same name, and
    a person meets at the place, not at one side of the street.
    """
    seen: set[str] = set()
    distinct = []
    for place in places:
        if place["name"] is not None and place["name"] in seen:
            continue
        if place["name"] is not None:
            seen.add(place["name"])
        distinct.append(place)
        if len(distinct) == limit:
            break
    return distinct
