"""DCAT-AP output of the demo catalogue, read back with rdflib."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS

from ckan.lib.helpers import url_for
from ckan.tests.helpers import call_action

from ckanext.agen_theme import demo

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DCAT_PLUGINS = "agen_theme scheming_datasets spatial_metadata dcat"
LOCN_GEOMETRY = URIRef("http://www.w3.org/ns/locn#geometry")
FORMATS = {"rdf": "xml", "ttl": "turtle", "jsonld": "json-ld"}
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


@pytest.fixture(scope="class")
def demo_names():
    return [dataset.name for dataset in demo.read_manifest(DEMO_DIR).datasets]


@pytest.fixture
def loaded(clean_db, clean_index, with_plugins):
    demo.load_demo(DEMO_DIR)


def _graph(app, name: str, extension: str = "ttl") -> Graph:
    response = app.get(url_for("dcat.read_dataset", _id=name, _format=extension))
    assert response.status_code == 200, name
    return Graph().parse(data=response.body, format=FORMATS[extension])


def _dataset_node(graph: Graph) -> URIRef:
    nodes = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(nodes) == 1
    return nodes[0]


@pytest.mark.ckan_config("ckan.plugins", DCAT_PLUGINS)
@pytest.mark.usefixtures("loaded")
class TestDemoCatalogue:
    def test_catalog_parses(self, app, demo_names):
        response = app.get("/catalog.ttl")
        graph = Graph().parse(data=response.body, format="turtle")

        titles = {str(title) for title in graph.objects(None, DCTERMS.title)}
        datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == len(demo_names)
        assert "Subventions 2016 du Département de la Nièvre" in titles

    @pytest.mark.parametrize("extension", ["rdf", "ttl", "jsonld"])
    def test_every_dataset_parses(self, app, demo_names, extension):
        for name in demo_names:
            graph = _graph(app, name, extension)
            assert (_dataset_node(graph), RDF.type, DCAT.Dataset) in graph, name

    def test_themes_are_eu_uris(self, app):
        graph = _graph(app, "arrets-bus-tram-montpellier")

        themes = set(graph.objects(_dataset_node(graph), DCAT.theme))
        assert themes == {URIRef(EU_THEME + "TRAN")}

    def test_frequency_is_eu_uri(self, app):
        graph = _graph(app, "conventions-subventions-somme-2018")

        frequencies = list(graph.objects(_dataset_node(graph), DCTERMS.accrualPeriodicity))
        assert frequencies == [URIRef(EU_FREQUENCY + "MONTHLY")]

    def test_publisher_has_siret(self, app):
        graph = _graph(app, "subventions-roques-2017")

        publishers = list(graph.objects(_dataset_node(graph), DCTERMS.publisher))
        assert len(publishers) == 1
        assert graph.value(publishers[0], FOAF.name) == Literal("Commune de Roques")
        assert graph.value(publishers[0], DCTERMS.identifier) == Literal("21310458100011")

    def test_publisher_without_siret_has_no_identifier(self, app):
        graph = _graph(app, "subventions-nievre-2016")

        publisher = graph.value(_dataset_node(graph), DCTERMS.publisher)
        assert graph.value(publisher, FOAF.name) == Literal("Département de la Nièvre")
        assert graph.value(publisher, DCTERMS.identifier) is None

    def test_geometry_once(self, app, demo_names):
        for name in demo_names:
            graph = _graph(app, name)
            geometries = list(graph.objects(None, LOCN_GEOMETRY))
            assert len(geometries) == 1, name

    def test_licence_on_every_distribution(self, app, demo_names):
        for name in demo_names:
            graph = _graph(app, name)
            distributions = list(graph.objects(_dataset_node(graph), DCAT.distribution))
            assert distributions, name
            for distribution in distributions:
                assert graph.value(distribution, DCTERMS.license) is not None, name

    @pytest.mark.parametrize("extension", ["rdf", "ttl", "jsonld"])
    def test_licence_described_in_every_format(self, app, demo_names, extension):
        """Each distribution's licence node carries its label, in RDF/XML too."""
        for name in demo_names:
            graph = _graph(app, name, extension)
            for distribution in graph.objects(_dataset_node(graph), DCAT.distribution):
                licence = graph.value(distribution, DCTERMS.license)
                if isinstance(licence, URIRef):
                    continue
                assert graph.value(licence, RDFS.label) is not None, (name, extension)

    def test_temporal_coverage_dates(self, app):
        graph = _graph(app, "subventions-roques-2017")

        temporal = graph.value(_dataset_node(graph), DCTERMS.temporal)
        values = {str(value) for _p, value in graph.predicate_objects(temporal)}
        assert "2017-01-01" in values
        assert "2017-12-31" in values


@pytest.mark.ckan_config("ckan.plugins", DCAT_PLUGINS)
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_licence_url_on_distribution(app):
    from ckan.tests import factories

    user = factories.Sysadmin()
    org = factories.Organization()
    call_action(
        "package_create",
        context={"user": user["name"]},
        name="arrets",
        title="Arrêts",
        owner_org=org["id"],
        license_id="etalab-2.0",
        resources=[{"url": "https://example.invalid/arrets.csv", "format": "CSV"}],
    )

    graph = _graph(app, "arrets")

    distribution = graph.value(_dataset_node(graph), DCAT.distribution)
    assert graph.value(distribution, DCTERMS.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )
