"""The cached markdown_extract gives CKAN's own extracts."""
from __future__ import annotations

import pytest

from ckan.lib import helpers as core
from ckan.plugins import toolkit as tk

from ckanext.agen_theme import extracts

# Creating the app loads the plugins' helpers, chained ones included.
pytestmark = pytest.mark.usefixtures("app")

TEXTS = [
    "Budget **primitif** de la [Ville d'Agen](https://www.agen.fr/).",
    "<script>alert(1)</script> Arrêts &amp; lignes de bus",
    "Écoles maternelles publiques. " * 20,
    "",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("length", [190, 30, 0])
def test_extract_same_as_ckan(text, length):
    assert tk.h.markdown_extract(text, extract_length=length) == core.markdown_extract(
        text, extract_length=length)


def test_second_extract_from_cache():
    text = "Stationnement en zone bleue, *rue Montesquieu*."
    tk.h.markdown_extract(text, extract_length=180)
    hits = extracts._cached_extract.cache_info().hits

    extract = tk.h.markdown_extract(text, extract_length=180)

    assert extract == "Stationnement en zone bleue, rue Montesquieu."
    assert extracts._cached_extract.cache_info().hits == hits + 1


def test_none_text_gives_empty_extract():
    assert tk.h.markdown_extract(None) == ""
