"""Load a French CSV file into the DataStore through xloader.

The step before xloader rewrites the file as clean UTF-8 with ``,`` as the
delimiter, numbers with a decimal point and ISO dates, and creates the
DataStore table with typed columns and their labels in the data dictionary.
xloader's own ``load_csv`` then copies the rows, keeping those column types
because it honours the data dictionary's ``type_override``.
"""
from __future__ import annotations

import csv
import io
import logging
import tempfile
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

from . import sniff as sniffing

log = logging.getLogger(__name__)

__all__ = [
    "LoadError",
    "LoadResult",
    "load_bytes",
    "normalise",
]


class LoadError(Exception):
    """A file that cannot be loaded; ``message`` is shown to the publisher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LoadResult:
    """The outcome of a load: what was detected and how many rows went in."""

    sniffed: sniffing.Sniffed
    row_count: int


def _clean_cell(column: sniffing.Column, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if column.type == "numeric":
        return sniffing.number_text(value) or ""
    if column.type == "date":
        parsed = sniffing.parse_date(value, column.date_format)
        return parsed.isoformat() if parsed else ""
    return value


def _align_ids_with_xloader(columns: list[sniffing.Column]) -> None:
    """Give the columns the ids xloader derives from the header.

    xloader transliterates headers to ASCII unless
    ``ckanext.xloader.unidecode_headers`` is false, and drops a data
    dictionary whose ids differ from its own, so ours must match. The label
    keeps the header as written, accents included.
    """
    from ckanext.xloader.loader import encode_headers

    seen: set[str] = set()
    for column, encoded in zip(columns, encode_headers([column.id for column in columns])):
        candidate, suffix = encoded.strip(), 2
        while candidate in seen:
            candidate, suffix = f"{encoded.strip()}_{suffix}", suffix + 1
        seen.add(candidate)
        column.id = candidate


def normalise(data: bytes) -> tuple[sniffing.Sniffed, str, int]:
    """Rewrite the bytes of a CSV file as clean UTF-8 CSV text.

    :returns: what was detected, the CSV text with the column ids as header
        and the number of records
    :raises LoadError: when the file has no header, or a record has more
        non-empty cells than the header has columns
    """
    sniffed, rows = sniffing.sniff(data)
    columns = sniffed.columns
    if not columns:
        raise LoadError(tk._("The file is empty or has no header line."))
    _align_ids_with_xloader(columns)

    width = len(columns)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow([column.id for column in columns])
    for number, row in enumerate(rows, start=1):
        if len(row) > width:
            raise LoadError(
                tk._(
                    "Record {number} has {cells} cells but the header has "
                    "{columns} columns: check the delimiter and the quotes "
                    "of that record."
                ).format(number=number, cells=len(row), columns=width)
            )
        cells = row + [""] * (width - len(row))
        writer.writerow([_clean_cell(column, cell) for column, cell in zip(columns, cells)])
    return sniffed, output.getvalue(), len(rows)


def _data_dictionary(sniffed: sniffing.Sniffed) -> list[dict[str, Any]]:
    # xloader keeps a column's type when the data dictionary sets
    # ``type_override``, and the label keeps the header as written.
    return [
        {
            "id": column.id,
            "type": column.type,
            "info": {"label": column.label, "type_override": column.type, "notes": ""},
        }
        for column in sniffed.columns
    ]


def _create_table(resource_id: str, sniffed: sniffing.Sniffed) -> None:
    context = {"ignore_auth": True, "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    try:
        tk.get_action("datastore_delete")(context, {"resource_id": resource_id, "force": True})
    except tk.ObjectNotFound:
        pass
    tk.get_action("datastore_create")(
        context,
        {
            "resource_id": resource_id,
            "force": True,
            "fields": _data_dictionary(sniffed),
            "records": [],
        },
    )


def load_bytes(resource_id: str, data: bytes, logger: Optional[logging.Logger] = None) -> LoadResult:
    """Normalise ``data`` and load it into the DataStore table of a resource.

    The table is replaced. Its columns get the detected types and their
    headers as labels.

    :raises LoadError: with a translated message when the file cannot be read
        or loaded
    """
    from ckanext.xloader import loader as xloader_loader
    from ckanext.xloader.job_exceptions import LoaderError

    logger = logger or log
    sniffed, text, row_count = normalise(data)
    logger.info(
        "Resource %s: %s, delimiter %r, %d records, types %s",
        resource_id, sniffed.encoding, sniffed.delimiter, row_count,
        {column.id: column.type for column in sniffed.columns},
    )

    _create_table(resource_id, sniffed)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", newline="") as handle:
        handle.write(text)
        handle.flush()
        try:
            xloader_loader.load_csv(handle.name, resource_id=resource_id,
                                    mimetype="text/csv", logger=logger)
        except LoaderError as error:
            logger.warning("Resource %s: xloader failed on the normalised file: %s", resource_id, error)
            raise LoadError(tk._("The DataStore rejected the file's data; the error was logged.")) from error
    _index_accent_fragments(resource_id, [column.id for column in sniffed.columns if column.type == "text"])
    xloader_loader.calculate_record_count(resource_id=resource_id, logger=logger)
    return LoadResult(sniffed=sniffed, row_count=row_count)


def _index_accent_fragments(resource_id: str, text_columns: list[str]) -> None:
    """Add to the full-text index the words that CKAN's table view searches.

    The search box of ``datatables_view`` (CKAN 2.11) replaces every
    character outside ``[0-9a-zA-Z-]`` with ``_`` before it queries, so
    "Émile" becomes the prefix query ``mile:*``. Indexing the text once more
    with those characters turned into spaces lets such a query find the row.
    """
    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    if not text_columns:
        return
    # NOTE: the mangled query also matches rows that merely contain the
    # fragments ("Sète" searches for "s" and "te*"), so a search on an
    # accented word may return a few extra rows.
    joined = " || ' ' || ".join(f"coalesce({identifier(name)}, '')" for name in text_columns)
    sql = (
        f"UPDATE {identifier(resource_id)} SET _full_text = coalesce(_full_text, ''::tsvector) || "
        f"to_tsvector('simple', regexp_replace({joined}, '[^0-9a-zA-Z-]+', ' ', 'g'))"
    )
    with get_write_engine().begin() as connection:
        connection.execute(sa.text(sql))
