"""Time the catalogue pages with the Agen plugins and with stock CKAN.

The script empties the TEST database and Solr core, creates 1,000 datasets
of the Agen schema and indexes them with the Agen hooks. Two child
processes then load CKAN on those rows, one with the plugins
``agen_theme scheming_datasets spatial_metadata spatial_query`` (the Agen
schema, facets and search hooks) and one with no plugin at all (CKAN's
default dataset schema and facets). The parent sends them the same request
in turn, Agen then stock or stock then Agen, so that both sides share each
moment of the machine's load.

Both sides read the same search index, built with the Agen hooks, because
rebuilding it between two requests would take minutes. Stock CKAN reads
the fields of its own schema in those documents and ignores the others.

It prints, per round and over all rounds, the median time of each request
on each side and the ratio Agen / stock. Run it from the checkout, on the
test services (it wipes ``ckan_test``)::

    source bin/lib.sh && export_ckan_env test ckan_test
    .venv/bin/python bench/catalogue_bench.py --ini test.ini
"""
from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import random
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any, Callable

DATASETS = 1000
WARMUP = 3
AGEN_PLUGINS = "agen_theme scheming_datasets spatial_metadata spatial_query"
STOCK_PLUGINS = ""
REQUEST_NAMES = ("/dataset/?q=budget (facets)", "/dataset/jeu-0500", "package_search q=budget")
THEMES = ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "REGI", "SOCI", "TRAN"]
FREQUENCIES = ["ANNUAL", "MONTHLY", "WEEKLY", "IRREG", "UNKNOWN"]
PRODUCERS = [
    "Ville d'Agen", "Agglomération d'Agen", "Département de Lot-et-Garonne",
    "Région Nouvelle-Aquitaine", "Accorderie d'Agen",
]
SUBJECTS = [
    "Écoles maternelles", "Arrêts de bus", "Zones bleues", "Budget primitif",
    "Subventions aux associations", "Qualité de l'air", "Équipements sportifs",
    "Délibérations", "Marchés publics", "Parkings",
]
TAGS = ["écoles", "transport", "budget", "qualité de l'air", "sport", "mobilité", "finances"]


def dataset_fields(number: int, owner_org: str, rng: random.Random) -> dict[str, Any]:
    """Return the fields of the ``number``-th benchmark dataset."""
    longitude = 0.55 + rng.random() * 0.15
    latitude = 44.15 + rng.random() * 0.10
    return {
        "name": f"jeu-{number:04d}",
        "title": f"{rng.choice(SUBJECTS)} {2000 + number % 25} n°{number}",
        # Each dataset has its own description, as on the portal, so that
        # no page of results repeats another's descriptions.
        "notes": (
            f"Jeu n°{number} du banc d'essai du catalogue d'Agen. "
            f"**{rng.choice(SUBJECTS)}**, voir [le site de la ville](https://www.agen.fr/)."
        ),
        "owner_org": owner_org,
        "tags": [{"name": tag} for tag in rng.sample(TAGS, 2)],
        "theme": rng.sample(THEMES, 2),
        "frequency": rng.choice(FREQUENCIES),
        "producer_name": rng.choice(PRODUCERS),
        "producer_siret": "21930048000015",
        "spatial_granularity": "municipal",
        "spatial_text": "Agen",
        "spatial": json.dumps({"type": "Point", "coordinates": [longitude, latitude]}),
        "temporal_start": "01/01/2024",
        "temporal_end": "31/12/2024",
        "license_id": "etalab-2.0",
        "resources": [
            {"url": f"http://127.0.0.1/jeu-{number}.csv", "format": "CSV", "name": "Données"}
        ],
    }


def load_plugins(names: str) -> None:
    import ckan.plugins as p
    from ckan.common import config

    p.unload_all()
    config["ckan.plugins"] = names
    p.load_all()


def start_ckan(ini: str, plugins: str) -> None:
    """Load CKAN's configuration and environment in this process."""
    from ckan.cli import load_config
    from ckan.config.environment import load_environment

    config = load_config(ini)
    config["ckan.plugins"] = plugins
    load_environment(config)
    # Creating datasets without the view plugins logs a warning per view type.
    logging.getLogger("ckan").setLevel(logging.ERROR)
    logging.getLogger("ckanext").setLevel(logging.ERROR)
    load_plugins(plugins)


def get_ok(client, url: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} returned {response.status_code}")

    return call


def request_calls() -> dict[str, Callable[[], Any]]:
    """Return the timed requests by name, for the plugins loaded now."""
    from ckan.plugins import toolkit as tk
    from ckan.tests import helpers

    client = helpers._get_test_app()
    search = tk.get_action("package_search")
    calls = [
        get_ok(client, "/dataset/?q=budget"),
        get_ok(client, "/dataset/jeu-0500"),
        lambda: search(
            {"ignore_auth": True},
            {"q": "budget", "rows": 20, "facet.field": '["tags","res_format"]'},
        ),
    ]
    return dict(zip(REQUEST_NAMES, calls))


def serve_timings(ini: str, plugins: str, connection: Connection) -> None:
    """Run in a child process: time each request the parent names.

    The child sends "ready" once CKAN is loaded and warmed up, then one
    duration in milliseconds per request name, until it receives None.
    """
    start_ckan(ini, plugins)
    calls = request_calls()
    for _ in range(WARMUP):
        for call in calls.values():
            call()
    connection.send("ready")

    while True:
        name = connection.recv()
        if name is None:
            break
        start = time.perf_counter()
        calls[name]()
        connection.send((time.perf_counter() - start) * 1000)
    connection.close()


def load_datasets() -> None:
    """Empty the database and index, then create the benchmark datasets."""
    from ckan.common import config
    from ckan.lib import search
    from ckan.plugins import toolkit as tk
    from ckan.tests import helpers

    helpers.reset_db()
    search.clear_all()

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    org = tk.get_action("organization_create")(dict(context), {"name": "banc-d-essai"})

    rng = random.Random(2026)
    config["ckan.search.solr_commit"] = False
    start = time.perf_counter()
    for number in range(DATASETS):
        tk.get_action("package_create")(dict(context), dataset_fields(number, org["id"], rng))
    search.commit()
    config["ckan.search.solr_commit"] = True
    print(f"Created {DATASETS} datasets in {time.perf_counter() - start:.0f} s")


def rebuild_index() -> None:
    import contextlib
    import io

    from ckan.lib import search

    # search.rebuild() prints one progress line per dataset.
    with contextlib.redirect_stdout(io.StringIO()):
        search.rebuild()
    search.commit()


def start_side(context, ini: str, plugins: str) -> tuple[Any, Connection]:
    parent_end, child_end = context.Pipe()
    process = context.Process(target=serve_timings, args=(ini, plugins, child_end))
    process.start()
    child_end.close()
    if parent_end.recv() != "ready":
        raise RuntimeError(f"the child process with plugins {plugins!r} did not start")
    return process, parent_end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", default="test.ini", help="CKAN ini file (default: test.ini)")
    parser.add_argument("--repeats", type=int, default=40,
                        help="timed pairs of requests per request and round (default: 40)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default: 5)")
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the datasets and index of a previous run instead of creating them again",
    )
    args = parser.parse_args()

    start_ckan(args.ini, AGEN_PLUGINS)
    if not args.reuse:
        load_datasets()
        # A full rebuild after the writes, so that PostgreSQL and Solr are
        # no longer busy with them when the timing starts.
        rebuild_index()

    # "spawn" gives each side a fresh interpreter: CKAN's plugins are
    # global to a process, so the two sets cannot live in one.
    context = multiprocessing.get_context("spawn")
    sides = {
        "Agen": start_side(context, args.ini, AGEN_PLUGINS),
        "stock": start_side(context, args.ini, STOCK_PLUGINS),
    }
    names = list(REQUEST_NAMES)

    # samples[name][side][round] is the list of durations in ms.
    samples = {
        name: {side: [[] for _ in range(args.rounds)] for side in sides} for name in names
    }
    for round_number in range(args.rounds):
        for repeat in range(args.repeats):
            # Which side goes first alternates, so that neither side always
            # gets the caches the other one has just warmed.
            order = ["Agen", "stock"] if repeat % 2 == 0 else ["stock", "Agen"]
            for name in names:
                for side in order:
                    connection = sides[side][1]
                    connection.send(name)
                    samples[name][side][round_number].append(connection.recv())

    for process, connection in sides.values():
        connection.send(None)
        process.join()

    print(f"\n{'round':6} {'request':32} {'Agen ms':>9} {'stock ms':>9} {'ratio':>6}")
    for round_number in range(args.rounds):
        for name in names:
            agen = statistics.median(samples[name]["Agen"][round_number])
            stock = statistics.median(samples[name]["stock"][round_number])
            print(f"{round_number + 1:<6} {name:32} {agen:9.1f} {stock:9.1f} {agen / stock:6.2f}")

    pairs = args.rounds * args.repeats
    print(f"\nMedian over all {pairs} interleaved pairs of each request")
    for name in names:
        agen = statistics.median(sum(samples[name]["Agen"], []))
        stock = statistics.median(sum(samples[name]["stock"], []))
        print(f"{'all':6} {name:32} {agen:9.1f} {stock:9.1f} {agen / stock:6.2f}")


if __name__ == "__main__":
    main()
