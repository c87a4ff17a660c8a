"""Loading the real French CSV files into the DataStore."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.datastore.backend.postgres import get_read_engine

from ckanext.agen_theme.previews import jobs, loader

from .conftest import PREVIEW_MARKS, data_file

pytestmark = PREVIEW_MARKS

GIRONDE = "budget-gironde-compte-administratif-2015"


def _resource(package: dict, name: str) -> dict:
    return next(resource for resource in package["resources"] if resource["name"] == name)


def _scalar(sql: str) -> object:
    with get_read_engine().connect() as connection:
        return connection.execute(sa.text(sql)).scalar()


def _rows(resource_id: str) -> list[dict]:
    return call_action("datastore_search", resource_id=resource_id, limit=5000, sort="_id")["records"]


def _fields(resource_id: str) -> dict[str, dict]:
    result = call_action("datastore_search", resource_id=resource_id, limit=0)
    return {field["id"]: field for field in result["fields"]}


def _status(resource_id: str) -> dict:
    return call_action("xloader_status", resource_id=resource_id)


def test_poitiers_counts_records(load_demo_dataset):
    package = load_demo_dataset("subventions-associations-poitiers-2017")
    resource = package["resources"][0]

    assert _scalar(f'SELECT COUNT(*) FROM "{resource["id"]}"') == 562
    assert _status(resource["id"])["status"] == "complete"


def test_poitiers_amount_total(load_demo_dataset):
    package = load_demo_dataset("subventions-associations-poitiers-2017")
    resource_id = package["resources"][0]["id"]
    text = data_file("subventions-poitiers-2017/poitiers-subventions-associations-2017.csv").read_text("utf-8")
    expected = sum(Decimal(row["SUB_MONTANT"]) for row in csv.DictReader(io.StringIO(text), delimiter=";"))

    assert _fields(resource_id)["SUB_MONTANT"]["type"] == "numeric"
    assert _scalar(f'SELECT SUM("SUB_MONTANT") FROM "{resource_id}"') == expected


def test_poitiers_siret_stays_text(load_demo_dataset):
    package = load_demo_dataset("subventions-associations-poitiers-2017")
    resource_id = package["resources"][0]["id"]

    assert _fields(resource_id)["ATTRIB_SIRET"]["type"] == "text"


def test_gironde_copies_give_same_rows(load_demo_dataset):
    package = load_demo_dataset(GIRONDE)
    utf8 = _resource(package, "Compte administratif 2015 (UTF-8)")
    latin1 = _resource(package, "Compte administratif 2015 (Latin-1)")

    utf8_rows = [{k: v for k, v in row.items() if k != "_id"} for row in _rows(utf8["id"])]
    latin1_rows = [{k: v for k, v in row.items() if k != "_id"} for row in _rows(latin1["id"])]

    assert len(utf8_rows) == 1254
    assert latin1_rows == utf8_rows


def test_gironde_total_matches_file(load_demo_dataset):
    package = load_demo_dataset(GIRONDE)
    resource_id = _resource(package, "Compte administratif 2015 (Latin-1)")["id"]
    text = data_file("budget-gironde-ca-2015/cedi_2015_CA.latin1.csv").read_text("latin-1")
    expected = sum(Decimal(row["Montant"]) for row in csv.DictReader(io.StringIO(text)))

    assert _scalar(f'SELECT SUM("Montant") FROM "{resource_id}"') == expected


def test_gironde_types_and_labels(load_demo_dataset):
    package = load_demo_dataset(GIRONDE)
    fields = _fields(_resource(package, "Compte administratif 2015 (Latin-1)")["id"])

    assert fields["Date vote"]["type"] == "date"
    assert fields["Montant"]["type"] == "numeric"
    assert fields["Chapitre"]["type"] == "text"
    assert fields["Depense/Recette"]["info"]["label"] == "Dépense/Recette"


def test_gironde_padding_stripped(load_demo_dataset):
    package = load_demo_dataset(GIRONDE)
    rows = _rows(_resource(package, "Compte administratif 2015 (UTF-8)")["id"])

    assert rows[0]["Rubrique fonctionnelle"] == "R01"
    assert rows[0]["Libelle"] == "Recettes - Opération aménagement foncier (8)"


def test_somme_amounts_and_dates(load_demo_dataset):
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource_id = package["resources"][0]["id"]
    raw = data_file("subventions-somme-2018/somme-20180330-donnees-conventions.csv").read_bytes().decode("cp1252")
    expected = sum(
        Decimal(row["montant"].replace(" ", "").replace("\u00a0", "").replace(",", "."))
        for row in csv.DictReader(io.StringIO(raw), delimiter=";")
    )

    assert _scalar(f'SELECT COUNT(*) FROM "{resource_id}"') == 11
    assert _scalar(f'SELECT SUM(montant) FROM "{resource_id}"') == expected
    assert _rows(resource_id)[0]["dateConvention"].startswith("2018-01-30")
    assert _rows(resource_id)[0]["nomAttribuant"] == "Département de la Somme"


def test_nievre_amounts_with_codes_stay_text(load_demo_dataset):
    package = load_demo_dataset("subventions-nievre-2016")
    resource_id = package["resources"][0]["id"]
    rows = _rows(resource_id)

    assert len(rows) == 97
    assert rows[0]["COLL_NOM"] == "Département de la Nièvre"
    # "NC" and "SEM" sit among the amounts, so the column is not numeric.
    assert _fields(resource_id)["SUB_MONTANT"]["type"] == "text"


def test_roques_loads_all_rows(load_demo_dataset):
    package = load_demo_dataset("subventions-roques-2017")
    resource_id = package["resources"][0]["id"]

    assert _scalar(f'SELECT COUNT(*) FROM "{resource_id}"') == 69
    assert _fields(resource_id)["idBeneficiaire"]["type"] == "text"


def test_stops_coordinates_numeric(load_demo_dataset):
    package = load_demo_dataset("arrets-bus-tram-montpellier")
    stops = _resource(package, "Arrêts (stops.txt)")

    assert _scalar(f'SELECT COUNT(*) FROM "{stops["id"]}"') == 1532
    assert _fields(stops["id"])["stop_lat"]["type"] == "numeric"


def test_search_finds_accented_word(load_demo_dataset):
    package = load_demo_dataset("arrets-bus-tram-montpellier")
    stops = _resource(package, "Arrêts (stops.txt)")

    result = call_action("datastore_search", resource_id=stops["id"], q="Sète")

    assert result["total"] >= 1
    assert all("Sète" in " ".join(str(value) for value in row.values()) for row in result["records"])


@pytest.mark.usefixtures("with_request_context")
def test_bad_file_gets_french_message():
    with pytest.raises(loader.LoadError) as error:
        loader.normalise("nom;montant\nA;1;2;3\n".encode("utf-8"))

    assert "L'enregistrement 1" in error.value.message


def test_table_search_finds_emile(load_demo_dataset):
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource_id = package["resources"][0]["id"]
    data = "adresse;montant\nRue Émile Zola;12,5\nRue Jean Jaurès;3\n".encode("cp1252")
    loader.load_bytes(resource_id, data)

    # The query that the table view's search box sends for "Émile".
    result = call_action("datastore_search", resource_id=resource_id, q="_mile:*",
                         plain=False, language="simple")

    assert [row["adresse"] for row in result["records"]] == ["Rue Émile Zola"]


@pytest.fixture
def serve_folder():
    """Return a function that serves a folder over HTTP on 127.0.0.1 and
    returns its base URL; the servers stop after the test."""
    import functools
    import http.server
    import threading

    servers = []

    def serve(folder) -> str:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()


@pytest.fixture
def file_server(serve_folder):
    """Serve demo/data over HTTP on 127.0.0.1 and return its base URL."""
    return serve_folder(data_file(""))


def _linked_resource(package: dict, name: str, url: str) -> dict:
    sysadmin = factories.Sysadmin()
    return call_action("resource_create", {"user": sysadmin["name"]},
                       package_id=package["id"], name=name, format="CSV", url=url)


def test_linked_file_loads(load_demo_dataset, file_server):
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource = _linked_resource(package, "Nièvre (lien)",
                                f"{file_server}/subventions-nievre-2016/cd58-subventions-2016-liste.csv")

    jobs.load_resource(resource["id"])

    assert _status(resource["id"])["status"] == "complete"
    assert _rows(resource["id"])[0]["COLL_NOM"] == "Département de la Nièvre"


def test_missing_link_gets_french_message(load_demo_dataset, file_server):
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource = _linked_resource(package, "Absent", f"{file_server}/absent.csv")

    jobs.load_resource(resource["id"])

    status = _status(resource["id"])
    assert status["status"] == "error"
    assert status["error"]["message"].startswith("Le fichier n'a pas pu être téléchargé depuis")


def _queued_loads(resource_id: str) -> int:
    titles = [job["title"] for job in call_action("job_list")]
    return titles.count(f"agen_previews load {resource_id}")


def test_second_submit_not_queued(load_demo_dataset):
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource_id = package["resources"][0]["id"]
    call_action("job_clear")

    jobs.enqueue_load(resource_id)
    jobs.enqueue_load(resource_id)

    assert _queued_loads(resource_id) == 1


def test_submit_after_load_queued(load_demo_dataset):
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource_id = package["resources"][0]["id"]
    call_action("job_clear")

    jobs.enqueue_load(resource_id)
    jobs.load_resource(resource_id)
    jobs.enqueue_load(resource_id)

    assert _queued_loads(resource_id) == 2


def test_job_error_stored_in_french(load_demo_dataset, serve_folder, tmp_path):
    (tmp_path / "decale.csv").write_bytes("nom;montant\nA;1;2;3\n".encode("utf-8"))
    package = load_demo_dataset("conventions-subventions-somme-2018")
    resource = _linked_resource(package, "Décalé", f"{serve_folder(tmp_path)}/decale.csv")

    jobs.load_resource(resource["id"])

    status = _status(resource["id"])
    assert status["status"] == "error"
    assert "L'enregistrement 1" in status["error"]["message"]
    assert "Traceback" not in status["error"]["message"]
