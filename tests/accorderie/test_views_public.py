"""The public pages of the accorderie: home, service list, service page."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from .conftest import as_user


def _service(member, **fields):
    fields.setdefault("type", "offer")
    fields.setdefault("title", "Cours de guitare")
    fields.setdefault("category_id", "music")
    fields.setdefault("status", "published")
    fields.setdefault("not_my_profession", True)
    return call_action(
        "accorderie_service_create", context=as_user(member["user"]),
        member_id=member["id"], **fields,
    )


@pytest.fixture
def acc(web_acc):
    return web_acc


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", title="Accorderie d'Agen")


def test_index_shows_the_only_accorderie(app, agen):
    body = app.get("/accorderie").body

    assert "Accorderie d&#39;Agen" in body or "Accorderie d'Agen" in body
    assert "/accorderie/agen/apply" in body


def test_theme_link_points_to_accorderie(app, agen):
    body = app.get("/").body

    assert 'href="/accorderie"' in body


def test_home_lists_latest_offer(app, acc, agen):
    _service(acc.member(agen), title="Jardinage au Pin")

    body = app.get("/accorderie/agen").body

    assert "Jardinage au Pin" in body


def test_home_unknown_accorderie_404(app, agen):
    app.get("/accorderie/nowhere", status=404)


def test_list_filters_by_type(app, acc, agen):
    member = acc.member(agen)
    _service(member, title="Offre de repassage")
    _service(member, title="Demande de covoiturage", type="request")

    body = app.get("/accorderie/agen/services", query_string={"type": "request"}).body

    assert "Demande de covoiturage" in body
    assert "Offre de repassage" not in body


def test_list_filters_by_text(app, acc, agen):
    member = acc.member(agen)
    _service(member, title="Ménage de printemps")
    _service(member, title="Cours de guitare")

    body = app.get("/accorderie/agen/services", query_string={"q": "menage"}).body

    assert "Ménage de printemps" in body
    assert "Cours de guitare" not in body


def test_list_filters_by_neighbourhood(app, acc, agen):
    member = acc.member(agen)
    _service(member, title="Au Pin", neighbourhood="Pin")
    _service(member, title="A Tapie", neighbourhood="Tapie")

    body = app.get("/accorderie/agen/services", query_string={"neighbourhood": "Pin"}).body

    assert "Au Pin" in body
    assert "A Tapie" not in body


def test_list_pages_by_twenty(app, acc, agen):
    member = acc.member(agen)
    for number in range(21):
        _service(member, title=f"Service numero {number:02d}")

    first = app.get("/accorderie/agen/services").body
    second = app.get("/accorderie/agen/services", query_string={"page": 2}).body

    assert first.count("Service numero") == 20
    assert second.count("Service numero") == 1
    assert "21 services" in first


def test_list_bad_type_shows_error(app, agen):
    body = app.get("/accorderie/agen/services", query_string={"type": "gift"}).body

    assert "error-block" in body


def test_list_hides_member_names_from_public(app, acc, agen):
    member = acc.member(agen)
    _service(member)

    body = app.get("/accorderie/agen/services").body

    assert member["display_name"] not in body


def test_service_page_shows_description(app, acc, agen):
    service = _service(acc.member(agen), description="Je **prête** ma guitare.")

    body = app.get(f"/accorderie/service/{service['id']}").body

    assert "<strong>prête</strong>" in body


def test_service_page_escapes_script(app, acc, agen):
    service = _service(acc.member(agen), description="<script>alert(1)</script>")

    body = app.get(f"/accorderie/service/{service['id']}").body

    assert "<script>alert(1)</script>" not in body
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in body


def test_service_page_keeps_autolink_and_comparison(app, acc, agen):
    service = _service(acc.member(agen), description="Voir <https://data.agen.fr> : 2 < 3")

    body = app.get(f"/accorderie/service/{service['id']}").body

    assert '<a href="https://data.agen.fr">https://data.agen.fr</a>' in body
    assert "2 &lt; 3" in body


def test_service_page_disarms_javascript_link(app, acc, agen):
    service = _service(acc.member(agen), description="[clic](javascript:alert(1))")

    body = app.get(f"/accorderie/service/{service['id']}").body

    assert "clic" in body
    assert 'href="javascript:' not in body


def test_service_page_hides_owner_from_public(app, acc, agen):
    member = acc.member(agen, email="owner@example.org", email_visibility="members")
    service = _service(member)

    body = app.get(f"/accorderie/service/{service['id']}").body

    assert member["display_name"] not in body
    assert "owner@example.org" not in body


def test_draft_service_page_not_public(app, acc, agen):
    service = _service(acc.member(agen), status="draft")

    response = app.get(f"/accorderie/service/{service['id']}", follow_redirects=False)

    assert response.status_code == 302
    assert "/user/login" in response.headers["Location"]


def test_home_in_french(app, agen):
    body = app.get("/fr/accorderie/agen").body

    assert "Dernières offres" in body
