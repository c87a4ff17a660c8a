"""Detection of encoding, delimiter and column types on French files."""
from __future__ import annotations

import codecs
import datetime

import pytest

from ckanext.agen_theme.previews import sniff

from .conftest import data_file


@pytest.mark.parametrize("text, expected", [
    ("12,5", 12.5),
    ("26 956,00", 26956.0),
    ("17\u00a0833", 17833.0),
    ("17\u202f833", 17833.0),
    ("-1,15", -1.15),
    (".01", 0.01),
    ("1.234.567,89", 1234567.89),
    ("0", 0.0),
])
def test_number_read(text, expected):
    assert sniff.parse_number(text) == expected


@pytest.mark.parametrize("text", ["12.06.1994", "01000", "", "-", "NC", "12,5 €", "1 2"])
def test_number_rejected(text):
    assert sniff.parse_number(text) is None


def test_date_day_first():
    assert sniff.parse_date("05/04/2016") == datetime.date(2016, 4, 5)


def test_date_invalid_day():
    assert sniff.parse_date("31/02/2016") is None


def test_encoding_utf8():
    assert sniff.detect_encoding("Émile".encode("utf-8")) == ("utf-8", False)


def test_encoding_cp1252_for_oe_and_euro():
    data = "cœur;12 €;l’été".encode("cp1252")

    assert sniff.detect_encoding(data) == ("cp1252", False)


def test_encoding_latin1_without_c1_bytes():
    assert sniff.detect_encoding("Nièvre".encode("latin-1")) == ("latin-1", False)


def test_encoding_bom_on_latin1_not_believed():
    data = codecs.BOM_UTF8 + "Département;Montant\nNièvre;12,5\n".encode("latin-1")

    text, encoding = sniff.decode(data)

    assert encoding == "latin-1"
    assert text.startswith("Département")


def test_encoding_decided_on_whole_file():
    # 100 000 ASCII bytes, then one Latin-1 letter at the very end.
    data = b"a;b\n" + b"x;1\n" * 25000 + "é;2\n".encode("latin-1")

    assert sniff.detect_encoding(data)[0] == "latin-1"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_detected(delimiter):
    sample = delimiter.join(["nom", "montant", "date"]) + "\n" + delimiter.join(["A, B", "12,5", "01/02/2017"]) + "\n"

    assert sniff.detect_delimiter(sample) == delimiter


def test_codes_keep_leading_zeros():
    columns = sniff.infer_columns(["code_postal", "cp"], [["01000", "01000"], ["47000", "47000"]])

    assert [column.type for column in columns] == ["text", "text"]


def test_siret_column_stays_text():
    columns = sniff.infer_columns(["beneficiaire"], [["21860194600017"], ["44137080600016"]])

    assert columns[0].type == "text"


def test_numeric_needs_every_value():
    columns = sniff.infer_columns(["montant"], [["17 833"], ["NC"]])

    assert columns[0].type == "text"


def test_poitiers_records_not_lines():
    sniffed, rows = sniff.sniff(data_file("subventions-poitiers-2017/poitiers-subventions-associations-2017.csv").read_bytes())

    assert len(rows) == 562
    assert sniffed.delimiter == ";"


def test_somme_is_cp1252_with_numeric_amounts():
    sniffed, rows = sniff.sniff(data_file("subventions-somme-2018/somme-20180330-donnees-conventions.csv").read_bytes())
    types = {column.id: column.type for column in sniffed.columns}

    assert sniffed.encoding == "cp1252"
    assert types["montant"] == "numeric"
    assert types["dateConvention"] == "date"
    assert types["idAttribuant"] == "text"


def test_gironde_header_keeps_accents():
    sniffed, _rows = sniff.sniff(data_file("budget-gironde-ca-2015/cedi_2015_CA.latin1.csv").read_bytes())

    assert [column.label for column in sniffed.columns][:2] == ["Département", "Budget"]
    assert len(sniffed.columns) == 17
