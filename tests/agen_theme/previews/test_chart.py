"""Aggregates behind the chart view, computed by PostgreSQL."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

import ckan.logic as logic
from ckan.tests.helpers import call_action
from ckanext.datastore.backend.postgres import get_read_engine

from ckanext.agen_theme.previews import charts

from .conftest import PREVIEW_MARKS, data_file

pytestmark = PREVIEW_MARKS

GIRONDE = "budget-gironde-compte-administratif-2015"


def _budget_id(load_demo_dataset) -> str:
    package = load_demo_dataset(GIRONDE)
    return next(r["id"] for r in package["resources"] if r["name"] == "Compte administratif 2015 (UTF-8)")


def test_chapter_sums_match_datastore(load_demo_dataset):
    resource_id = _budget_id(load_demo_dataset)
    with get_read_engine().connect() as connection:
        expected = dict(connection.execute(sa.text(
            f'SELECT "Chapitre", SUM("Montant") FROM "{resource_id}" GROUP BY 1'
        )).fetchall())

    result = call_action("agen_previews_chart_data_show", resource_id=resource_id,
                         category="Chapitre", value="Montant", limit=100)

    assert result["total_categories"] == len(expected)
    assert len(result["categories"]) == min(100, len(expected))
    for category, value in zip(result["categories"], result["values"]):
        assert value == pytest.approx(float(expected[category]))


def test_chapter_sum_matches_file(load_demo_dataset):
    resource_id = _budget_id(load_demo_dataset)
    text = data_file("budget-gironde-ca-2015/cedi_2015_CA.utf8.csv").read_text("utf-8")
    by_chapter: dict[str, Decimal] = {}
    for row in csv.DictReader(io.StringIO(text)):
        by_chapter[row["Chapitre"]] = by_chapter.get(row["Chapitre"], Decimal(0)) + Decimal(row["Montant"])
    largest = max(by_chapter, key=by_chapter.get)

    result = call_action("agen_previews_chart_data_show", resource_id=resource_id,
                         category="Chapitre", value="Montant", limit=1)

    assert result["categories"] == [largest]
    assert result["values"] == [pytest.approx(float(by_chapter[largest]))]


def test_count_needs_no_value(load_demo_dataset):
    resource_id = _budget_id(load_demo_dataset)

    result = call_action("agen_previews_chart_data_show", resource_id=resource_id,
                         category="Depense/Recette", aggregation="count", sort="category")

    assert result["categories"] == ["D", "R"]
    assert sum(result["values"]) == 1254


def test_unknown_column_rejected(load_demo_dataset):
    resource_id = _budget_id(load_demo_dataset)

    with pytest.raises(logic.ValidationError) as error:
        call_action("agen_previews_chart_data_show", resource_id=resource_id,
                    category="Nope", value="Montant")

    assert "category" in error.value.error_dict


def test_text_value_rejected(load_demo_dataset):
    resource_id = _budget_id(load_demo_dataset)

    with pytest.raises(logic.ValidationError) as error:
        call_action("agen_previews_chart_data_show", resource_id=resource_id,
                    category="Chapitre", value="Libelle")

    assert "value" in error.value.error_dict


def test_bad_aggregation_rejected(load_demo_dataset):
    resource_id = _budget_id(load_demo_dataset)

    with pytest.raises(logic.ValidationError) as error:
        call_action("agen_previews_chart_data_show", resource_id=resource_id,
                    category="Chapitre", value="Montant", aggregation="median")

    assert "aggregation" in error.value.error_dict


def test_guess_picks_amount_column():
    config = charts.guess_config({"Type nomenclature": "text", "Chapitre": "text",
                                  "Exercice": "numeric", "Montant": "numeric"})

    assert config["category"] == "Chapitre"
    assert config["value"] == "Montant"


def test_pie_slices_share_whole():
    slices = charts.agen_previews_pie_slices([1.0, 3.0, None])

    assert [round(item["share"], 2) for item in slices] == [0.25, 0.75, 0.0]
    assert slices[2]["path"] == ""


def test_line_segments_break_at_empty_values():
    scale = {"min": 0.0, "max": 10.0}

    segments = charts.agen_previews_line_segments([5.0, None, 10.0, 0.0], scale, width=300, height=100)

    assert [[point["index"] for point in segment] for segment in segments] == [[0], [2, 3]]
    assert segments[0][0] == {"x": 10.0, "y": 60.0, "index": 0}
    assert segments[1][1] == {"x": 310.0, "y": 110.0, "index": 3}
