"""Every French catalogue of the project is complete, compiled and faithful.

Each plugin's catalogue is ckanext/<plugin>/i18n/fr/LC_MESSAGES/<domain>.po;
the test covers whichever of them exist.
"""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("ckanext/*/i18n/fr/LC_MESSAGES/*.po"))

# %(name)s, %s, %d ... as Python's %-formatting reads them; %% is a literal.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


def _placeholders(text: str) -> list[str]:
    """Return the sorted placeholders of ``text``: {name} and %-style ones."""
    found = [match for match in PERCENT_PLACEHOLDER.findall(text) if match != "%%"]
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None:
            found.append("{" + field + "}")
    return sorted(found)


def _messages(po_path: Path):
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    return [message for message in catalog if message.id]


def _hashable(value):
    # read_mo returns the forms of a plural message as a list, read_po as a tuple.
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _key(message):
    """Return a message's context and id; read_mo gives the context as bytes."""
    context = message.context
    if isinstance(context, bytes):
        context = context.decode("utf-8")
    return context, _hashable(message.id)


def _ids(po_path: Path) -> str:
    return str(po_path.relative_to(ROOT))


def test_catalogue_of_the_theme_exists():
    names = [path.name for path in CATALOGUES]

    assert "ckanext-agen_theme.po" in names


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids)
def test_every_message_translated(po_path):
    untranslated = [
        message.id
        for message in _messages(po_path)
        if not all(message.string if isinstance(message.string, tuple) else [message.string])
    ]

    assert untranslated == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids)
def test_no_fuzzy_message(po_path):
    fuzzy = [message.id for message in _messages(po_path) if message.fuzzy]

    assert fuzzy == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids)
def test_placeholders_kept(po_path):
    changed = []
    for message in _messages(po_path):
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        # Every plural form must keep the placeholders of the English plural.
        expected = _placeholders(originals[-1])
        for translation in translations:
            if _placeholders(translation) != expected:
                changed.append((originals[0], translation))

    assert changed == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids)
def test_mo_matches_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing; run bin/i18n compile"

    with mo_path.open("rb") as mo_file:
        compiled = {
            _key(message): _hashable(message.string)
            for message in read_mo(mo_file)
            if message.id
        }
    expected = {
        _key(message): _hashable(message.string)
        for message in _messages(po_path)
    }

    assert compiled == expected, f"{mo_path} is out of date; run bin/i18n compile"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_ids)
def test_pot_and_po_have_same_messages(po_path):
    domain = po_path.stem
    pot_path = po_path.parents[2] / f"{domain}.pot"
    with pot_path.open("rb") as pot_file:
        template_ids = {
            _key(message) for message in read_po(pot_file) if message.id
        }

    assert {_key(message) for message in _messages(po_path)} == template_ids


def test_placeholder_check_finds_renamed_name():
    assert _placeholders("%(hours)s heures") != _placeholders("%(hour)s heures")


def test_placeholder_check_finds_dropped_brace():
    assert _placeholders("{n} services") != _placeholders("des services")


def test_placeholder_check_ignores_literal_percent():
    assert _placeholders("100 %% traduit") == []
