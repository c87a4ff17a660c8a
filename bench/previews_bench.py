"""Time the DataStore load of a French CSV: our path against xloader's own.

Generates a 50,000-row file shaped like the Gironde budget (Windows-1252,
";" delimiter, decimal commas, day-first dates). Then it loads the file into
two resources of a throw-away dataset on the test databases: once through
``ckanext.agen_theme.previews.loader.load_bytes`` (detection, normalisation,
typed table, then xloader's ``load_csv``) and once through xloader's
``load_csv`` alone on the raw file. Each path runs three times, alternately,
and the medians are printed with their ratio.

Run it from the checkout, with the services started (``bin/services start``):

    bin/bench-previews

which exports the test databases' URLs and calls this script.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

ROWS = 50_000
RUNS = 3
PLUGINS = "agen_theme scheming_datasets activity datastore xloader agen_previews"

HEADER = ["Département", "Budget", "Type nomenclature", "Exercice", "Type fichier", "Date vote",
          "Dépense/Recette", "Investissement/Fonctionnement", "Réel/Ordre id/Ordre diff", "Chapitre",
          "Sous-chapitre", "Opération", "Article", "Rubrique fonctionnelle", "Libellé", "Code devise", "Montant"]
LABELS = ["Dépenses de personnel", "Achats et variations de stocks", "Subventions d’équipement versées",
          "Œuvres et objets d’art", "Participations — coûts € réels", "Charges à caractère général"]


def generate(path: Path, rows: int, seed: int = 2015) -> None:
    """Write a Gironde-shaped budget of ``rows`` lines in Windows-1252."""
    rng = random.Random(seed)
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write(";".join(HEADER) + "\r\n")
        for index in range(rows):
            amount = f"{rng.randint(0, 9_999_999)},{rng.randint(0, 99):02d}"
            handle.write(";".join([
                "C001", "B00", "M52", "2015", "CA", f"{rng.randint(1, 28):02d}/04/2016",
                rng.choice("DR"), rng.choice("IF"), "OR", f"C{rng.randint(10, 99)}", "", "",
                f"A{rng.randint(1000, 9999)}", f"R{rng.randint(1, 99):02d}",
                f"{rng.choice(LABELS)} n° {index}", "E", amount,
            ]) + "\r\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="test.ini", help="CKAN ini file (default: test.ini)")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"rows in the generated file (default: {ROWS})")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(os.path.abspath(args.config))
    config["ckan.plugins"] = PLUGINS
    config["ckanext.xloader.api_token"] = "unused-by-this-benchmark"
    app = make_app(config)
    logging.getLogger().setLevel(logging.WARNING)
    quiet = logging.getLogger("previews_bench")
    quiet.setLevel(logging.WARNING)

    import ckan.plugins.toolkit as tk
    from ckanext.xloader import loader as xloader_loader

    from ckanext.agen_theme.previews.loader import load_bytes

    with app._wsgi_app.test_request_context(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "budget.csv"
        generate(path, args.rows)
        size = path.stat().st_size

        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"ignore_auth": True, "user": site_user["name"]}
        org = tk.get_action("organization_create")(context, {"name": f"bench-{int(time.time())}"})
        package = tk.get_action("package_create")(context, {
            "name": f"bench-previews-{int(time.time())}", "title": "Benchmark", "owner_org": org["id"],
            "notes": "Benchmark", "license_id": "notspecified", "producer_name": "Benchmark",
            "resources": [{"url": "http://127.0.0.1/ours.csv", "name": "ours"},
                          {"url": "http://127.0.0.1/xloader.csv", "name": "xloader"}],
        })
        ours, theirs = (resource["id"] for resource in package["resources"])

        ours_times, theirs_times = [], []
        try:
            for _run in range(RUNS):
                start = time.perf_counter()
                load_bytes(ours, path.read_bytes(), logger=quiet)
                ours_times.append(time.perf_counter() - start)

                start = time.perf_counter()
                xloader_loader.load_csv(str(path), resource_id=theirs, mimetype="text/csv", logger=quiet)
                xloader_loader.calculate_record_count(resource_id=theirs, logger=quiet)
                theirs_times.append(time.perf_counter() - start)
        finally:
            tk.get_action("dataset_purge")(context, {"id": package["id"]})
            tk.get_action("organization_purge")(context, {"id": org["id"]})

    ours_median = statistics.median(ours_times)
    theirs_median = statistics.median(theirs_times)
    print(f"file: {args.rows} rows, {size / 1e6:.1f} MB, Windows-1252, ';', decimal commas")
    print(f"our path (detect, normalise, typed table, xloader load_csv): median {ours_median:.2f} s "
          f"of {', '.join(f'{t:.2f}' for t in ours_times)}")
    print(f"xloader load_csv alone (all columns text):                  median {theirs_median:.2f} s "
          f"of {', '.join(f'{t:.2f}' for t in theirs_times)}")
    print(f"ratio ours / xloader: {ours_median / theirs_median:.2f} (target: at most 1.20)")


if __name__ == "__main__":
    main()
