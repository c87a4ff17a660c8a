"""`ckan agen load-demo` builds the demo catalogue from the real files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ckan.model as model
from ckan.tests.helpers import call_action

from ckanext.agen_theme import demo
from ckanext.agen_theme.cli import agen

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

EXPECTED_RESOURCES = {
    "budget-gironde-compte-administratif-2015": 2,
    "budget-montreuil-compte-administratif-2016": 1,
    "distributeurs-sacs-canins-la-rochelle": 1,
    "arrets-bus-tram-montpellier": 2,
    "subventions-nievre-2016": 1,
    "subventions-associations-poitiers-2017": 1,
    "subventions-roques-2017": 1,
    "conventions-subventions-somme-2018": 1,
}


def _dataset_names() -> set[str]:
    result = call_action("package_search", rows=100, include_private=True)
    return {dataset["name"] for dataset in result["results"]}


def _copy_demo(tmp_path: Path) -> Path:
    """Copy the manifest and files, so that a test may damage its copy."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, target)
    return target


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
class TestLoadDemo:
    def test_creates_organisations(self):
        demo.load_demo(DEMO_DIR)

        names = call_action("organization_list")

        assert sorted(names) == [
            "commune-de-roques",
            "departement-de-la-gironde",
            "departement-de-la-nievre",
            "departement-de-la-somme",
            "tam-montpellier",
            "ville-de-la-rochelle",
            "ville-de-montreuil",
            "ville-de-poitiers",
        ]

    def test_creates_datasets_with_their_files(self):
        report = demo.load_demo(DEMO_DIR)

        assert report.datasets_created == 8
        assert report.resources_uploaded == 10
        for name, count in EXPECTED_RESOURCES.items():
            dataset = call_action("package_show", id=name)
            assert len(dataset["resources"]) == count, name

    def test_uploads_the_real_bytes(self):
        demo.load_demo(DEMO_DIR)

        dataset = call_action("package_show", id="arrets-bus-tram-montpellier")
        stops = next(res for res in dataset["resources"] if res["name"] == "Arrêts (stops.txt)")

        source = DEMO_DIR / "data" / "gtfs-stops-montpellier-tam" / "stops.txt"
        assert stops["url_type"] == "upload"
        assert stops["size"] == source.stat().st_size
        assert stops["format"] == "CSV"

    def test_datasets_name_their_producer(self):
        demo.load_demo(DEMO_DIR)

        dataset = call_action("package_show", id="subventions-associations-poitiers-2017")

        assert dataset["organization"]["name"] == "ville-de-poitiers"
        assert dataset["producer_name"] == "Ville de Poitiers"
        assert "Données d'exemple" in dataset["notes"]

    def test_second_run_duplicates_nothing(self):
        demo.load_demo(DEMO_DIR)
        first_resources = model.Session.query(model.Resource).filter_by(state="active").count()

        report = demo.load_demo(DEMO_DIR)

        assert report.datasets_created == 0
        assert report.datasets_updated == 8
        assert report.resources_uploaded == 0
        assert report.resources_unchanged == 10
        assert len(_dataset_names()) == 8
        assert model.Session.query(model.Resource).filter_by(state="active").count() == first_resources

    def test_unreadable_file_skips_its_dataset_only(self, tmp_path):
        data_dir = _copy_demo(tmp_path)
        (data_dir / "data" / "subventions-somme-2018" / "somme-20180330-donnees-conventions.csv").unlink()

        report = demo.load_demo(data_dir)

        assert report.datasets_created == 7
        assert "conventions-subventions-somme-2018" not in _dataset_names()
        assert len(report.skipped) == 1
        assert "somme-20180330-donnees-conventions.csv" in report.skipped[0]

    def test_failed_upload_leaves_no_half_created_dataset(self, tmp_path, monkeypatch):
        """A dataset whose second file fails to upload is removed again."""
        data_dir = _copy_demo(tmp_path)
        real_upload = demo._upload_resource

        def upload_failing_on_latin1(package_id, existing, res, path):
            if path.name.endswith("latin1.csv"):
                raise OSError("disk full")
            return real_upload(package_id, existing, res, path)

        monkeypatch.setattr(demo, "_upload_resource", upload_failing_on_latin1)

        with pytest.raises(OSError):
            demo.load_demo(data_dir)

        assert model.Package.get("budget-gironde-compte-administratif-2015") is None


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_command_prints_a_summary(cli):
    result = cli.invoke(agen, ["load-demo", "--data-dir", str(DEMO_DIR)])

    assert result.exit_code == 0, result.output
    assert "Organisations: 8 created, 0 updated." in result.output
    assert "Datasets: 8 created, 0 updated" in result.output


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
class TestDemoSchema:
    def test_every_dataset_has_themes_and_frequency(self):
        demo.load_demo(DEMO_DIR)

        for name in EXPECTED_RESOURCES:
            dataset = call_action("package_show", id=name)
            assert dataset["theme"], name
            assert dataset["frequency"], name
            assert dataset["spatial_granularity"], name

    def test_sirets_only_where_source_gives_one(self):
        demo.load_demo(DEMO_DIR)

        sirets = {
            name: call_action("package_show", id=name).get("producer_siret")
            for name in EXPECTED_RESOURCES
        }

        assert sirets["budget-montreuil-compte-administratif-2016"] == "21930048000015"
        assert sirets["subventions-roques-2017"] == "21310458100011"
        assert sirets["conventions-subventions-somme-2018"] == "22800001400016"
        assert sirets["subventions-nievre-2016"] is None

    def test_licence_not_specified_is_explained(self):
        demo.load_demo(DEMO_DIR)

        for name in EXPECTED_RESOURCES:
            dataset = call_action("package_show", id=name)
            assert dataset["license_id"] == "notspecified", name
            assert "aucune licence" in dataset["notes"], name

    def test_dates_stored_as_iso(self):
        demo.load_demo(DEMO_DIR)

        dataset = call_action("package_show", id="subventions-roques-2017")

        assert dataset["temporal_start"] == "2017-01-01"
        assert dataset["temporal_end"] == "2017-12-31"

    def test_resources_carry_encoding(self):
        demo.load_demo(DEMO_DIR)

        dataset = call_action("package_show", id="conventions-subventions-somme-2018")

        assert dataset["resources"][0]["encoding"] == "Windows-1252"
        assert dataset["resources"][0]["delimiter"] == ";"



@pytest.mark.ckan_config("ckan.plugins", "agen_theme accorderie scheming_datasets activity")
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
class TestDemoAccorderie:
    def test_creates_the_accorderie(self):
        report = demo.load_demo(DEMO_DIR)

        accorderie = call_action("accorderie_accorderie_show", id="accorderie-agen")
        assert report.accorderies_created == 1
        assert accorderie["title"] == "Accorderie d'Agen"
        assert accorderie["opening_credit"] == 15 * 60
        assert "Montanou" in accorderie["neighbourhoods"]

    def test_places_the_town_centre_on_the_map(self):
        demo.load_demo(DEMO_DIR)

        points = call_action("accorderie_neighbourhood_point_list", accorderie_id="accorderie-agen")

        assert points == [{"neighbourhood": "Centre-ville", "latitude": 44.2033, "longitude": 0.6166}]

    def test_second_run_keeps_staff_settings(self):
        demo.load_demo(DEMO_DIR)
        call_action(
            "accorderie_accorderie_patch", id="accorderie-agen", title="Accorderie d'Agen (test)"
        )

        report = demo.load_demo(DEMO_DIR)

        accorderie = call_action("accorderie_accorderie_show", id="accorderie-agen")
        assert report.accorderies_created == 0
        assert accorderie["title"] == "Accorderie d'Agen (test)"
        assert len(call_action("accorderie_accorderie_list")) == 1
