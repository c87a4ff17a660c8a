"""Time the catalogue pages with the Agen plugins and with stock CKAN.

The script empties the TEST database and Solr core, creates 1,000 datasets
of the Agen schema, then times three requests on the same rows, in rounds
that alternate two set-ups:

- with the plugins ``agen_theme scheming_datasets spatial_metadata
  spatial_query`` (the Agen schema, facets and indexing hooks);
- with no plugin at all (CKAN's default dataset schema and facets), after
  rebuilding the search index without the hooks.

It prints the median time of each request, per round and over all rounds,
and the ratio Agen / stock. Run it from the checkout, on the test services
(it wipes ``ckan_test``)::

    source bin/lib.sh && export_ckan_env test ckan_test
    .venv/bin/python bench/catalogue_bench.py --ini test.ini
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import time
from typing import Any, Callable

DATASETS = 1000
WARMUP = 3
AGEN_PLUGINS = "agen_theme scheming_datasets spatial_metadata spatial_query"
STOCK_PLUGINS = ""
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
        "notes": "Données d'exemple du banc d'essai du catalogue d'Agen.",
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


def make_client():
    """Build a new WSGI app for the loaded plugins, with a test client."""
    from ckan.tests import helpers

    return helpers._get_test_app()


def median_ms(call: Callable[[], Any], repeats: int) -> float:
    for _ in range(WARMUP):
        call()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def get_ok(client, url: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} returned {response.status_code}")

    return call


def time_requests(repeats: int) -> dict[str, float]:
    """Time the three requests with the plugins loaded now."""
    from ckan.plugins import toolkit as tk

    client = make_client()
    search = tk.get_action("package_search")
    return {
        "/dataset?q=budget (facets)": median_ms(get_ok(client, "/dataset/?q=budget"), repeats),
        "/dataset/jeu-0500": median_ms(get_ok(client, "/dataset/jeu-0500"), repeats),
        "package_search q=budget": median_ms(
            lambda: search({"ignore_auth": True}, {"q": "budget", "rows": 20,
                                                   "facet.field": '["tags","res_format"]'}),
            repeats,
        ),
    }


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", default="test.ini", help="CKAN ini file (default: test.ini)")
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per page")
    parser.add_argument("--rounds", type=int, default=2, help="Agen/stock rounds to alternate")
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the datasets of a previous run instead of creating them again",
    )
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.environment import load_environment

    config = load_config(args.ini)
    config["ckan.plugins"] = AGEN_PLUGINS
    load_environment(config)
    logging.getLogger("ckan").setLevel(logging.WARNING)
    logging.getLogger("ckanext").setLevel(logging.WARNING)

    load_plugins(AGEN_PLUGINS)
    if not args.reuse:
        load_datasets()

    # Each measurement follows a full rebuild of the index with the plugins
    # it uses, so that both sides start from the same state of Solr and
    # PostgreSQL. Rounds alternate the two sides to spread the load of a
    # shared machine over both.
    rounds: list[tuple[dict[str, float], dict[str, float]]] = []
    for _ in range(args.rounds):
        load_plugins(AGEN_PLUGINS)
        rebuild_index()
        agen = time_requests(args.repeats)

        load_plugins(STOCK_PLUGINS)
        rebuild_index()
        stock = time_requests(args.repeats)
        rounds.append((agen, stock))

    # Back to the Agen index, so that the test core is not left half-stock.
    load_plugins(AGEN_PLUGINS)
    rebuild_index()

    print(f"\n{'round':6} {'request':32} {'Agen ms':>9} {'stock ms':>9} {'ratio':>6}")
    for number, (agen, stock) in enumerate(rounds, start=1):
        for name in agen:
            ratio = agen[name] / stock[name]
            print(f"{number:<6} {name:32} {agen[name]:9.1f} {stock[name]:9.1f} {ratio:6.2f}")

    print(f"\nMedian over {args.rounds} rounds")
    for name in rounds[0][0]:
        agen_ms = statistics.median(agen[name] for agen, _stock in rounds)
        stock_ms = statistics.median(stock[name] for _agen, stock in rounds)
        print(f"{'all':6} {name:32} {agen_ms:9.1f} {stock_ms:9.1f} {agen_ms / stock_ms:6.2f}")


if __name__ == "__main__":
    main()
