"""``ckan agen ...`` commands of the Agen portal."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import click

from ckanext.agen_theme import demo

log = logging.getLogger(__name__)

__all__ = ["agen"]


@click.group(short_help="Commands of the Agen portal.")
def agen() -> None:
    """Commands of the Agen portal."""


@agen.command("load-demo")
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder with datasets.yaml and data/ (default: the demo/ folder of the checkout).",
)
def load_demo(data_dir: Optional[Path]) -> None:
    """Create or update the demo organisations and datasets from real files."""
    folder = demo.resolve_data_dir(data_dir)

    def progress(datasets):
        datasets = list(datasets)
        with click.progressbar(
            datasets,
            label="Loading the demo datasets",
            item_show_func=lambda item: item.name if item else "",
        ) as bar:
            yield from bar

    report = demo.load_demo(folder, progress=progress)

    click.echo(
        f"Organisations: {report.organizations_created} created, "
        f"{report.organizations_updated} updated."
    )
    click.echo(
        f"Datasets: {report.datasets_created} created, {report.datasets_updated} updated; "
        f"files: {report.resources_uploaded} uploaded, {report.resources_unchanged} unchanged; "
        f"{report.datastore_submitted} queued for the DataStore."
    )
    if report.accorderies_created:
        click.echo(f"Accorderies: {report.accorderies_created} created.")
    for problem in report.skipped:
        click.secho(f"Skipped {problem}", fg="yellow", err=True)

