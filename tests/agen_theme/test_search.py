"""French search: accents, title sort, apostrophes in tags, facets."""
from __future__ import annotations

import pytest

from ckan.lib.helpers import url_for
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.agen_theme import search


@pytest.fixture
def make_dataset(clean_db, clean_index, with_plugins):
    user = factories.Sysadmin()
    org = factories.Organization()

    def create(name: str, title: str, **fields):
        return call_action(
            "package_create",
            context={"user": user["name"]},
            name=name,
            title=title,
            owner_org=org["id"],
            **fields,
        )

    return create


def _names(result: dict) -> list[str]:
    return [dataset["name"] for dataset in result["results"]]


class TestFolding:
    def test_fold_strips_accents_and_case(self):
        assert search.fold_text("Écoles maternelles") == "ecoles maternelles"

    def test_fold_splits_ligatures(self):
        assert search.fold_text("Œuvres") == "oeuvres"

    def test_apostrophes_normalized(self):
        assert search.normalize_apostrophes("qualité de l’air") == "qualité de l'air"


class TestAccents:
    @pytest.mark.parametrize("query", ["ecoles", "écoles", "ÉCOLES", "Ecoles"])
    def test_query_finds_accented_title(self, make_dataset, query):
        make_dataset("ecoles-maternelles", "Écoles maternelles")
        make_dataset("zones-bleues", "Zones bleues")

        result = call_action("package_search", q=query)

        assert _names(result) == ["ecoles-maternelles"]

    def test_accented_query_finds_plain_title(self, make_dataset):
        make_dataset("ecoles", "Ecoles du centre")

        result = call_action("package_search", q="écoles")

        assert _names(result) == ["ecoles"]


class TestTitleSort:
    def test_accented_title_sorts_among_e(self, make_dataset):
        make_dataset("zones-bleues", "Zones bleues")
        make_dataset("ecoles-maternelles", "Écoles maternelles")
        make_dataset("arrets-de-bus", "Arrêts de bus")

        result = call_action("package_search", sort="title_string asc")

        assert _names(result) == ["arrets-de-bus", "ecoles-maternelles", "zones-bleues"]

    def test_lower_case_title_not_last(self, make_dataset):
        make_dataset("budget", "budget primitif")
        make_dataset("zones", "Zones bleues")

        result = call_action("package_search", sort="title_string asc")

        assert _names(result) == ["budget", "zones"]


class TestTagApostrophes:
    def test_accented_tag_filters(self, make_dataset):
        make_dataset("air", "Mesures de l'air", tags=[{"name": "qualité de l'air"}])
        make_dataset("eau", "Mesures de l'eau", tags=[{"name": "qualité de l'eau"}])

        result = call_action("package_search", fq='tags:"qualité de l\'air"')

        assert _names(result) == ["air"]

    def test_typographic_apostrophe_shares_facet(self, make_dataset):
        make_dataset("air-1", "Mesures 2023", tags=[{"name": "qualité de l'air"}])
        make_dataset("air-2", "Mesures 2024", tags=[{"name": "qualité de l’air"}])

        result = call_action("package_search", **{"facet.field": '["tags"]'})

        items = result["search_facets"]["tags"]["items"]
        assert [(item["name"], item["count"]) for item in items] == [("qualité de l'air", 2)]

    def test_typographic_filter_finds_both(self, make_dataset):
        make_dataset("air-1", "Mesures 2023", tags=[{"name": "qualité de l'air"}])
        make_dataset("air-2", "Mesures 2024", tags=[{"name": "qualité de l’air"}])

        result = call_action("package_search", fq='tags:"qualité de l’air"')

        assert sorted(_names(result)) == ["air-1", "air-2"]


class TestFacets:
    def test_theme_codes_indexed(self, make_dataset):
        make_dataset("bus", "Arrêts de bus", theme=["TRAN", "ENVI"])

        result = call_action("package_search", fq="vocab_theme:TRAN")

        assert _names(result) == ["bus"]

    def test_theme_facet_shows_labels(self, make_dataset):
        make_dataset("bus", "Arrêts de bus", theme=["TRAN"])

        result = call_action("package_search", **{"facet.field": '["vocab_theme"]'})

        items = result["search_facets"]["vocab_theme"]["items"]
        assert [(item["name"], item["display_name"]) for item in items] == [("TRAN", "Transports")]

    def test_frequency_facet_shows_labels(self, make_dataset):
        make_dataset("bus", "Arrêts de bus", frequency="ANNUAL")

        result = call_action("package_search", **{"facet.field": '["vocab_frequency"]'})

        items = result["search_facets"]["vocab_frequency"]["items"]
        assert [item["display_name"] for item in items] == ["Annuelle"]

    def test_producer_facet_counts(self, make_dataset):
        make_dataset("bus", "Arrêts de bus", producer_name="Ville d'Agen")
        make_dataset("eau", "Eau potable", producer_name="Ville d'Agen")

        result = call_action("package_search", **{"facet.field": '["vocab_producer"]'})

        items = result["search_facets"]["vocab_producer"]["items"]
        assert [(item["name"], item["count"]) for item in items] == [("Ville d'Agen", 2)]

    def test_search_page_shows_french_facets(self, app, make_dataset):
        make_dataset("bus", "Arrêts de bus", theme=["TRAN"], frequency="MONTHLY",
                     producer_name="Ville d'Agen")

        body = app.get(url_for("dataset.search")).body

        for title in ("Thèmes", "Producteurs", "Fréquence de mise à jour", "Formats", "Licences"):
            assert title in body, title
        assert "Mensuelle ou plusieurs fois par mois" in body
        assert "vocab_theme=TRAN" in body

    def test_empty_search_filter_shows_labels(self, app, make_dataset):
        make_dataset("bus", "Arrêts de bus", theme=["TRAN"], frequency="MONTHLY")

        body = app.get(
            url_for("dataset.search"),
            query_string={"q": "piscine", "vocab_theme": "SOCI", "vocab_frequency": "ANNUAL"},
        ).body

        assert "Population et société" in body
        assert "Annuelle" in body
        assert ">SOCI<" not in body.replace(" ", "").replace("\n", "")
        assert ">ANNUAL<" not in body.replace(" ", "").replace("\n", "")

    def test_api_facets_without_filter_entries(self, app, make_dataset):
        make_dataset("bus", "Arrêts de bus", theme=["TRAN"])

        result = app.get(
            "/api/3/action/package_search",
            query_string={
                "q": "piscine", "fq": 'vocab_theme:"SOCI"', "facet.field": '["vocab_theme"]',
            },
        ).json["result"]

        assert result["search_facets"]["vocab_theme"]["items"] == []

    def test_english_page_shows_english_labels(self, app, make_dataset):
        make_dataset("bus", "Arrêts de bus", theme=["TRAN"], frequency="MONTHLY")

        body = app.get("/en" + url_for("dataset.search")).body

        assert "Update frequency" in body
        assert "Monthly or several times a month" in body

    def test_organization_page_has_theme_facet(self, app, make_dataset):
        dataset = make_dataset("bus", "Arrêts de bus", theme=["TRAN"])

        body = app.get(url_for("organization.read", id=dataset["owner_org"])).body

        assert "Thèmes" in body
        assert "Transports" in body
