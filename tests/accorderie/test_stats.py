"""Monthly statistics published as an open dataset with `publish-stats`."""
from __future__ import annotations

import csv
import datetime
import io
import json
from urllib.parse import urlparse

import pytest
from freezegun import freeze_time
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

import ckan.tests.factories as factories
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action, call_auth

import ckanext.datastore.tests.helpers as datastore_helpers

from ckanext.accorderie import stats
from ckanext.accorderie.cli import accorderie as accorderie_cli

from .conftest import as_user

BRIDGE_PLUGINS = (
    "agen_theme accorderie activity tracking scheming_datasets spatial_metadata dcat "
    "datastore xloader agen_previews agen_chart_view datatables_view"
)
DATASET = "accorderie-activite-mensuelle"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", BRIDGE_PLUGINS),
    pytest.mark.ckan_config("ckanext.xloader.api_token", "unused-in-tests"),
    pytest.mark.usefixtures("with_plugins"),
]

TOTALS_HEADER = ["_id", "accorderie", "month", "exchanges", "hours", "active_members", "new_members", "reuses"]

# Rows of the three months, without the DataStore's _id. accorderie-1 has
# the activity, accorderie-2 none. August: 8 members, a computers group of
# 3 members (left empty) and, to block the subtraction, the smaller of the
# two other groups by name. September: 3 members in all. October: one
# exchange corrected by staff (not counted) and 6 members in exchanges
# without a service.
EXPECTED_TOTALS = [
    ["accorderie-1", "2026-08", "10", "10.0", "8", "8", ""],
    ["accorderie-2", "2026-08", "", "", "", "", ""],
    ["accorderie-1", "2026-09", "", "", "", "", ""],
    ["accorderie-2", "2026-09", "", "", "", "", ""],
    ["accorderie-1", "2026-10", "3", "3.0", "6", "", ""],
    ["accorderie-2", "2026-10", "", "", "", "", ""],
]
EXPECTED_BREAKDOWN = [
    ["accorderie-1", "2026-08", "category", "computers", "", "", ""],
    ["accorderie-1", "2026-08", "category", "diy", "", "", ""],
    ["accorderie-1", "2026-08", "category", "gardening", "4", "4.0", "5"],
    ["accorderie-1", "2026-08", "neighbourhood", "Centre", "", "", ""],
    ["accorderie-1", "2026-08", "neighbourhood", "Pin", "", "", ""],
    ["accorderie-1", "2026-08", "neighbourhood", "Tapie", "4", "4.0", "5"],
    ["accorderie-1", "2026-09", "category", "diy", "", "", ""],
    ["accorderie-1", "2026-09", "category", "gardening", "", "", ""],
    ["accorderie-1", "2026-09", "neighbourhood", "Centre", "", "", ""],
    ["accorderie-1", "2026-09", "neighbourhood", "Tapie", "", "", ""],
    ["accorderie-1", "2026-10", "category", "unspecified", "3", "3.0", "6"],
    ["accorderie-1", "2026-10", "neighbourhood", "Centre", "", "", ""],
    ["accorderie-1", "2026-10", "neighbourhood", "Pin", "", "", ""],
]


@pytest.fixture
def clean_datastore(clean_db, clean_index):
    engine = datastore_helpers.db.get_write_engine()
    datastore_helpers.rebuild_all_dbs(
        datastore_helpers.orm.scoped_session(datastore_helpers.orm.sessionmaker(bind=engine))
    )


def _exchange(provider, receiver, day, duration, service=None):
    data = {
        "provider_id": provider["id"], "receiver_id": receiver["id"],
        "exchange_date": day, "duration": duration,
    }
    if service is not None:
        data["service_id"] = service["id"]
    exchange = call_action("accorderie_exchange_create", context=as_user(provider["user"]), **data)
    return call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])


def _offer(member, category, neighbourhood):
    return call_action(
        "accorderie_service_create", member_id=member["id"], type="offer",
        title=f"{category} help", category_id=category, neighbourhood=neighbourhood,
        status="published",
    )


@pytest.fixture
def three_months(clean_datastore, acc):
    """The activity of EXPECTED_TOTALS: eight members approved in August."""
    accorderie = acc.accorderie()
    acc.accorderie()
    with freeze_time("2026-08-03 10:00:00"):
        members = [
            acc.member(accorderie, neighbourhood="Centre" if n < 4 else "Pin")
            for n in range(8)
        ]
    m = members
    budget = factories.Dataset(name="budget", title="Budget", owner_org=factories.Organization()["id"])
    diy = _offer(m[0], "diy", "Centre")
    gardening = _offer(m[1], "gardening", "Tapie")
    computers = _offer(m[5], "computers", "Pin")
    call_action("accorderie_service_dataset_update", id=computers["id"], datasets=["budget"])

    for receiver in (m[1], m[2], m[3], m[4]):
        _exchange(m[0], receiver, "2026-08-10", "1h", diy)
    for receiver in (m[0], m[2], m[3], m[4]):
        _exchange(m[1], receiver, "2026-08-12", "1h", gardening)
    _exchange(m[5], m[6], "2026-08-20", "1h30", computers)
    _exchange(m[5], m[7], "2026-08-21", "30 min", computers)

    _exchange(m[0], m[1], "2026-09-05", "1h", diy)
    _exchange(m[1], m[2], "2026-09-06", "1h", gardening)

    corrected = _exchange(m[0], m[1], "2026-10-01", "1h", diy)
    call_action("accorderie_exchange_reverse", id=corrected["id"])
    _exchange(m[2], m[3], "2026-10-02", "1h")
    _exchange(m[4], m[5], "2026-10-03", "1h")
    _exchange(m[6], m[7], "2026-10-04", "1h")
    # Pending: not counted.
    call_action(
        "accorderie_exchange_create", context=as_user(m[6]["user"]),
        provider_id=m[6]["id"], receiver_id=m[0]["id"], exchange_date="2026-10-05", duration="2h",
    )
    return {"accorderie": accorderie, "members": members, "budget": budget}


def _resources(part):
    dataset = call_action("package_show", id=DATASET)
    return {r["accorderie_stats"]: r for r in dataset["resources"]}[part]


def _csv_rows(app, part):
    response = app.get(f"/datastore/dump/{_resources(part)['id']}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _publish(cli, *args):
    result = cli.invoke(accorderie_cli, ["publish-stats", *args])
    assert result.exit_code == 0, result.output
    return result


def test_publish_all_totals_rows(three_months, cli, app):
    _publish(cli, "--all")
    rows = _csv_rows(app, "totals")

    assert rows[0] == TOTALS_HEADER
    assert [row[1:] for row in rows[1:]] == EXPECTED_TOTALS


def test_publish_all_breakdown_rows(three_months, cli, app):
    _publish(cli, "--all")
    rows = _csv_rows(app, "breakdown")

    assert rows[0] == ["_id", "accorderie", "month", "breakdown", "group", "exchanges", "hours", "members"]
    assert [row[1:] for row in rows[1:]] == EXPECTED_BREAKDOWN


def test_small_cell_left_empty(three_months, cli, app):
    _publish(cli, "--month", "2026-08")
    rows = [row[1:] for row in _csv_rows(app, "breakdown")]

    computers = [row for row in rows if row[3] == "computers"]
    assert computers == [["accorderie-1", "2026-08", "category", "computers", "", "", ""]]


def test_rerun_month_keeps_same_rows(three_months, cli, app):
    _publish(cli, "--all")
    _publish(cli, "--month", "2026-09")
    _publish(cli, "--month", "2026-09")

    totals = sorted(row[1:] for row in _csv_rows(app, "totals")[1:])
    breakdown = sorted(row[1:] for row in _csv_rows(app, "breakdown")[1:])
    assert totals == sorted(EXPECTED_TOTALS)
    assert breakdown == sorted(EXPECTED_BREAKDOWN)


def test_rerun_picks_up_new_exchange(three_months, cli, app):
    _publish(cli, "--month", "2026-09")
    m = three_months["members"]
    for receiver in (m[4], m[5], m[6]):
        _exchange(m[3], receiver, "2026-09-20", "2h")
    _publish(cli, "--month", "2026-09")

    totals = [row[1:] for row in _csv_rows(app, "totals")[1:]]
    assert ["accorderie-1", "2026-09", "5", "8.0", "7", "", ""] in totals
    assert len([row for row in totals if row[1] == "2026-09"]) == 2


@pytest.mark.ckan_config("ckanext.accorderie.stats_min_members", 3)
def test_threshold_from_config(three_months, cli, app):
    _publish(cli, "--month", "2026-09")
    totals = [row[1:] for row in _csv_rows(app, "totals")[1:]]

    assert totals[0] == ["accorderie-1", "2026-09", "2", "2.0", "3", "", ""]


def test_dataset_metadata(three_months, cli):
    _publish(cli, "--month", "2026-08")
    dataset = call_action("package_show", id=DATASET)

    assert dataset["license_id"] == "etalab-2.0"
    assert dataset["producer_name"] == "Accorderie d'Agen"
    assert dataset["organization"]["name"] == "accorderie-agen"
    assert dataset["frequency"] == "MONTHLY"
    assert "moins de 5 membres" in dataset["notes"]
    assert not dataset["private"]


def test_table_schema_describes_columns(three_months, cli, app):
    _publish(cli, "--month", "2026-08")
    table = _resources("totals")
    schema_resource = _resources("totals_schema")
    schema = json.loads(app.get(urlparse(schema_resource["url"]).path).get_data(as_text=True))

    assert table["schema_url"] == schema_resource["url"]
    assert [field["name"] for field in schema["fields"]] == TOTALS_HEADER[1:]
    assert schema["primaryKey"] == ["accorderie", "month"]
    assert schema["fields"][3] == {"name": "hours", "type": "number", "description": "Heures échangées dans le mois."}


def test_resources_have_views(three_months, cli):
    _publish(cli, "--month", "2026-08")
    _publish(cli, "--month", "2026-08")
    totals_views = call_action("resource_view_list", id=_resources("totals")["id"])
    breakdown_views = call_action("resource_view_list", id=_resources("breakdown")["id"])

    assert sorted(v["view_type"] for v in totals_views) == ["agen_chart_view", "datatables_view"]
    chart = next(v for v in totals_views if v["view_type"] == "agen_chart_view")
    assert (chart["category"], chart["value"], chart["aggregation"]) == ("month", "hours", "sum")
    assert [v["view_type"] for v in breakdown_views] == ["datatables_view"]


def test_resources_not_duplicated(three_months, cli):
    _publish(cli, "--month", "2026-08")
    _publish(cli, "--month", "2026-09")
    dataset = call_action("package_show", id=DATASET)

    assert sorted(r["accorderie_stats"] for r in dataset["resources"]) == [
        "breakdown", "breakdown_schema", "totals", "totals_schema",
    ]


def test_catalog_lists_dataset(three_months, cli, app):
    _publish(cli, "--month", "2026-08")
    graph = Graph().parse(data=app.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    dataset_id = call_action("package_show", id=DATASET)["id"]

    datasets = {str(node) for node in graph.subjects(RDF.type, DCAT.Dataset)}
    assert any(dataset_id in node or DATASET in node for node in datasets)
    distributions = list(graph.objects(None, DCAT.distribution))
    assert len(distributions) == 4


def test_months_with_activity_fills_gaps(three_months):
    months = stats.months_with_activity(model.Session)

    assert months == ["2026-08", "2026-09", "2026-10"]


def test_months_with_activity_stop_before_current(three_months, acc):
    acc.member(acc.accorderie())

    months = stats.months_with_activity(model.Session)

    assert months[-1] == stats.latest_complete_month()
    assert datetime.date.today().strftime("%Y-%m") not in months


@pytest.mark.parametrize("args, message", [
    (["--month", "2026-13"], "2026-13"),
    (["--month", "septembre"], "AAAA-MM"),
    (["--month", "2026-09", "--all"], "month"),
    (["--month", "2030-01"], "2030-01"),
    (["--month", datetime.date.today().strftime("%Y-%m")], "pas encore"),
])
def test_publish_rejects_bad_month(clean_datastore, acc, cli, args, message):
    result = cli.invoke(accorderie_cli, ["publish-stats", *args])

    assert result.exit_code == 2
    assert message in result.output


def test_publish_needs_sysadmin(acc):
    staff_user = factories.User()
    accorderie = acc.accorderie()
    acc.member(accorderie, role="staff", user=staff_user)

    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_stats_publish", as_user(staff_user), month="2026-09")


def test_publish_allowed_to_sysadmin(acc):
    sysadmin = factories.Sysadmin()

    assert call_auth("accorderie_stats_publish", as_user(sysadmin), month="2026-09")


@pytest.mark.ckan_config("ckanext.accorderie.stats_min_members", 3)
def test_reuses_count_linked_services(three_months, cli, app):
    _publish(cli, "--month", "2026-08")
    totals = [row[1:] for row in _csv_rows(app, "totals")[1:]]

    assert totals[0] == ["accorderie-1", "2026-08", "10", "10.0", "8", "8", "2"]


def test_publish_queues_no_load(three_months, cli):
    call_action("job_clear")
    _publish(cli, "--month", "2026-08")
    _publish(cli, "--month", "2026-08")

    titles = [job["title"] for job in call_action("job_list")]
    assert [title for title in titles if "load" in (title or "")] == []


def test_chart_shows_suppressed_month_as_no_value(three_months, cli, app):
    _publish(cli, "--month", "2026-08")
    _publish(cli, "--month", "2026-09")
    table = _resources("totals")
    chart = next(
        v for v in call_action("resource_view_list", id=table["id"]) if v["view_type"] == "agen_chart_view"
    )

    response = app.get(f"/dataset/{DATASET}/resource/{table['id']}/view/{chart['id']}")

    assert response.status_code == 200
    assert "<td>2026-09</td><td>aucune valeur</td>" in response.body
    assert response.body.count('class="agen-chart-point"') == 1


def test_resource_csv_has_schema_columns_only(three_months, cli, app):
    _publish(cli, "--month", "2026-08")
    table = _resources("totals")
    address = urlparse(table["url"])

    response = app.get(f"{address.path}?{address.query}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))

    assert rows[0] == TOTALS_HEADER[1:]
    assert rows[1] == EXPECTED_TOTALS[0]
