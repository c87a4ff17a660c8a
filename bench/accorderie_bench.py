"""Benchmark of the accorderie Action API and ledger audit.

Creates its own database ``accorderie_bench`` (dropped first if it exists;
never the portal's or the tests'), migrates it, fills it through
PostgreSQL's COPY, then times API calls through CKAN's full request stack
(Flask test client, in process, no network):

- ``status_show``, the reference;
- CKAN's own ``package_list`` and ``tag_list`` on their empty tables, for
  what CKAN's stack costs an action that validates its input and makes one
  SQL query;
- ``accorderie_service_list`` with filters, and with a French text query
  sorted newest first (the default) and by relevance;
- ``accorderie_service_show``;
- ``accorderie_member_statement`` and ``accorderie_member_balance``, as the
  member, with an API token;
- the pages of the service list with a filter, of a service and of the
  member's account, beside CKAN's ``/dataset`` page (anonymous, and with
  the member's token for the account), requested in turns, one of each per
  round, so that the load of a shared machine weighs on them alike;

first with the small number of services, then with the full one, and
prints the median, the 95th percentile and the ratio to ``status_show``.
Finally it times the full ledger audit.

Run from the checkout after ``bin/services start``, as root (it creates the
database as the ``postgres`` user over the local socket, as bin/services
does)::

    .venv/bin/python bench/accorderie_bench.py [--members 10000]
        [--services 100000] [--small-services 1000] [--entries 1000000]
        [--repeat 200] [--audit-only]

``--audit-only`` fills the members and the ledger, skips the services and
the API calls, and times only the audit.
"""
from __future__ import annotations

import argparse
import datetime
import io
import logging
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "accorderie_bench"
ACCORDERIE = "agen-bench"
NEIGHBOURHOODS = ["Centre", "Pin", "Tapie", "Montanou", "Rodrigues", "Donnefort"]
CATEGORIES = [
    "diy", "gardening", "computers", "cooking", "sewing", "accompaniment", "tutoring",
    "languages", "paperwork", "transport", "pet-care", "housework", "childcare", "music",
]
# Service titles as members write them; 2 of the 60 contain "ménage", so
# the text query "menage" matches about 3% of the services.
TITLES = [
    "Ménage et repassage", "Petits ménages", "Repassage de chemises", "Tonte de pelouse",
    "Taille de haies", "Potager partagé", "Montage de meubles", "Petite plomberie",
    "Réparation de vélo", "Peinture de volets", "Pose d'étagères", "Cours d'anglais",
    "Conversation en espagnol", "Initiation à l'italien", "Aide aux devoirs de mathématiques",
    "Soutien scolaire en français", "Cours de guitare", "Leçons de piano", "Chorale de quartier",
    "Cuisine du Lot-et-Garonne", "Pâtisserie pour débutants", "Confitures maison",
    "Couture et ourlets", "Retouches de vêtements", "Tricot pour tous", "Dépannage informatique",
    "Installation d'imprimante", "Initiation à la tablette", "Création d'adresse électronique",
    "Aide aux démarches administratives", "Déclaration d'impôts", "Lecture du courrier",
    "Accompagnement chez le médecin", "Visite à domicile", "Promenade avec une personne âgée",
    "Courses au marché", "Covoiturage vers la gare", "Transport à l'hôpital", "Déménagement de cartons",
    "Garde de chat", "Promenade de chien", "Soins des poules", "Garde d'enfants le mercredi",
    "Sortie d'école", "Lecture de contes", "Photographie de famille", "Montage vidéo",
    "Coupe de cheveux", "Massage des mains", "Yoga doux", "Marche nordique",
    "Jeux de société", "Échecs pour débutants", "Écriture de lettres", "Traduction de documents",
    "Arrosage pendant les vacances", "Relevé du courrier pendant les vacances",
    "Bricolage électrique simple", "Remplacement de joints", "Nettoyage de vitres",
]
SERVICE_SPAN_SECONDS = 2 * 365 * 24 * 3600
SYLLABLES = ["ba", "lo", "ri", "ta", "mu", "ne", "so", "vi", "ga", "pe", "du", "ki", "fo", "ze", "cha", "ran"]


def read_env() -> dict[str, str]:
    """Read the checkout's ports and generated passwords (KEY=VALUE files)."""
    env = {"AGEN_PG_PORT": "15432", "AGEN_SOLR_PORT": "18983", "AGEN_REDIS_PORT": "16379"}
    for name in ("local.env", ".services/secrets.env"):
        path = ROOT / name
        if path.exists():
            for line in path.read_text().splitlines():
                if "=" in line and not line.lstrip().startswith("#"):
                    key, value = line.split("=", 1)
                    env[key.strip()] = value.strip()
    return env


def psql_as_postgres(env: dict[str, str], sql: str) -> None:
    socket = ROOT / ".services" / "postgres" / "socket"
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-h", str(socket), "-p", env["AGEN_PG_PORT"],
         "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        check=True,
    )


def create_database(env: dict[str, str]) -> str:
    """Drop and create the benchmark database; return its URL."""
    psql_as_postgres(env, f"DROP DATABASE IF EXISTS {DATABASE}")
    psql_as_postgres(
        env, f"CREATE DATABASE {DATABASE} OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0"
    )
    return (
        f"postgresql://ckan_default:{env['AGEN_DB_PASSWORD']}@127.0.0.1:{env['AGEN_PG_PORT']}/{DATABASE}"
    )


def migrate(url: str, env: dict[str, str]) -> None:
    run_env = dict(
        os.environ,
        CKAN_SQLALCHEMY_URL=url,
        CKAN_SOLR_URL=f"http://127.0.0.1:{env['AGEN_SOLR_PORT']}/solr/ckan_test",
        CKAN_REDIS_URL=f"redis://127.0.0.1:{env['AGEN_REDIS_PORT']}/2",
    )
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ckan"), "-c", str(ROOT / "test.ini"), "db", "upgrade"],
        check=True, env=run_env, stdout=subprocess.DEVNULL,
    )


# Filling


def copy_rows(cursor: Any, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY ``rows`` into ``table`` in one round trip; return the row count."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        return "{" + ",".join(f'"{v}"' for v in value) + "}"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class Filler:
    """Generate and COPY the benchmark data."""

    def __init__(self, connection: Any, rng: random.Random) -> None:
        self.connection = connection
        self.rng = rng
        self.accorderie_id = str(uuid.uuid4())
        self.member_ids: list[str] = []
        self.user_names: list[str] = []
        self.published_ids: list[str] = []
        self.now = datetime.datetime(2026, 12, 1, 12, 0)

    def base(self, members: int) -> None:
        cursor = self.connection.cursor()
        copy_rows(cursor, "accorderie_accorderie",
                  ["id", "name", "title", "opening_credit", "min_balance", "max_balance",
                   "max_exchange", "neighbourhoods", "self_recording", "created"],
                  [(self.accorderie_id, ACCORDERIE, "Accorderie d'Agen (banc d'essai)", 900,
                    -1_000_000, 1_000_000, 240, NEIGHBOURHOODS, True, self.now)])
        copy_rows(cursor, "accorderie_category", ["id", "label_fr", "label_en"],
                  [(c, c.capitalize(), c) for c in CATEGORIES])

        user_ids = [str(uuid.uuid4()) for _ in range(members)]
        self.user_names = [f"bench-{i}" for i in range(members)]
        copy_rows(cursor, '"user"', ["id", "name", "fullname", "email", "state", "sysadmin", "created"],
                  [(user_ids[i], self.user_names[i], f"Accordeur {i}", f"bench-{i}@example.org",
                    "active", False, self.now) for i in range(members)])

        self.member_ids = [str(uuid.uuid4()) for _ in range(members)]
        copy_rows(cursor, "accorderie_member",
                  ["id", "accorderie_id", "user_id", "number", "state", "role", "neighbourhood",
                   "email", "email_visibility", "phone_visibility", "address_visibility",
                   "applied", "approved"],
                  [(self.member_ids[i], self.accorderie_id, user_ids[i], i + 1, "active", "member",
                    self.rng.choice(NEIGHBOURHOODS), f"bench-{i}@example.org", "members", "staff",
                    "staff", self.now, self.now) for i in range(members)])
        self.connection.commit()

    def ledger(self, entries: int) -> None:
        """Write accounts, opening credits and settled exchanges: ``entries``
        ledger entries in all, with balances that match them."""
        cursor = self.connection.cursor()
        members = len(self.member_ids)
        balances = [0] * (members + 1)  # index 0: the association
        exchanges, transfers, entry_rows = [], [], []
        transfer_id = 0

        def add_transfer(exchange_id: Any, credited: int, debited: int, minutes: int) -> None:
            nonlocal transfer_id
            transfer_id += 1
            kind = "exchange" if exchange_id else "opening_credit"
            transfers.append((transfer_id, self.accorderie_id, kind, exchange_id, self.now))
            entry_rows.append((transfer_id, credited + 1, minutes))
            entry_rows.append((transfer_id, debited + 1, -minutes))
            balances[credited] += minutes
            balances[debited] -= minutes

        for i in range(1, members + 1):
            add_transfer(None, i, 0, 900)
        day = datetime.date(2026, 1, 1)
        for _ in range(max(0, (entries - 2 * members) // 2)):
            provider, receiver = self.rng.sample(range(1, members + 1), 2)
            minutes = self.rng.randint(15, 180)
            exchange_id = str(uuid.uuid4())
            pid, rid = self.member_ids[provider - 1], self.member_ids[receiver - 1]
            exchanges.append((exchange_id, self.accorderie_id, pid, rid, day, minutes, "settled",
                              pid, False, rid, self.now, self.now))
            add_transfer(exchange_id, provider, receiver, minutes)

        copy_rows(cursor, "accorderie_account", ["id", "accorderie_id", "member_id", "balance"],
                  [(i + 1, self.accorderie_id, None if i == 0 else self.member_ids[i - 1], balances[i])
                   for i in range(members + 1)])
        copy_rows(cursor, "accorderie_exchange",
                  ["id", "accorderie_id", "provider_id", "receiver_id", "exchange_date", "minutes",
                   "state", "recorded_by_id", "recorded_on_behalf", "closed_by_id", "created", "settled"],
                  exchanges)
        copy_rows(cursor, "accorderie_transfer", ["id", "accorderie_id", "kind", "exchange_id", "created"],
                  transfers)
        copy_rows(cursor, "accorderie_entry", ["id", "transfer_id", "account_id", "minutes"],
                  ((n + 1, *row) for n, row in enumerate(entry_rows)))
        for table in ("accorderie_account", "accorderie_transfer", "accorderie_entry"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        self.connection.commit()

    def services(self, count: int) -> None:
        cursor = self.connection.cursor()
        rows = []
        for _ in range(count):
            service_id = str(uuid.uuid4())
            status = self.rng.choice(["published"] * 8 + ["draft", "closed"])
            if status == "published":
                self.published_ids.append(service_id)
            title = self.rng.choice(TITLES)
            filler = " ".join(
                "".join(self.rng.choice(SYLLABLES) for _ in range(3)) for _ in range(8)
            )
            description = f"Je propose : {title.lower()}. {filler}."
            # Members publish at any time of day over the two years before now.
            created = self.now - datetime.timedelta(seconds=self.rng.randrange(SERVICE_SPAN_SECONDS))
            rows.append((
                service_id, self.accorderie_id, self.rng.choice(self.member_ids),
                self.rng.choice(["offer", "request"]), title,
                # Plain text renders as one paragraph: what render_markdown makes of it.
                description, f"<p>{description}</p>",
                self.rng.choice(CATEGORIES), self.rng.choice(NEIGHBOURHOODS),
                status, created, created,
            ))
        copy_rows(cursor, "accorderie_service",
                  ["id", "accorderie_id", "member_id", "type", "title", "description",
                   "description_html", "category_id",
                   "neighbourhood", "status", "created", "modified"], rows)
        self.connection.commit()

    def analyze(self) -> None:
        cursor = self.connection.cursor()
        self.connection.commit()
        old_level = self.connection.isolation_level
        self.connection.set_isolation_level(0)
        cursor.execute("VACUUM ANALYZE")
        self.connection.set_isolation_level(old_level)


# Timing


def time_calls(call: Callable[[], Any], repeat: int) -> list[float]:
    for _ in range(min(10, repeat)):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_interleaved(calls: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Time several calls in turns, one of each per round, so that a change
    of the machine's load during the run weighs on all of them alike."""
    for call in calls.values():
        for _ in range(min(10, repeat)):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def measure(
    client: Any, page_client: Any, filler: Filler, token: str, member_id: str, repeat: int
) -> dict[str, tuple[float, float, str]]:
    """Time each case; return (median ms, p95 ms, reference case) by case."""
    rng = random.Random(7)
    auth = {"Authorization": token}

    def get(action: str, headers: dict[str, str] | None = None, **params: Any) -> Callable[[], Any]:
        def call() -> Any:
            values = {k: (v() if callable(v) else v) for k, v in params.items()}
            response = client.get(f"/api/3/action/{action}", query_string=values, headers=headers or {})
            if response.status_code != 200:
                raise RuntimeError(f"{action} returned HTTP {response.status_code}: {response.data[:300]!r}")
            return response
        return call

    def page(path: Callable[[], str], headers: dict[str, str] | None = None) -> Callable[[], Any]:
        def call() -> Any:
            response = page_client.get(path(), headers=headers or {})
            if response.status_code != 200:
                raise RuntimeError(f"{path()} returned HTTP {response.status_code}")
            return response
        return call

    published = list(filler.published_ids)
    # Each case: (call, name of the reference case for its ratio). Calls
    # with an API token compare with status_show sent with the same token,
    # because CKAN's token check costs the same to both.
    cases = {
        "status_show": (get("status_show"), "status_show"),
        "status_show (token)": (get("status_show", headers=auth), "status_show (token)"),
        # CKAN's own actions that read one empty table, for the cost of any
        # action that validates its input and makes one SQL query.
        "CKAN package_list (empty)": (get("package_list"), "status_show"),
        "CKAN tag_list (empty)": (get("tag_list"), "status_show"),
        "service_list (filters)": (get(
            "accorderie_service_list", accorderie_id=ACCORDERIE, type="offer",
            category_id=lambda: rng.choice(CATEGORIES), neighbourhood=lambda: rng.choice(NEIGHBOURHOODS),
        ), "status_show"),
        "service_list (q=menage)": (
            get("accorderie_service_list", accorderie_id=ACCORDERIE, q="menage"), "status_show"),
        "service_list (q, relevance)": (
            get("accorderie_service_list", accorderie_id=ACCORDERIE, q="menage", sort="relevance"),
            "status_show"),
        "service_list (q, filter)": (get(
            "accorderie_service_list", accorderie_id=ACCORDERIE, q="cours d'anglais",
            neighbourhood=lambda: rng.choice(NEIGHBOURHOODS),
        ), "status_show"),
        "service_show": (get("accorderie_service_show", id=lambda: rng.choice(published)), "status_show"),
        "service_show (member)": (
            get("accorderie_service_show", headers=auth, id=lambda: rng.choice(published)),
            "status_show (token)"),
        "member_statement": (
            get("accorderie_member_statement", headers=auth, id=member_id), "status_show (token)"),
        "member_balance": (
            get("accorderie_member_balance", headers=auth, id=member_id), "status_show (token)"),
    }
    # The busiest pages, beside CKAN's own /dataset page, timed in turns.
    pages = {
        "page /dataset": (page(lambda: "/dataset"), "page /dataset"),
        "page /dataset (token)": (page(lambda: "/dataset", auth), "page /dataset (token)"),
        "page services (filter)": (page(lambda: (
            f"/accorderie/{ACCORDERIE}/services?type=offer&category_id={rng.choice(CATEGORIES)}"
        )), "page /dataset"),
        "page service": (
            page(lambda: f"/accorderie/service/{rng.choice(published)}"), "page /dataset"),
        "page my account": (
            page(lambda: f"/accorderie/{ACCORDERIE}/account", auth), "page /dataset (token)"),
    }
    results = {
        name: (*summary(time_calls(call, repeat)), reference)
        for name, (call, reference) in cases.items()
    }
    page_times = time_interleaved({name: call for name, (call, _) in pages.items()}, repeat)
    for name, (_, reference) in pages.items():
        results[name] = (*summary(page_times[name]), reference)
    return results


def print_table(label: str, results: dict[str, tuple[float, float, str]]) -> None:
    print(f"\n{label}")
    print("| call | median (ms) | p95 (ms) | median / reference | reference |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, (median, p95, reference) in results.items():
        ratio = median / results[reference][0]
        print(f"| {name} | {median:.2f} | {p95:.2f} | {ratio:.2f} | {reference} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--small-services", type=int, default=1_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200, help="Timed calls per case.")
    parser.add_argument("--audit-only", action="store_true",
                        help="Fill only the members and the ledger, and time only the audit.")
    args = parser.parse_args()

    env = read_env()
    url = create_database(env)
    migrate(url, env)
    os.environ["CKAN_SQLALCHEMY_URL"] = url
    os.environ["CKAN_SOLR_URL"] = f"http://127.0.0.1:{env['AGEN_SOLR_PORT']}/solr/ckan_test"
    os.environ["CKAN_REDIS_URL"] = f"redis://127.0.0.1:{env['AGEN_REDIS_PORT']}/2"

    from werkzeug.test import Client

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    app = make_app(load_config(str(ROOT / "test.ini")))
    # test.ini logs the extensions at DEBUG, which would bury the tables.
    logging.getLogger("ckanext").setLevel(logging.INFO)
    flask_app = app._wsgi_app  # type: ignore[attr-defined]

    connection = model.meta.engine.raw_connection()
    filler = Filler(connection, random.Random(42))
    started = time.perf_counter()
    filler.base(args.members)
    filler.ledger(args.entries)
    if args.audit_only:
        filler.analyze()
        print(f"Filled {args.members} members and {args.entries} ledger entries in "
              f"{time.perf_counter() - started:.1f} s")
        return time_audit(flask_app, args.entries)
    filler.services(args.small_services)
    filler.analyze()
    print(f"Filled {args.members} members, {args.small_services} services and "
          f"{args.entries} ledger entries in {time.perf_counter() - started:.1f} s")

    with flask_app.test_request_context():
        token = tk.get_action("api_token_create")(
            {"ignore_auth": True, "user": filler.user_names[0]},
            {"user": filler.user_names[0], "name": "bench"},
        )["token"]
    member_id = filler.member_ids[0]
    client = flask_app.test_client()
    # Pages go through CKAN's whole WSGI stack, whose outer middleware sets
    # the page's language.
    page_client = Client(app)

    small = measure(client, page_client, filler, token, member_id, args.repeat)
    print_table(f"{args.small_services} services, {args.entries} entries", small)

    started = time.perf_counter()
    filler.services(args.services - args.small_services)
    filler.analyze()
    print(f"\nAdded services up to {args.services} in {time.perf_counter() - started:.1f} s")
    large = measure(client, page_client, filler, token, member_id, args.repeat)
    print_table(f"{args.services} services, {args.entries} entries", large)

    print("\nmedian at full size / median at small size:")
    for name in small:
        print(f"  {name}: {large[name][0] / small[name][0]:.2f}")

    return time_audit(flask_app, args.entries)


def time_audit(flask_app: Any, entries: int) -> int:
    """Run the full audit three times and print each time; return the exit
    code (1 when the audit finds a failure)."""
    import ckan.model as model
    from ckanext.accorderie.logic import ledger

    with flask_app.test_request_context():
        audits = []
        for _ in range(3):
            started = time.perf_counter()
            result = ledger.audit(model.Session)
            audits.append(time.perf_counter() - started)
            model.Session.rollback()
    print(f"\nFull audit at {entries} entries: {', '.join(f'{t:.2f} s' for t in audits)} "
          f"(ok={result['ok']})")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
