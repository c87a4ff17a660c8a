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
from .. import publication, stats
from . import schema as acc_schema
from .access import session_of

__all__ = [
    "accorderie_stats_publish",
    "accorderie_service_dataset_update",
    "accorderie_service_dataset_list",
    "accorderie_dataset_service_list",
]

log = logging.getLogger(__name__)


def _validate(data_dict: DataDict, schema: Any, context: Context) -> DataDict:
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


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
    data = _validate(data_dict, acc_schema.stats_publish_schema(), context)
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

    The service's owner and staff may call it. Every dataset must exist and
    be visible to the caller. The list replaces the service's previous one.

    :param id: the service's id
    :type id: string
    :param datasets: ids or names of datasets (an empty list removes every link)
    :type datasets: list of strings
    :returns: the linked datasets, each ``{"id", "name", "title"}``
    :rtype: list of dicts
    """
    tk.check_access("accorderie_service_dataset_update", context, data_dict)
    data = _validate(data_dict, acc_schema.service_dataset_update_schema(), context)
    session = session_of(context)
    service = session.get(acc_model.Service, data["id"])

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
    :returns: ``{"count": total, "results": [services]}``, newest first
    :rtype: dict
    """
    data = _validate(data_dict, acc_schema.dataset_service_list_schema(), context)
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
    return {"count": total, "results": results}
