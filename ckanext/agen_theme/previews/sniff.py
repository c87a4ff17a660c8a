"""Detect how a French tabular text file is written: encoding, delimiter and
the type of each column.

Everything here works on bytes or strings in memory and touches neither CKAN
nor the database, so it can be tested and benchmarked on its own.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

__all__ = [
    "Column",
    "Sniffed",
    "detect_delimiter",
    "detect_encoding",
    "infer_columns",
    "parse_date",
    "number_text",
    "parse_number",
    "read_rows",
    "sniff",
]

DELIMITERS = (";", ",", "\t", "|")

# Bytes 0x80-0x9F are control characters in Latin-1 but letters and signs in
# Windows-1252 (0x80 is "€", 0x92 is "’", 0x9C is "œ"). These five are left
# undefined by Windows-1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}

# Thousands separators met in French files: space, no-break space and
# narrow no-break space.
_THOUSANDS = " \u00a0\u202f"
_NUMBER_PLAIN = re.compile(r"^[-+]?(\d*)(?:[.,](\d+))?$")
_NUMBER_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_NUMBER_DOT_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+,\d+$")

_DATE_FORMATS = (
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y"),
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "%Y/%m/%d"),
)

# Column names that announce an identifier or a code: such a column stays
# text even when all its values look like numbers (SIRET, INSEE codes, ids).
_CODE_NAME = re.compile(
    r"(siret|siren|insee|code|postal|telephone|téléphone|phone|"
    r"^id|_id$|^id_|id[A-Z]|identifiant|numero|numéro|^num_|^ref|ref$|reference|référence)",
)

# The number of bytes read to detect the delimiter and the header.
SAMPLE_SIZE = 65536


@dataclass
class Column:
    """One column of the file as it will be stored in the DataStore."""

    id: str
    label: str
    type: str = "text"
    date_format: Optional[str] = None


@dataclass
class Sniffed:
    """What :func:`sniff` found out about a file."""

    encoding: str
    delimiter: str
    columns: list[Column] = field(default_factory=list)
    bom: bool = False


def detect_encoding(data: bytes) -> tuple[str, bool]:
    """Decide the encoding of ``data`` from all of its bytes.

    A UTF-8 byte-order mark counts only if the bytes after it are valid
    UTF-8. Windows-1252 wins over Latin-1 when the file uses a byte of
    0x80-0x9F that Windows-1252 defines.

    :returns: the Python codec name and whether a byte-order mark to skip
        starts the file
    """
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", True

    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if has_bom else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", has_bom

    # Not UTF-8: the byte-order mark is noise from a tool that added it to a
    # single-byte file, and it is skipped.
    c1_bytes = {byte for byte in set(body) if 0x80 <= byte <= 0x9F}
    if c1_bytes and not c1_bytes & _CP1252_UNDEFINED:
        return "cp1252", has_bom
    return "latin-1", has_bom


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` with the encoding that :func:`detect_encoding` picks.

    :returns: the text, without any byte-order mark, and the encoding
    """
    encoding, has_bom = detect_encoding(data)
    if encoding == "utf-16":
        return data.decode("utf-16"), encoding
    body = data[3:] if has_bom else data
    return body.decode(encoding), encoding


def detect_delimiter(sample: str) -> str:
    """Pick the delimiter that splits the sample's records most regularly.

    Each candidate parses the sample with quoting on; the winner gives the
    most rows with the same number of cells (more than one), and on a tie
    the most cells per row.
    """
    best = ","
    best_score = (0, 0)
    # The last line of a sample may be cut in the middle.
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        sample = "".join(lines[:-1])
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        widths: dict[int, int] = {}
        for row in rows:
            cells = [cell for cell in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                widths[len(cells)] = widths.get(len(cells), 0) + 1
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        if width < 2:
            continue
        score = (count, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_number(value: str) -> Optional[float]:
    """Read ``value`` as a number written the French or the English way.

    ``12,5``, ``-3.25``, ``26 956,00`` and ``17\u00a0833`` are numbers.
    ``01000`` (a code with a leading zero), ``12.06.1994`` (a date) and
    empty strings are not, and return ``None``.
    """
    text = value.strip()
    if not text:
        return None

    canonical = number_text(text)
    return float(canonical) if canonical is not None else None


def number_text(value: str) -> Optional[str]:
    """Rewrite a number as PostgreSQL reads it (``26 956,00`` gives
    ``26956.00``), keeping every digit, or return ``None`` if ``value`` is
    not a number by the rules of :func:`parse_number`."""
    text = value.strip()
    plain = _NUMBER_PLAIN.match(text)
    if plain:
        integer_part, decimals = plain.group(1), plain.group(2)
        if not integer_part and not decimals:
            return None
        if len(integer_part) > 1 and integer_part.startswith("0"):
            return None
        return text.replace(",", ".")

    if _NUMBER_GROUPED.match(text):
        for space in _THOUSANDS:
            text = text.replace(space, "")
        return text.replace(",", ".")

    if _NUMBER_DOT_GROUPED.match(text):
        return text.replace(".", "").replace(",", ".")
    return None


def parse_date(value: str, date_format: Optional[str] = None) -> Optional[datetime.date]:
    """Read ``value`` as a day-first or ISO date, or return ``None``."""
    text = value.strip()
    for pattern, candidate in _DATE_FORMATS:
        if date_format and candidate != date_format:
            continue
        if pattern.match(text):
            try:
                return datetime.datetime.strptime(text, candidate).date()
            except ValueError:
                return None
    return None


def read_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    """Yield the records of ``text``, skipping blank lines.

    Quoted cells may span lines. Trailing cells that are empty or only
    spaces are cut off, so that a trailing delimiter or space padding does
    not add a column.
    """
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        while row and not row[-1].strip():
            row.pop()
        if row:
            yield row


def _unique_ids(labels: list[str]) -> list[str]:
    # DataStore column names: at most 63 characters, no double quote, not
    # starting with an underscore, and unique.
    ids: list[str] = []
    for index, label in enumerate(labels):
        base = label.replace('"', "'").strip().lstrip("_")[:60].strip()
        if not base:
            base = f"colonne_{index + 1}"
        candidate = base
        suffix = 2
        while candidate in ids:
            candidate = f"{base}_{suffix}"
            suffix += 1
        ids.append(candidate)
    return ids


def _column_type(name: str, values: Iterable[str]) -> tuple[str, Optional[str]]:
    """Return the DataStore type of a column and, for dates, its format."""
    non_empty = [value.strip() for value in values if value.strip()]
    if not non_empty:
        return "text", None

    if all(parse_number(value) is not None for value in non_empty):
        if _CODE_NAME.search(name) or _CODE_NAME.search(name.lower()):
            return "text", None
        # Nine or fourteen digits everywhere: SIREN or SIRET numbers.
        if all(re.fullmatch(r"\d{9}|\d{14}", value) for value in non_empty):
            return "text", None
        return "numeric", None

    for pattern, date_format in _DATE_FORMATS:
        if all(pattern.match(value) for value in non_empty) and all(
            parse_date(value, date_format) for value in non_empty
        ):
            return "date", date_format
    return "text", None


def infer_columns(header: list[str], rows: list[list[str]]) -> list[Column]:
    """Type each column from every one of its values in ``rows``."""
    labels = [label.strip() for label in header]
    ids = _unique_ids(labels)
    columns = []
    for index, (column_id, label) in enumerate(zip(ids, labels)):
        values = (row[index] if index < len(row) else "" for row in rows)
        column_type, date_format = _column_type(label, values)
        columns.append(Column(id=column_id, label=label or column_id,
                              type=column_type, date_format=date_format))
    return columns


def sniff(data: bytes) -> tuple[Sniffed, list[list[str]]]:
    """Detect encoding, delimiter and column types of a CSV file's bytes.

    :returns: what was detected and the data rows, header excluded
    """
    text, encoding = decode(data)
    delimiter = detect_delimiter(text[:SAMPLE_SIZE])
    records = read_rows(text, delimiter)
    header = next(records, [])
    rows = list(records)
    columns = infer_columns(header, rows)
    return Sniffed(encoding=encoding, delimiter=delimiter, columns=columns,
                   bom=data.startswith(codecs.BOM_UTF8)), rows
