"""Listing and French full-text search of services."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckan.tests.helpers import call_action

from .conftest import as_user


@pytest.fixture
def listing(acc):
    accorderie = acc.accorderie()
    alice, bob = acc.member(accorderie), acc.member(accorderie)
    specs = [
        (alice, "offer", "Ménage et repassage", "housework", "Centre", "published", None),
        (alice, "offer", "Petits ménages", "housework", "Pin", "published", None),
        (bob, "request", "Cours d'anglais", "languages", "Centre", "published", None),
        (bob, "offer", "Tonte de pelouse", "gardening", "Tapie", "draft", None),
        (bob, "offer", "Menage de printemps", "housework", "Tapie", "published", "2020-01-01"),
    ]
    services = []
    for member, kind, title, category, hood, status, expires in specs:
        services.append(call_action(
            "accorderie_service_create", member_id=member["id"], type=kind, title=title,
            category_id=category, neighbourhood=hood, status=status,
            **({"expires": expires} if expires else {}),
        ))
    return accorderie, alice, bob, services


def _titles(result):
    return sorted(s["title"] for s in result["results"])


def test_accented_query_finds_plural(listing):
    result = call_action("accorderie_service_list", context=as_user(None), q="ménage")
    assert _titles(result) == ["Ménage et repassage", "Petits ménages"]


def test_unaccented_query_finds_accented(listing):
    result = call_action("accorderie_service_list", context=as_user(None), q="menage")
    assert _titles(result) == ["Ménage et repassage", "Petits ménages"]


def test_filter_by_type_and_neighbourhood(listing):
    result = call_action(
        "accorderie_service_list", context=as_user(None), type="offer", neighbourhood="Centre"
    )
    assert _titles(result) == ["Ménage et repassage"]


def test_filter_by_category(listing):
    result = call_action("accorderie_service_list", context=as_user(None), category_id="languages")
    assert _titles(result) == ["Cours d'anglais"]


def test_expired_and_drafts_hidden(listing):
    result = call_action("accorderie_service_list", context=as_user(None))
    assert result["count"] == 3
    assert "Tonte de pelouse" not in _titles(result)


def test_owner_lists_own_drafts(listing):
    _, _, bob, _ = listing
    result = call_action(
        "accorderie_service_list", context=as_user(bob["user"]), status="draft", member_id=bob["id"]
    )
    assert _titles(result) == ["Tonte de pelouse"]


def test_others_drafts_not_listed(listing):
    _, alice, _, _ = listing
    result = call_action("accorderie_service_list", context=as_user(alice["user"]), status="draft")
    assert result["count"] == 0


def test_pagination_keeps_total(listing):
    page = call_action("accorderie_service_list", context=as_user(None), limit=2, offset=2)
    assert page["count"] == 3
    assert len(page["results"]) == 1


def test_negative_offset_refused(listing):
    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_service_list", context=as_user(None), offset=-1)
    assert list(error.value.error_dict) == ["offset"]


def test_query_with_operators_is_safe(listing):
    result = call_action("accorderie_service_list", context=as_user(None), q="ménage & | ! ( ' \"")
    assert _titles(result) == ["Ménage et repassage", "Petits ménages"]


def test_filter_by_accorderie_name(listing):
    accorderie, _, _, _ = listing
    by_name = call_action("accorderie_service_list", context=as_user(None), accorderie_id=accorderie["name"])
    by_id = call_action("accorderie_service_list", context=as_user(None), accorderie_id=accorderie["id"])

    assert by_name["count"] == 3
    assert by_id["count"] == 3


def test_other_accorderie_lists_nothing(listing, acc):
    other = acc.accorderie()
    result = call_action("accorderie_service_list", context=as_user(None), accorderie_id=other["name"])

    assert result == {"count": 0, "results": []}


def test_unknown_accorderie_refused(listing):
    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_service_list", context=as_user(None), accorderie_id="nowhere")
    assert error.value.error_dict == {"accorderie_id": ["L'accorderie nowhere n'existe pas."]}


def test_member_gets_owner_name(listing):
    accorderie, alice, bob, _ = listing
    result = call_action(
        "accorderie_service_list", context=as_user(alice["user"]), type="request",
    )

    assert [s["member_id"] for s in result["results"]] == [bob["id"]]
    assert result["results"][0]["member_name"] == bob["user"]["fullname"]
    assert "status" not in result["results"][0]
