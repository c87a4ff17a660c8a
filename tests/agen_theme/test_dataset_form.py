"""The dataset form, submitted through the web pages as a browser would."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

import ckan.model as model
from ckan.lib.helpers import url_for
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.agen_theme.forms import form_fields, replace_fields

AGEN_POINT = '{"type":"Point","coordinates":[0.6166,44.2033]}'


@pytest.fixture
def sysadmin():
    return factories.SysadminWithToken()


@pytest.fixture
def dataset(sysadmin):
    org = factories.Organization()
    return call_action(
        "package_create",
        context={"user": sysadmin["name"]},
        name="zones-bleues",
        title="Zones bleues",
        owner_org=org["id"],
        theme=["TRAN", "ENVI"],
        producer_name="Ville d'Agen",
        contact=[
            {"name": "Accueil", "email": "accueil@agen.test", "phone": "05 53 69 47 47"},
            {"name": "Voirie", "email": "voirie@agen.test", "phone": "05 53 69 47 00"},
        ],
    )


def _edit_form(app, sysadmin, name: str) -> list[tuple[str, str]]:
    response = app.get(
        url_for("dataset.edit", id=name), headers={"Authorization": sysadmin["token"]}
    )
    assert response.status_code == 200
    return form_fields(response.body, "dataset-edit")


def _submit(app, sysadmin, name: str, fields: list[tuple[str, str]]):
    return app.post(
        url_for("dataset.edit", id=name),
        headers={"Authorization": sysadmin["token"]},
        data=MultiDict(fields + [("save", "")]),
        follow_redirects=False,
    )


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
class TestDatasetForm:
    def test_form_carries_csrf_token(self, app, sysadmin, dataset):
        fields = dict(_edit_form(app, sysadmin, dataset["name"]))

        assert fields.get("_csrf_token")

    def test_form_ticks_stored_themes(self, app, sysadmin, dataset):
        fields = _edit_form(app, sysadmin, dataset["name"])

        assert sorted(value for name, value in fields if name == "theme") == ["ENVI", "TRAN"]

    def test_unticking_all_themes_clears_them(self, app, sysadmin, dataset):
        fields = replace_fields(_edit_form(app, sysadmin, dataset["name"]), theme=None)

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 302
        assert not call_action("package_show", id=dataset["name"]).get("theme")

    def test_removing_second_contact_keeps_first(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]),
            **{"contact-1-name": None, "contact-1-email": None, "contact-1-phone": None},
        )

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 302
        contacts = call_action("package_show", id=dataset["name"])["contact"]
        assert len(contacts) == 1
        assert contacts[0]["phone"] == "05 53 69 47 47"
        assert contacts[0]["email"] == "accueil@agen.test"

    def test_point_is_stored(self, app, sysadmin, dataset):
        fields = replace_fields(_edit_form(app, sysadmin, dataset["name"]), spatial=AGEN_POINT)

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 302
        stored = call_action("package_show", id=dataset["name"])["spatial"]
        assert json.loads(stored) == json.loads(AGEN_POINT)

    @pytest.mark.parametrize(
        "value",
        [
            "Agen",
            '{"type":"Polygon","coordinates":[[[0.6,44.2],[0.7,44.2],[0.7,44.3],[0.6,44.3]]]}',
            '{"type":"FeatureCollection","features":[]}',
        ],
        ids=["place-name", "open-ring", "feature-collection"],
    )
    def test_bad_geometry_rejected_in_french(self, app, sysadmin, dataset, value):
        fields = replace_fields(_edit_form(app, sysadmin, dataset["name"]), spatial=value)

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 200
        assert "Couverture géographique" in response.body
        assert "géométrie GeoJSON invalide" in response.body or "pas du GeoJSON" in response.body
        assert not call_action("package_show", id=dataset["name"]).get("spatial")

    def test_bad_siret_rejected_naming_field(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]), producer_siret="21930048000016"
        )

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 200
        assert "SIRET" in response.body
        assert "Luhn" in response.body
        assert not call_action("package_show", id=dataset["name"]).get("producer_siret")

    def test_french_date_stored_as_iso(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]),
            temporal_start="01/01/2024",
            temporal_end="31/12/2024",
        )

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 302
        stored = call_action("package_show", id=dataset["name"])
        assert stored["temporal_start"] == "2024-01-01"
        assert stored["temporal_end"] == "2024-12-31"

    def test_new_form_offers_agen_extent(self, app, sysadmin):
        factories.Organization()

        response = app.get(url_for("dataset.new"), headers={"Authorization": sysadmin["token"]})

        spatial = dict(form_fields(response.body, "dataset-edit"))["spatial"]
        assert json.loads(spatial)["type"] == "Polygon"

    def test_rejected_form_leaves_no_revision(self, app, sysadmin, dataset):
        before = model.Session.query(model.Package).filter_by(name=dataset["name"]).one()
        modified = before.metadata_modified
        fields = replace_fields(_edit_form(app, sysadmin, dataset["name"]), spatial="Agen")

        _submit(app, sysadmin, dataset["name"], fields)

        model.Session.expire_all()
        after = model.Session.query(model.Package).filter_by(name=dataset["name"]).one()
        assert after.metadata_modified == modified

    def test_duplicate_email_shown_at_group(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]), **{"contact-1-email": "ACCUEIL@agen.test"}
        )

        response = _submit(app, sysadmin, dataset["name"], fields)

        assert response.status_code == 200
        page = BeautifulSoup(response.body, "html.parser")
        group_error = page.find(id="field-contact-error")
        assert group_error is not None
        assert "les entrées 1 et 2 ont la même adresse" in group_error.text
        fieldset = page.find("fieldset", attrs={"name": "scheming-repeating-subfields"})
        assert group_error in fieldset.find_all("span")

    def test_duplicate_email_in_error_summary(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]), **{"contact-1-email": "accueil@agen.test"}
        )

        response = _submit(app, sysadmin, dataset["name"], fields)

        page = BeautifulSoup(response.body, "html.parser")
        summary = page.find("li", attrs={"data-field-label": "contact"})
        assert summary is not None
        assert summary.text.startswith("Points de contact : les entrées 1 et 2")

    def test_duplicate_email_form_keeps_typed(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]),
            **{"contact-1-email": "ACCUEIL@agen.test", "contact-1-name": "Voirie et parcs"},
        )

        response = _submit(app, sysadmin, dataset["name"], fields)

        redisplayed = dict(form_fields(response.body, "dataset-edit"))
        assert redisplayed["contact-0-email"] == "accueil@agen.test"
        assert redisplayed["contact-1-email"] == "ACCUEIL@agen.test"
        assert redisplayed["contact-1-name"] == "Voirie et parcs"

    def test_duplicate_email_form_stores_nothing(self, app, sysadmin, dataset):
        fields = replace_fields(
            _edit_form(app, sysadmin, dataset["name"]), **{"contact-1-email": "accueil@agen.test"}
        )

        _submit(app, sysadmin, dataset["name"], fields)

        stored = call_action("package_show", id=dataset["name"])["contact"]
        assert stored[1]["email"] == "voirie@agen.test"
