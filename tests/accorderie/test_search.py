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

    assert result == {"count": 0, "count_capped": False, "results": []}


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


def _ordered_titles(result):
    return [s["title"] for s in result["results"]]


def test_default_order_newest_first(listing):
    result = call_action("accorderie_service_list", context=as_user(None))
    assert _ordered_titles(result) == ["Cours d'anglais", "Petits ménages", "Ménage et repassage"]


def test_query_newest_first_by_default(listing):
    result = call_action("accorderie_service_list", context=as_user(None), q="ménage")
    assert _ordered_titles(result) == ["Petits ménages", "Ménage et repassage"]


@pytest.fixture
def title_and_description(listing):
    """A service naming "jardinage" in its title, then a newer one naming
    it only in its description, which ranks lower."""
    _, alice, bob, _ = listing
    in_title = call_action(
        "accorderie_service_create", member_id=alice["id"], type="offer",
        title="Jardinage au potager", category_id="gardening", neighbourhood="Pin",
        status="published",
    )
    in_description = call_action(
        "accorderie_service_create", member_id=bob["id"], type="offer",
        title="Coup de main", description="Un peu de jardinage le samedi.",
        category_id="gardening", neighbourhood="Pin", status="published",
    )
    return in_title, in_description


def test_query_relevance_ranks_title_first(title_and_description):
    result = call_action(
        "accorderie_service_list", context=as_user(None), q="jardinage", sort="relevance"
    )
    assert _ordered_titles(result) == ["Jardinage au potager", "Coup de main"]


def test_query_newest_ignores_rank(title_and_description):
    result = call_action(
        "accorderie_service_list", context=as_user(None), q="jardinage", sort="newest"
    )
    assert _ordered_titles(result) == ["Coup de main", "Jardinage au potager"]


def test_query_page_newest(listing):
    result = call_action(
        "accorderie_service_list", context=as_user(None), q="menage", limit=1, offset=1
    )
    assert _ordered_titles(result) == ["Ménage et repassage"]
    assert result["count"] == 2


def test_unknown_sort_refused(listing):
    with pytest.raises(tk.ValidationError) as error:
        call_action("accorderie_service_list", context=as_user(None), sort="oldest")
    assert error.value.error_dict == {"sort": [
        "La valeur oldest n'est pas autorisée : choisissez parmi newest, relevance."
    ]}


def test_query_count_exact_under_maximum(listing):
    result = call_action("accorderie_service_list", context=as_user(None), q="ménage")
    assert result["count"] == 2
    assert result["count_capped"] is False


@pytest.mark.ckan_config("ckanext.accorderie.search_count_max", 1)
def test_query_count_capped_past_maximum(listing):
    result = call_action("accorderie_service_list", context=as_user(None), q="ménage")
    assert result["count"] == 1
    assert result["count_capped"] is True
    assert len(result["results"]) == 2


@pytest.mark.ckan_config("ckanext.accorderie.search_count_max", 1)
def test_relevance_count_never_capped(listing):
    result = call_action(
        "accorderie_service_list", context=as_user(None), q="ménage", sort="relevance"
    )
    assert result["count"] == 2
    assert result["count_capped"] is False


@pytest.mark.ckan_config("ckanext.accorderie.search_count_max", 1)
def test_list_without_query_counts_exactly(listing):
    result = call_action("accorderie_service_list", context=as_user(None))
    assert result["count"] == 3
    assert result["count_capped"] is False


def test_page_past_end_keeps_count(listing):
    result = call_action("accorderie_service_list", context=as_user(None), limit=2, offset=10)
    assert result["results"] == []
    assert result["count"] == 3
    assert result["count_capped"] is False
