"""Load the portal's demo organisations, datasets and files.

The manifest ``demo/datasets.yaml`` lists the organisations and datasets;
their files sit in ``demo/data/<source>/``. Loading is idempotent: a second
run updates what exists (matched by name) and never duplicates it.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml
from werkzeug.datastructures import FileStorage

import ckan.plugins as p
from ckan.lib.munge import munge_filename
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

__all__ = [
    "DemoDataset",
    "DemoReport",
    "default_data_dir",
    "load_demo",
    "read_manifest",
]

# Formats that the DataStore can load.
TABULAR_FORMATS = {"CSV", "TSV", "XLS", "XLSX"}


@dataclass
class DemoResource:
    file: str
    name: str
    format: str
    encoding: Optional[str] = None
    delimiter: Optional[str] = None


@dataclass
class DemoDataset:
    name: str
    title: str
    organization: str
    source: str
    notes: str
    tags: list[str]
    spatial: Optional[list[float]]
    resources: list[DemoResource]
    themes: list[str] = field(default_factory=list)
    frequency: Optional[str] = None
    producer_siret: Optional[str] = None
    spatial_granularity: Optional[str] = None
    spatial_text: Optional[str] = None
    spatial_insee_code: Optional[str] = None
    temporal_start: Optional[str] = None
    temporal_end: Optional[str] = None
    issued: Optional[str] = None
    # The sources state no licence for any demo file.
    license_id: str = "notspecified"

    def file_paths(self, data_dir: Path) -> list[Path]:
        return [data_dir / "data" / self.source / res.file for res in self.resources]


@dataclass
class DemoManifest:
    organizations: list[dict[str, str]]
    datasets: list[DemoDataset]
    accorderies: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DemoReport:
    """Counts of what one run of the loader created, updated and skipped."""

    organizations_created: int = 0
    organizations_updated: int = 0
    datasets_created: int = 0
    datasets_updated: int = 0
    resources_uploaded: int = 0
    resources_unchanged: int = 0
    datastore_submitted: int = 0
    accorderies_created: int = 0
    skipped: list[str] = field(default_factory=list)


def default_data_dir() -> Path:
    """Return the demo folder: the configured one, or demo/ of the checkout."""
    configured = tk.config.get("ckanext.agen_theme.demo_data_dir")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "demo"


def read_manifest(data_dir: Path) -> DemoManifest:
    """Parse ``datasets.yaml`` of ``data_dir`` into a manifest."""
    with open(data_dir / "datasets.yaml", encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)

    datasets = []
    for item in raw["datasets"]:
        resources = [DemoResource(**res) for res in item.pop("resources")]
        datasets.append(DemoDataset(resources=resources, **item))
    return DemoManifest(
        organizations=raw["organizations"],
        datasets=datasets,
        accorderies=raw.get("accorderies", []),
    )


def unreadable_files(dataset: DemoDataset, data_dir: Path) -> list[str]:
    """Return a message for each file of ``dataset`` that cannot be read."""
    problems = []
    for path in dataset.file_paths(data_dir):
        try:
            with open(path, "rb") as handle:
                if not handle.read(1):
                    problems.append(f"{path}: the file is empty")
        except OSError as error:
            problems.append(f"{path}: {error.strerror or error}")
    return problems


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _bbox_polygon(bbox: list[float]) -> str:
    west, south, east, north = bbox
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _show_or_none(action: str, name: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action(action)(_context(), {"id": name})
    except tk.ObjectNotFound:
        return None


def upsert_organization(org: dict[str, str], report: DemoReport) -> None:
    existing = _show_or_none("organization_show", org["name"])
    if existing is None:
        tk.get_action("organization_create")(_context(), dict(org))
        report.organizations_created += 1
        log.info("Demo organisation created: %s", org["name"])
        return

    tk.get_action("organization_patch")(
        _context(), {"id": existing["id"], "title": org["title"], "description": org["description"]}
    )
    report.organizations_updated += 1


def _dataset_dict(dataset: DemoDataset, producer: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes.strip(),
        "owner_org": dataset.organization,
        "tags": [{"name": tag} for tag in dataset.tags],
        "license_id": dataset.license_id,
        "producer_name": producer,
        "theme": dataset.themes,
    }
    optional = {
        "frequency": dataset.frequency,
        "producer_siret": dataset.producer_siret,
        "spatial_granularity": dataset.spatial_granularity,
        "spatial_text": dataset.spatial_text,
        "spatial_insee_code": dataset.spatial_insee_code,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "issued": dataset.issued,
    }
    data.update({key: value for key, value in optional.items() if value})
    if dataset.spatial:
        data["spatial"] = _bbox_polygon(dataset.spatial)
    return data


def _resource_is_current(resource: dict[str, Any], path: Path) -> bool:
    """Tell whether an uploaded resource already contains this exact file."""
    # CKAN stores uploads under a munged name (lower case, for one).
    stored_name = munge_filename(path.name)
    return (
        resource.get("url_type") == "upload"
        and str(resource.get("url", "")).endswith("/" + stored_name)
        and resource.get("size") == path.stat().st_size
    )


def _upload_resource(
    package_id: str, existing: Optional[dict[str, Any]], res: DemoResource, path: Path
) -> dict[str, Any]:
    with open(path, "rb") as handle:
        data = {
            "package_id": package_id,
            "name": res.name,
            "format": res.format,
            "encoding": res.encoding or "",
            "delimiter": res.delimiter or "",
            "url": path.name,
            "upload": FileStorage(stream=handle, filename=path.name),
        }
        if existing is None:
            return tk.get_action("resource_create")(_context(), data)
        data["id"] = existing["id"]
        return tk.get_action("resource_update")(_context(), data)


def _sync_resources(
    package: dict[str, Any], dataset: DemoDataset, data_dir: Path, report: DemoReport
) -> list[dict[str, Any]]:
    by_name = {res["name"]: res for res in package.get("resources", [])}
    synced = []
    for res, path in zip(dataset.resources, dataset.file_paths(data_dir)):
        existing = by_name.get(res.name)
        same_metadata = existing is not None and (
            existing.get("encoding") or None, existing.get("delimiter") or None
        ) == (res.encoding, res.delimiter)
        if existing is not None and same_metadata and _resource_is_current(existing, path):
            report.resources_unchanged += 1
            synced.append(existing)
            continue
        synced.append(_upload_resource(package["id"], existing, res, path))
        report.resources_uploaded += 1
    return synced


def _submit_to_datastore(resources: Iterable[dict[str, Any]], report: DemoReport) -> None:
    """Queue tabular resources that are not in the DataStore yet for xloader.

    xloader queues a file by itself when it is uploaded, and then returns
    False for a second request for it, so both cases count as queued.
    """
    if not p.plugin_loaded("xloader"):
        return
    for resource in resources:
        if resource.get("format", "").upper() not in TABULAR_FORMATS:
            continue
        if resource.get("datastore_active"):
            continue
        tk.get_action("xloader_submit")(_context(), {"resource_id": resource["id"]})
        report.datastore_submitted += 1


def upsert_dataset(
    dataset: DemoDataset, producer: str, data_dir: Path, report: DemoReport
) -> None:
    """Create or update one dataset with its files.

    A dataset created by this call is purged again if one of its files fails
    to upload, so that no half-created dataset stays in the catalogue.
    """
    data = _dataset_dict(dataset, producer)
    existing = _show_or_none("package_show", dataset.name)

    if existing is None:
        package = tk.get_action("package_create")(_context(), data)
        try:
            resources = _sync_resources(package, dataset, data_dir, report)
        except Exception:
            tk.get_action("dataset_purge")(_context(), {"id": package["id"]})
            raise
        report.datasets_created += 1
        log.info("Demo dataset created: %s", dataset.name)
    else:
        data["id"] = existing["id"]
        data["resources"] = existing.get("resources", [])
        package = tk.get_action("package_update")(_context(), data)
        resources = _sync_resources(package, dataset, data_dir, report)
        report.datasets_updated += 1
        log.debug("Demo dataset updated: %s", dataset.name)

    _submit_to_datastore(resources, report)


def create_missing_accorderies(accorderies: list[dict[str, Any]], report: DemoReport) -> None:
    """Create the demo accorderies that do not exist yet; existing ones stay as staff set them."""
    if not p.plugin_loaded("accorderie"):
        return
    existing = {
        acc["name"] for acc in tk.get_action("accorderie_accorderie_list")(_context(), {})
    }
    for accorderie in accorderies:
        if accorderie["name"] in existing:
            continue
        settings = dict(accorderie)
        points = settings.pop("neighbourhood_points", [])
        created = tk.get_action("accorderie_accorderie_create")(_context(), settings)
        if points:
            tk.get_action("accorderie_neighbourhood_point_update")(
                _context(), {"accorderie_id": created["id"], "points": points}
            )
        report.accorderies_created += 1
        log.info("Demo accorderie created: %s", accorderie["name"])


def load_demo(
    data_dir: Path,
    progress: Optional[Callable[[Iterable[DemoDataset]], Iterable[DemoDataset]]] = None,
) -> DemoReport:
    """Create or update every organisation and dataset of the manifest.

    :param data_dir: the folder that contains ``datasets.yaml`` and ``data/``
    :param progress: wraps the list of datasets, for example in a progress bar
    :returns: the counts of what was created, updated and skipped
    """
    manifest = read_manifest(data_dir)
    report = DemoReport()

    for org in manifest.organizations:
        upsert_organization(org, report)
    titles = {org["name"]: org["title"] for org in manifest.organizations}
    create_missing_accorderies(manifest.accorderies, report)

    datasets: Iterable[DemoDataset] = manifest.datasets
    if progress is not None:
        datasets = progress(datasets)

    for dataset in datasets:
        problems = unreadable_files(dataset, data_dir)
        if problems:
            for problem in problems:
                log.warning("Demo dataset %s skipped: %s", dataset.name, problem)
            report.skipped.extend(f"{dataset.name}: {problem}" for problem in problems)
            continue
        upsert_dataset(dataset, titles[dataset.organization], data_dir, report)

    return report


def resolve_data_dir(value: Optional[Path]) -> Path:
    """Return the folder given on the command line, or the default one."""
    return value if value else default_data_dir()


