"""Durations written by people, parsed into whole minutes."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.accorderie.logic.validators import parse_duration


@pytest.mark.parametrize("text", ["1,5", "1.5", "1h30", "1 h 30", "90 min", "90min", "1H30"])
def test_duration_forms_give_90_minutes(text):
    assert parse_duration(text) == 90


@pytest.mark.parametrize("value, minutes", [("2", 120), (3, 180), ("0,25", 15), ("2h", 120), ("45 mn", 45)])
def test_duration_other_values(value, minutes):
    assert parse_duration(value) == minutes


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("text", ["0", "-2", "0 min", "0h"])
def test_duration_not_positive_refused(text):
    with pytest.raises(tk.Invalid) as error:
        parse_duration(text)
    assert "supérieure à zéro" in error.value.error


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("text", ["abc", "", "1h75", "1,0001", True, None])
def test_duration_garbage_refused(text):
    with pytest.raises(tk.Invalid):
        parse_duration(text)


def _record(provider, receiver, duration):
    from .conftest import as_user

    return call_action(
        "accorderie_exchange_create", context=as_user(provider["user"]),
        provider_id=provider["id"], receiver_id=receiver["id"],
        duration=duration, exchange_date="2026-12-01",
    )


@pytest.fixture
def pair(acc):
    accorderie = acc.accorderie(max_exchange=240)
    return acc.member(accorderie), acc.member(accorderie)


@pytest.mark.parametrize("text", ["1,5", "1.5", "1h30", "90 min"])
def test_exchange_stores_minutes(pair, text):
    assert _record(*pair, text)["minutes"] == 90


def test_exchange_zero_names_field(pair):
    with pytest.raises(tk.ValidationError) as error:
        _record(*pair, "0")
    assert error.value.error_dict == {"duration": ["La durée doit être supérieure à zéro."]}


def test_exchange_negative_names_field(pair):
    with pytest.raises(tk.ValidationError) as error:
        _record(*pair, "-2")
    assert error.value.error_dict == {"duration": ["La durée doit être supérieure à zéro."]}


def test_exchange_abc_names_field(pair):
    with pytest.raises(tk.ValidationError) as error:
        _record(*pair, "abc")
    assert error.value.error_dict == {
        "duration": ["La durée n'est pas valide : écrivez-la sous la forme 1,5 ou 1h30 ou 90 min."]
    }


def test_exchange_above_maximum_refused(pair):
    with pytest.raises(tk.ValidationError) as error:
        _record(*pair, "25")
    assert error.value.error_dict == {
        "duration": ["La durée 25 h dépasse le maximum de cette accorderie, qui est de 4 h."]
    }


def test_accorderie_limits_inconsistent(acc):
    with pytest.raises(tk.ValidationError) as error:
        acc.accorderie(min_balance=120)
    assert error.value.error_dict["min_balance"] == ["Le solde minimal doit être nul ou négatif."]


def test_accorderie_default_opening_credit(acc):
    assert acc.accorderie()["opening_credit"] == 15 * 60


@pytest.mark.parametrize("text", ["04/12/2026", "4/12/2026", "04.12.2026", "04-12-2026", "2026-12-04"])
def test_date_french_and_iso_forms(text):
    from ckanext.accorderie.logic.validators import accorderie_date

    assert accorderie_date(text, {}).isoformat() == "2026-12-04"


@pytest.mark.parametrize("text", ["31/02/2026", "12/2026", "demain", "2026/12/04"])
def test_date_invalid_forms_refused(text):
    from ckanext.accorderie.logic.validators import accorderie_date

    with pytest.raises(tk.Invalid):
        accorderie_date(text, {})
