"""Profile the busiest accorderie pages with cProfile.

Reads the database that ``bench/accorderie_bench.py`` filled and left in
place (``accorderie_bench``). Each page is requested through CKAN's whole
WSGI stack (werkzeug's test client, in process, no network), first timed
without the profiler, then under cProfile. The script prints the median
time per request, the number of SQL statements per request and the
functions with the most cumulative time. The only row it writes is an
API token of the member ``bench-0``.

Run from the checkout after the benchmark, as root::

    .venv/bin/python bench/accorderie_pages_profile.py [--repeat 30] [--top 25]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accorderie_bench import ACCORDERIE, DATABASE, ROOT, read_env  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="Requests per page.")
    parser.add_argument("--top", type=int, default=25, help="Functions listed per page.")
    args = parser.parse_args()

    env = read_env()
    os.environ["CKAN_SQLALCHEMY_URL"] = (
        f"postgresql://ckan_default:{env['AGEN_DB_PASSWORD']}@127.0.0.1:{env['AGEN_PG_PORT']}/{DATABASE}"
    )
    os.environ["CKAN_SOLR_URL"] = f"http://127.0.0.1:{env['AGEN_SOLR_PORT']}/solr/ckan_test"
    os.environ["CKAN_REDIS_URL"] = f"redis://127.0.0.1:{env['AGEN_REDIS_PORT']}/2"

    import sqlalchemy as sa
    from werkzeug.test import Client

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    flask_app = app._wsgi_app  # type: ignore[attr-defined]
    with flask_app.test_request_context():
        token = tk.get_action("api_token_create")(
            {"ignore_auth": True, "user": "bench-0"}, {"user": "bench-0", "name": "profile"},
        )["token"]
    client = Client(app)
    auth = {"Authorization": token}

    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    sa.event.listen(model.meta.engine, "before_cursor_execute", count)

    pages = {
        "/dataset": ("/dataset", {}),
        "services (filter)": (f"/accorderie/{ACCORDERIE}/services?type=offer&category_id=music", {}),
        "my account": (f"/accorderie/{ACCORDERIE}/account", auth),
    }
    for label, (path, headers) in pages.items():
        client.get(path, headers=headers)  # warm the template cache
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} returned HTTP {response.status_code}")

        statements = 0
        profile = cProfile.Profile()
        for _ in range(args.repeat):
            profile.enable()
            client.get(path, headers=headers)
            profile.disable()
        output = io.StringIO()
        pstats.Stats(profile, stream=output).sort_stats("cumulative").print_stats(args.top)
        print(f"\n=== {label}: median {statistics.median(times):.1f} ms without the profiler, "
              f"{statements / args.repeat:.1f} SQL statements per request")
        print(output.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
