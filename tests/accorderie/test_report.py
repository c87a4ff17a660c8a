"""The staff's activity report of an accorderie."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action, call_auth

from .conftest import as_user


@pytest.fixture
def setup(acc):
    accorderie = acc.accorderie()
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    return acc, accorderie, provider, receiver


def _service(member, title="Cours de guitare", category_id="music"):
    return call_action(
        "accorderie_service_create", context=as_user(member["user"]), member_id=member["id"],
        type="offer", title=title, category_id=category_id, status="published",
        not_my_profession=True,
    )


def _exchange(acc, provider, receiver, date, duration="1h", service=None):
    fields = {"service_id": service["id"]} if service else {}
    exchange = call_action(
        "accorderie_exchange_create", context=as_user(provider["user"]),
        provider_id=provider["id"], receiver_id=receiver["id"], duration=duration,
        exchange_date=date, **fields,
    )
    return call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])


@pytest.mark.freeze_time("2026-12-04")
def test_report_minutes_by_month(setup):
    acc, accorderie, provider, receiver = setup
    _exchange(acc, provider, receiver, "2026-11-10", "1h")
    _exchange(acc, provider, receiver, "2026-11-20", "30 min")
    _exchange(acc, provider, receiver, "2026-12-01", "2h")

    report = call_action("accorderie_report_show", accorderie_id=accorderie["id"])

    assert report["minutes_by_month"] == [
        {"month": "2026-11", "minutes": 90}, {"month": "2026-12", "minutes": 120},
    ]


@pytest.mark.freeze_time("2026-12-04")
def test_report_months_window(setup):
    acc, accorderie, provider, receiver = setup
    _exchange(acc, provider, receiver, "2026-10-31", "1h")
    _exchange(acc, provider, receiver, "2026-11-01", "2h")

    report = call_action("accorderie_report_show", accorderie_id=accorderie["id"], months=2)

    assert report["minutes_by_month"] == [{"month": "2026-11", "minutes": 120}]


@pytest.mark.freeze_time("2026-12-04")
def test_report_by_category(setup):
    acc, accorderie, provider, receiver = setup
    _exchange(acc, provider, receiver, "2026-12-01", "1h", _service(provider))
    _exchange(acc, provider, receiver, "2026-12-02", "3h", _service(provider, "Potager", "gardening"))

    report = call_action("accorderie_report_show", accorderie_id=accorderie["id"])

    assert report["minutes_by_category"] == [
        {"category_id": "gardening", "minutes": 180}, {"category_id": "music", "minutes": 60},
    ]


@pytest.mark.freeze_time("2026-12-04")
def test_report_reversal_cancels_hours(setup):
    acc, accorderie, provider, receiver = setup
    exchange = _exchange(acc, provider, receiver, "2026-12-01", "2h", _service(provider))
    call_action("accorderie_exchange_reverse", id=exchange["id"])

    report = call_action("accorderie_report_show", accorderie_id=accorderie["id"])

    assert [row["minutes"] for row in report["minutes_by_month"]] == [0]
    assert report["minutes_by_category"] == [{"category_id": "music", "minutes": 0}]


@pytest.mark.freeze_time("2026-12-04")
def test_report_active_members(setup):
    acc, accorderie, provider, receiver = setup
    acc.member(accorderie)
    _exchange(acc, provider, receiver, "2026-12-01")

    report = call_action("accorderie_report_show", accorderie_id=accorderie["id"])

    assert report["active_members"] == 2
    assert report["members_by_state"] == {"active": 3}


def test_report_unanswered_services(setup):
    acc, accorderie, provider, receiver = setup
    answered = _service(provider, "Répondu")
    lonely = _service(provider, "Sans réponse")
    _exchange(acc, provider, receiver, "2026-12-01", service=answered)

    report = call_action("accorderie_report_show", accorderie_id=accorderie["id"])

    assert [s["id"] for s in report["unanswered"]] == [lonely["id"]]
    assert report["unanswered_count"] == 1


def test_report_bad_months_named(setup):
    _acc, accorderie, _provider, _receiver = setup

    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_report_show", accorderie_id=accorderie["id"], months=0)

    assert "months" in error.value.error_dict


def test_report_refused_to_members(setup):
    _acc, accorderie, provider, _receiver = setup

    with pytest.raises(tk.NotAuthorized):
        call_auth("accorderie_report_show", as_user(provider["user"]), accorderie_id=accorderie["id"])


def test_report_unknown_accorderie(setup):
    with pytest.raises(tk.ValidationError):
        call_action("accorderie_report_show", accorderie_id="nowhere")
