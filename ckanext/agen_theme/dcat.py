"""The ``agen_dcat_ap`` RDF profile: the Agen fields in DCAT-AP.

List it after ``euro_dcat_ap_3 euro_dcat_ap_scheming`` in
``ckanext.dcat.rdf.profiles``. Those profiles already map the fields whose
names they know: ``issued``, ``modified``, ``temporal_start``,
``temporal_end``, ``spatial_text``, ``spatial`` and ``contact``. This one
rewrites what they get wrong for this schema:

- themes and update frequency, stored as codes, become the URIs of the EU
  data-theme and frequency vocabularies;
- the producer becomes the ``dct:publisher``, with its SIRET as
  ``dct:identifier``, in place of the organisation;
- every distribution gets the dataset's licence when it has none.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, RDFProfile

log = logging.getLogger(__name__)

__all__ = ["AgenDCATAPProfile"]

THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"


class AgenDCATAPProfile(RDFProfile):
    """Map the Agen catalogue fields onto the DCAT-AP graph of a dataset."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        self._replace_themes(dataset_dict, dataset_ref)
        self._replace_frequency(dataset_dict, dataset_ref)
        self._replace_publisher(dataset_dict, dataset_ref)
        self._add_licence_to_distributions(dataset_dict, dataset_ref)

    def _remove_objects(self, subject: Node, predicate: URIRef) -> None:
        """Remove ``subject predicate ?o`` and, for blank nodes, ?o's own triples."""
        for obj in list(self.g.objects(subject, predicate)):
            self.g.remove((subject, predicate, obj))
            if isinstance(obj, BNode):
                self.g.remove((obj, None, None))

    def _replace_themes(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        codes = dataset_dict.get("theme") or []
        if isinstance(codes, str):
            try:
                codes = json.loads(codes)
            except ValueError:
                codes = [codes]

        self._remove_objects(dataset_ref, DCAT.theme)
        for code in codes:
            self.g.add((dataset_ref, DCAT.theme, URIRef(THEME_BASE + code)))

    def _replace_frequency(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        code = dataset_dict.get("frequency")
        self._remove_objects(dataset_ref, DCT.accrualPeriodicity)
        if code:
            self.g.add((dataset_ref, DCT.accrualPeriodicity, URIRef(FREQUENCY_BASE + code)))

    def _replace_publisher(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        name = dataset_dict.get("producer_name")
        if not name:
            # Without a producer, the organisation stays the publisher.
            return

        for old in list(self.g.objects(dataset_ref, DCT.publisher)):
            self.g.remove((dataset_ref, DCT.publisher, old))
            # The organisation's node may publish other datasets of the
            # catalogue graph, so only an orphan node is removed.
            if not any(self.g.subjects(DCT.publisher, old)):
                self.g.remove((old, None, None))

        publisher = BNode()
        self.g.add((publisher, RDF.type, FOAF.Agent))
        self.g.add((publisher, FOAF.name, Literal(name)))
        siret = dataset_dict.get("producer_siret")
        if siret:
            self.g.add((publisher, DCT.identifier, Literal(siret)))
        self.g.add((dataset_ref, DCT.publisher, publisher))

    def _dataset_licence(self, dataset_dict: dict[str, Any]) -> Node | None:
        """Return the licence node: its URL, or a labelled blank node without one."""
        url = dataset_dict.get("license_url")
        if url:
            return URIRef(url)
        title = dataset_dict.get("license_title") or dataset_dict.get("license_id")
        if not title:
            return None
        licence = BNode()
        self.g.add((licence, RDF.type, DCT.LicenseDocument))
        self.g.add((licence, RDFS.label, Literal(title)))
        return licence

    def _add_licence_to_distributions(
        self, dataset_dict: dict[str, Any], dataset_ref: Node
    ) -> None:
        distributions = list(self.g.objects(dataset_ref, DCAT.distribution))
        missing = [dist for dist in distributions if (dist, DCT.license, None) not in self.g]
        if not missing:
            return
        # One node per distribution: rdflib's RDF/XML writer ("pretty-xml")
        # left a blank node shared by several distributions undescribed.
        for distribution in missing:
            licence = self._dataset_licence(dataset_dict)
            if licence is None:
                return
            self.g.add((distribution, DCT.license, licence))
