"""Replacing a CSV file of a resource queues a new load and keeps the change."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.agen_theme.previews import jobs

from .conftest import PREVIEW_MARKS, data_file

pytestmark = PREVIEW_MARKS


def _upload(name: str, content: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


@pytest.mark.usefixtures("clean_datastore")
def test_new_file_under_new_name_is_committed():
    """CKAN queues the load while it commits the new URL; the commit must hold.

    The loader records the pending load in a task status. Written through
    CKAN's own session, that record committed and closed the session in the
    middle of CKAN's commit, and the update failed.
    """
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    routes = data_file("gtfs-stops-montpellier-tam/routes.txt").read_bytes()
    resource = call_action(
        "resource_create",
        context=dict(context),
        package_id=dataset["id"],
        name="Lignes",
        format="CSV",
        url="routes.txt",
        upload=_upload("routes.txt", routes),
    )

    # The first load has finished, so the new file is queued again.
    jobs.set_status(resource["id"], "complete")

    updated = call_action(
        "resource_update",
        context=dict(context),
        id=resource["id"],
        package_id=dataset["id"],
        name="Lignes",
        format="CSV",
        url="lignes-2025.txt",
        upload=_upload("lignes-2025.txt", routes + b"9-99,TAM,99,Essai,3,000000,,\n"),
    )

    model.Session.remove()
    stored = call_action("resource_show", id=resource["id"])
    assert updated["url"].endswith("/lignes-2025.txt")
    assert stored["url"].endswith("/lignes-2025.txt")
    assert stored["size"] == len(routes) + len(b"9-99,TAM,99,Essai,3,000000,,\n")
    task = call_action(
        "task_status_show", entity_id=resource["id"], task_type="xloader", key="xloader"
    )
    assert task["state"] == "pending"
