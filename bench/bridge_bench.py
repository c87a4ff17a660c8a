"""Benchmark of the monthly statistics and the neighbourhood map.

Creates its own database ``accorderie_bridge_bench`` (dropped first if it
exists; never the portal's or the tests'), migrates it and fills it with
the data generator of ``accorderie_bench.py``: members, settled exchanges
spread over the twelve months of 2026, one in four naming a service, and
services, a tenth of them linked to a dataset. Then it times, in process:

- ``stats.monthly_rows`` for one month, the query and arithmetic that
  ``ckan accorderie publish-stats --month`` runs before writing rows;
- ``stats.months_with_activity``, the first step of ``--all``;
- ``accorderie_neighbourhood_map_show``, the action behind the map.

Writing to the DataStore is not timed: it writes one totals row per
accorderie and one row per category or neighbourhood, whatever the number
of exchanges.

Run from the checkout after ``bin/services start``, as root (it creates the
database as the ``postgres`` user over the local socket)::

    .venv/bin/python bench/bridge_bench.py [--members 10000]
        [--services 10000] [--entries 1000000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accorderie_bench as base  # noqa: E402

base.DATABASE = "accorderie_bridge_bench"


def spread_exchanges(connection, package_id: str) -> None:
    """Spread the exchanges over 2026, name a service on one in four, and
    link a tenth of the services to the dataset ``package_id``."""
    cursor = connection.cursor()
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        "UPDATE accorderie_exchange SET exchange_date = date '2026-01-01' + (random() * 364)::int"
    )
    cursor.execute(
        """
        WITH numbered AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n FROM accorderie_service
        ), total AS (SELECT count(*) AS c FROM numbered)
        UPDATE accorderie_exchange e SET service_id = numbered.id
        FROM numbered, total
        WHERE random() < 0.25 AND numbered.n = 1 + (abs(hashtext(e.id)) % total.c)
        """
    )
    cursor.execute(
        "INSERT INTO accorderie_service_dataset (service_id, package_id) "
        "SELECT id, %s FROM accorderie_service WHERE random() < 0.1",
        (package_id,),
    )
    connection.commit()


def timed(call, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="Timed calls per case.")
    args = parser.parse_args()

    env = base.read_env()
    url = base.create_database(env)
    base.migrate(url, env)
    os.environ["CKAN_SQLALCHEMY_URL"] = url
    os.environ["CKAN_SOLR_URL"] = f"http://127.0.0.1:{env['AGEN_SOLR_PORT']}/solr/ckan_test"
    os.environ["CKAN_REDIS_URL"] = f"redis://127.0.0.1:{env['AGEN_REDIS_PORT']}/2"

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.accorderie import stats

    app = make_app(load_config(str(base.ROOT / "test.ini")))
    flask_app = app._wsgi_app  # type: ignore[attr-defined]

    connection = model.meta.engine.raw_connection()
    filler = base.Filler(connection, random.Random(42))
    started = time.perf_counter()
    filler.base(args.members)
    filler.ledger(args.entries)
    filler.services(args.services)
    package_id = str(uuid.uuid4())
    cursor = connection.cursor()
    cursor.execute(
        "INSERT INTO package (id, name, type, state, private, metadata_modified) "
        "VALUES (%s, 'budget-bench', 'dataset', 'active', false, now())",
        (package_id,),
    )
    connection.commit()
    spread_exchanges(connection, package_id)
    filler.analyze()
    exchanges = args.entries // 2 - args.members
    print(f"Filled {args.members} members, {args.services} services and about {exchanges} "
          f"exchanges over 12 months in {time.perf_counter() - started:.1f} s")

    with flask_app.test_request_context():
        results = {
            "stats.monthly_rows (one month)": timed(
                lambda: stats.monthly_rows(model.Session, "2026-06", 5), args.repeat
            ),
            "stats.months_with_activity": timed(
                lambda: stats.months_with_activity(model.Session), args.repeat
            ),
            "accorderie_neighbourhood_map_show": timed(
                lambda: tk.get_action("accorderie_neighbourhood_map_show")(
                    {"user": ""}, {"accorderie_id": base.ACCORDERIE}
                ),
                args.repeat,
            ),
        }
        totals, breakdown = stats.monthly_rows(model.Session, "2026-06", 5)
        model.Session.rollback()

    print(f"\n{'case':<40} {'median':>10} {'max':>10}")
    for name, (median, worst) in results.items():
        print(f"{name:<40} {median * 1000:>8.1f} ms {worst * 1000:>8.1f} ms")
    print(f"\nJune 2026: {totals[0]['exchanges']} exchanges, {totals[0]['reuses']} reuses, "
          f"{len(breakdown)} breakdown rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
