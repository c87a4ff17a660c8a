"""The background job that loads a tabular resource into the DataStore.

It records its state where xloader records its own (the ``xloader`` task
status of the resource), so xloader's "DataStore" page of the resource shows
it, with the error message in the portal's language.
"""
from __future__ import annotations

import datetime
import json
import logging
from typing import Any

import requests

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import datapreview, uploader

from .loader import LoadError, load_bytes

log = logging.getLogger(__name__)

__all__ = ["TEXT_TABULAR_FORMATS", "create_views", "enqueue_load", "load_resource", "set_status"]

# Formats this loader reads; xloader keeps the spreadsheets (XLS, XLSX, ODS).
TEXT_TABULAR_FORMATS = {"CSV", "TSV", "TXT", "TEXT/CSV", "TAB"}


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def set_status(resource_id: str, state: str, message: str = "", job_id: str = "") -> None:
    """Store the load state in the task status that xloader's page reads."""
    now = datetime.datetime.utcnow().isoformat()

    # task_status_update commits and closes the session it is given. This
    # runs inside xloader_submit, which CKAN may call while it commits a
    # resource change, so the status gets a session of its own, as xloader's
    # own status updates do.
    context = _site_context()
    context["session"] = model.meta.create_local_session()
    tk.get_action("task_status_update")(
        context,
        {
            "entity_id": resource_id,
            "entity_type": "resource",
            "task_type": "xloader",
            "key": "xloader",
            "value": json.dumps({"job_id": job_id}),
            "error": json.dumps({"message": message}) if message else "{}",
            "state": state,
            "last_updated": now,
        },
    )


def _state(resource_id: str) -> str:
    try:
        task = tk.get_action("task_status_show")(
            _site_context(), {"entity_id": resource_id, "task_type": "xloader", "key": "xloader"}
        )
    except tk.ObjectNotFound:
        return ""
    return task["state"]


def enqueue_load(resource_id: str) -> None:
    """Mark the resource as pending and queue :func:`load_resource` for it.

    Nothing is queued while a job for the resource waits in the queue,
    because that job reads the file only when it starts. A job that is
    already running gets a successor, so a newer file is loaded after it.
    """
    if _state(resource_id) == "pending":
        log.debug("Resource %s: a DataStore load is already queued", resource_id)
        return
    set_status(resource_id, "pending")
    job = tk.enqueue_job(load_resource, [resource_id],
                         title=f"agen_previews load {resource_id}",
                         rq_kwargs={"timeout": tk.config.get("ckanext.agen_previews.job_timeout")})
    set_status(resource_id, "pending", job_id=job.id)


def _read_resource_file(resource: dict[str, Any]) -> bytes:
    max_size = tk.config.get("ckanext.agen_previews.max_file_size")
    if resource.get("url_type") == "upload":
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        with open(path, "rb") as handle:
            data = handle.read(max_size + 1)
    else:
        url = resource.get("url", "")
        if not url.startswith(("http://", "https://")):
            raise LoadError(tk._("Only files uploaded to the portal or linked with an http or https URL can be loaded."))
        try:
            response = requests.get(url, stream=True, timeout=60)
            response.raise_for_status()
            data = response.raw.read(max_size + 1, decode_content=True)
        except requests.RequestException as error:
            log.warning("Resource %s: download of %s failed: %s", resource["id"], url, error)
            raise LoadError(tk._("The file could not be downloaded from {url}.").format(url=url)) from error
    if len(data) > max_size:
        raise LoadError(
            tk._("The file is larger than {size} bytes, the maximum the portal loads.").format(size=max_size)
        )
    return data


def load_resource(resource_id: str) -> None:
    """Load one resource's file into the DataStore and record the outcome.

    A file that cannot be loaded leaves a translated message in the task
    status. An unexpected error is logged with its traceback, and the
    status gets a generic message.
    """
    set_status(resource_id, "running")
    try:
        resource = tk.get_action("resource_show")(_site_context(), {"id": resource_id})
        data = _read_resource_file(resource)
        result = load_bytes(resource_id, data)
    except LoadError as error:
        log.warning("Resource %s not loaded: %s", resource_id, error.message)
        set_status(resource_id, "error", error.message)
        return
    except Exception:
        log.exception("Resource %s: the DataStore load failed", resource_id)
        set_status(resource_id, "error", tk._(
            "The file could not be loaded into the DataStore because of an "
            "internal error; the site administrators can read the details in the log."
        ))
        return

    set_status(resource_id, "complete")
    log.info("Resource %s loaded into the DataStore: %d rows", resource_id, result.row_count)

    create_views(resource_id)


# View types in the order the resource page lists them; it opens on the first.
_VIEW_ORDER = ("agen_map_view", "datatables_view", "agen_chart_view")


def create_views(resource_id: str) -> None:
    """Add the default views that fit the loaded table, most useful first.

    A map comes first when the records have coordinates, then the table,
    then the chart; other views keep their order after them.
    """
    context = _site_context()
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    package = tk.get_action("package_show")(context, {"id": resource["package_id"]})
    # Every default view type is tried again, because the map view can
    # only tell whether it fits the resource once the DataStore has its
    # columns.
    datapreview.add_views_to_resource(
        context, resource, package, view_types=tk.config.get("ckan.views.default_views")
    )

    views = tk.get_action("resource_view_list")(context, {"id": resource_id})
    rank = {view_type: index for index, view_type in enumerate(_VIEW_ORDER)}
    ordered = sorted(views, key=lambda view: rank.get(view["view_type"], len(rank)))
    if [view["id"] for view in ordered] != [view["id"] for view in views]:
        tk.get_action("resource_view_reorder")(
            context, {"id": resource_id, "order": [view["id"] for view in ordered]}
        )
