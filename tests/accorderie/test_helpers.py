"""Template helpers of the accorderie: dates in the page's language."""
from __future__ import annotations

import datetime

import pytest
from flask_babel import force_locale

from ckanext.accorderie.helpers import accorderie_chart, accorderie_format_date


@pytest.fixture
def in_locale(with_plugins, with_request_context):
    """A function that formats a date with the helper in a given locale."""
    def format_in(locale, value):
        with force_locale(locale):
            return accorderie_format_date(value)
    return format_in


def test_french_first_day_ordinal(in_locale):
    assert in_locale("fr", "2026-12-01") == "1er décembre 2026"


@pytest.mark.parametrize("value, expected", [
    ("2026-12-05", "5 décembre 2026"),
    ("2026-12-11", "11 décembre 2026"),
    ("2026-12-21", "21 décembre 2026"),
    ("2026-12-31", "31 décembre 2026"),
])
def test_french_other_days_cardinal(in_locale, value, expected):
    assert in_locale("fr", value) == expected


def test_english_first_day_unchanged(in_locale):
    assert in_locale("en", "2026-12-01") == "December 1, 2026"


def test_english_other_day_unchanged(in_locale):
    assert in_locale("en", "2026-12-05") == "December 5, 2026"


def test_french_first_day_in_display_timezone(in_locale):
    # 23:30 UTC on 30 November is 00:30 on 1 December in Europe/Paris,
    # the portal's ckan.display_timezone.
    assert in_locale("fr", "2026-11-30T23:30:00") == "1er décembre 2026"


def test_french_last_day_in_display_timezone(in_locale):
    # 22:30 UTC on 31 October 2026 is 23:30 the same day in Europe/Paris.
    assert in_locale("fr", "2026-10-31T22:30:00") == "31 octobre 2026"


def test_french_date_object(in_locale):
    assert in_locale("fr", datetime.date(2026, 12, 1)) == "1er décembre 2026"


def test_missing_date_empty(in_locale):
    assert in_locale("fr", None) == ""


def test_chart_labels_highest_lowest_and_zero():
    chart = accorderie_chart([
        {"date": "2026-11-01", "balance": 900},
        {"date": "2026-11-05", "balance": -300},
        {"date": "2026-11-10", "balance": 1200},
    ])

    assert chart["labels"] == [
        {"minutes": 1200, "y": 16.0}, {"minutes": -300, "y": 216.0}, {"minutes": 0, "y": 176.0},
    ]
    assert (chart["high"], chart["low"]) == (1200, -300)
    assert chart["dates_y"] == 248
    assert chart["height"] == 260


def test_chart_line_right_of_gutter():
    chart = accorderie_chart([
        {"date": "2026-11-01", "balance": 900},
        {"date": "2026-11-10", "balance": 0},
    ])

    assert chart["left"] == 130
    assert chart["line"] == "130.0,16.0 600.0,216.0"
    assert chart["zero"] == 216.0


def test_chart_drops_label_too_close():
    chart = accorderie_chart([
        {"date": "2026-11-01", "balance": 900},
        {"date": "2026-11-05", "balance": -10},
    ])

    assert [label["minutes"] for label in chart["labels"]] == [900, -10]


def test_chart_flat_at_zero_has_one_label():
    chart = accorderie_chart([{"date": "2026-11-01", "balance": 0}])

    assert chart["labels"] == [{"minutes": 0, "y": 216.0}]


def test_chart_without_points_is_none():
    assert accorderie_chart([]) is None
