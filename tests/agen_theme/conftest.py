"""Fixtures of the agen_theme tests: a small catalogue to render pages with."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

THEME_SCHEMA = "tests.agen_theme:data/theme_schema.yaml"


def theme_tags(vocabulary: dict[str, Any], *codes: str) -> list[dict[str, str]]:
    """Return the vocabulary tags that index ``codes`` into vocab_theme."""
    return [{"name": code, "vocabulary_id": vocabulary["id"]} for code in codes]


@pytest.fixture
def theme_vocabulary() -> dict[str, Any]:
    """The "theme" vocabulary with the codes used by the tests."""
    return factories.Vocabulary(
        name="theme",
        tags=[{"name": code} for code in ("ECON", "TRAN", "ENVI", "SOCI")],
    )


@pytest.fixture
def catalogue(theme_vocabulary) -> dict[str, Any]:
    """An organisation, a group and three datasets with themes and a resource."""
    org = factories.Organization(name="ville-agen", title="Ville d'Agen")
    group = factories.Group(name="mobilite", title="Mobilité")
    budget = factories.Dataset(
        name="budget-2024",
        title="Budget primitif 2024",
        owner_org=org["id"],
        groups=[{"id": group["id"]}],
        tags=theme_tags(theme_vocabulary, "ECON"),
    )
    factories.Resource(package_id=budget["id"], url="https://example.org/budget.csv", format="CSV")
    stops = factories.Dataset(
        name="arrets-bus",
        title="Arrêts de bus",
        owner_org=org["id"],
        groups=[{"id": group["id"]}],
        tags=theme_tags(theme_vocabulary, "TRAN", "ECON"),
    )
    grants = factories.Dataset(
        name="subventions-2024",
        title="Subventions 2024",
        owner_org=org["id"],
        tags=theme_tags(theme_vocabulary, "SOCI"),
    )
    return {"organization": org, "group": group, "datasets": [budget, stops, grants]}
