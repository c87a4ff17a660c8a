"""Validation of the Agen dataset schema through package_create."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action


@pytest.fixture
def create(clean_db, with_plugins):
    """Return a function that creates a dataset with the given fields."""
    user = factories.Sysadmin()
    org = factories.Organization()

    def create_dataset(**fields):
        data = {"name": "jeu-de-test", "title": "Jeu de test", "owner_org": org["id"]}
        data.update(fields)
        return call_action("package_create", context={"user": user["name"]}, **data)

    return create_dataset


def _errors(create, **fields) -> dict:
    with pytest.raises(tk.ValidationError) as raised:
        create(**fields)
    return raised.value.error_dict


class TestSiret:
    def test_valid_siret_stored_as_text(self, create):
        dataset = create(producer_siret="21930048000015")

        assert dataset["producer_siret"] == "21930048000015"

    def test_leading_zeros_kept(self, create):
        # Luhn: the 1 in second position from the right doubles to 2, plus 8 is 10.
        siret = "00000000000018"

        dataset = create(producer_siret=siret)

        assert dataset["producer_siret"] == "00000000000018"

    def test_spaces_removed(self, create):
        dataset = create(producer_siret="219 300 480 00015")

        assert dataset["producer_siret"] == "21930048000015"

    def test_luhn_failure_rejected(self, create):
        errors = _errors(create, producer_siret="21930048000016")

        assert list(errors) == ["producer_siret"]
        assert "Luhn" in errors["producer_siret"][0]
        assert "SIRET" in errors["producer_siret"][0]

    def test_wrong_length_rejected(self, create):
        errors = _errors(create, producer_siret="2193004800001")

        assert "14" in errors["producer_siret"][0]

    def test_rejected_siret_stores_nothing(self, create):
        _errors(create, producer_siret="21930048000016")

        assert model.Session.query(model.Package).count() == 0


# Establishments of La Poste whose digits add up to a multiple of 5 and
# which fail Luhn. Taken from the SIRET validator tests of La bonne
# alternance, a French public service (repository
# mission-apprentissage/labonnealternance, file
# shared/src/validators/siretValidator.test.ts); not checked here against
# the SIRENE register.
LA_POSTE_SIRETS = ["35600000009075", "35600000009093"]


class TestLaPosteSiret:
    @pytest.mark.parametrize("siret", LA_POSTE_SIRETS)
    def test_digit_sum_rule_accepted(self, create, siret):
        dataset = create(producer_siret=siret)

        assert dataset["producer_siret"] == siret

    def test_head_office_accepted(self, create):
        # La Poste's head office, 35600000000048, passes Luhn and not the
        # digit-sum rule (its digits add up to 26).
        dataset = create(producer_siret="356 000 000 00048")

        assert dataset["producer_siret"] == "35600000000048"

    def test_changed_digit_rejected(self, create):
        # 35600000009075 with its last digit changed: the digits add up to 36.
        errors = _errors(create, producer_siret="35600000009076")

        assert list(errors) == ["producer_siret"]
        assert "Luhn" in errors["producer_siret"][0]

    def test_digit_sum_rule_only_for_la_poste(self, create):
        # The digits add up to 15 and Luhn fails, but the SIREN is 356000001.
        errors = _errors(create, producer_siret="35600000100000")

        assert list(errors) == ["producer_siret"]


class TestGeometry:
    def test_point_stored_compact(self, create):
        dataset = create(spatial='{"type": "Point", "coordinates": [0.6166, 44.2033]}')

        assert dataset["spatial"] == '{"type":"Point","coordinates":[0.6166,44.2033]}'

    def test_multipolygon_accepted(self, create):
        square = [[[0.6, 44.2], [0.7, 44.2], [0.7, 44.3], [0.6, 44.3], [0.6, 44.2]]]
        geometry = '{"type":"MultiPolygon","coordinates":[%s]}' % str(square)

        dataset = create(spatial=geometry)

        assert '"MultiPolygon"' in dataset["spatial"]

    @pytest.mark.parametrize(
        "value",
        [
            "Agen",
            '{"type":"Polygon","coordinates":[[[0.6,44.2],[0.7,44.2],[0.7,44.3],[0.6,44.3]]]}',
            '{"type":"FeatureCollection","features":[]}',
            '{"type":"Point","coordinates":[200,44.2]}',
            '{"type":"Point","coordinates":["0.6","44.2"]}',
            '{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}',
        ],
        ids=["text", "open-ring", "feature-collection", "longitude-out-of-range",
             "strings", "bow-tie"],
    )
    def test_bad_geometry_rejected(self, create, value):
        errors = _errors(create, spatial=value)

        assert list(errors) == ["spatial"]
        assert errors["spatial"][0].startswith("Spatial coverage")


class TestDates:
    def test_french_date_stored_as_iso(self, create):
        dataset = create(temporal_start="01/02/2024", temporal_end="31/12/2024")

        assert dataset["temporal_start"] == "2024-02-01"
        assert dataset["temporal_end"] == "2024-12-31"

    def test_iso_date_accepted(self, create):
        dataset = create(issued="2024-03-15")

        assert dataset["issued"] == "2024-03-15"

    def test_impossible_date_names_field(self, create):
        errors = _errors(create, temporal_start="31/02/2024")

        assert list(errors) == ["temporal_start"]
        assert "31/02/2024" in errors["temporal_start"][0]
        assert errors["temporal_start"][0].startswith("Temporal coverage start")

    def test_end_before_start_rejected(self, create):
        errors = _errors(create, temporal_start="31/12/2024", temporal_end="01/01/2024")

        assert list(errors) == ["temporal_end"]
        assert "01/01/2024" in errors["temporal_end"][0]

    def test_same_day_accepted(self, create):
        dataset = create(temporal_start="01/01/2024", temporal_end="2024-01-01")

        assert dataset["temporal_end"] == "2024-01-01"


class TestContacts:
    def test_two_contacts_stored(self, create):
        dataset = create(contact=[
            {"name": "Accueil", "email": "accueil@agen.test"},
            {"name": "Voirie", "email": "voirie@agen.test"},
        ])

        assert [contact["name"] for contact in dataset["contact"]] == ["Accueil", "Voirie"]

    def test_duplicate_email_rejected_on_group(self, create):
        errors = _errors(create, contact=[
            {"name": "Accueil", "email": "accueil@agen.test"},
            {"name": "Voirie", "email": "voirie@agen.test"},
            {"name": "Autre", "email": " Accueil@Agen.TEST "},
        ])

        assert list(errors) == ["contact"]
        assert len(errors["contact"]) == 1
        assert errors["contact"][0].startswith("Contact points: entries 1 and 3 ")
        assert "Accueil@Agen.TEST" in errors["contact"][0]

    def test_different_emails_accepted(self, create):
        dataset = create(contact=[
            {"name": "Accueil", "email": "accueil@agen.test"},
            {"name": "Accueil bis", "email": "accueil2@agen.test"},
        ])

        assert [contact["email"] for contact in dataset["contact"]] == [
            "accueil@agen.test", "accueil2@agen.test"
        ]

    def test_contacts_without_email_accepted(self, create):
        dataset = create(contact=[{"name": "Accueil"}, {"name": "Voirie"}])

        assert len(dataset["contact"]) == 2

    def test_duplicate_email_stores_nothing(self, create):
        _errors(create, contact=[
            {"name": "Accueil", "email": "accueil@agen.test"},
            {"name": "Autre", "email": "accueil@agen.test"},
        ])

        assert model.Session.query(model.Package).count() == 0

    def test_duplicate_beside_entry_error_on_entry(self, create):
        # The group cannot carry a message while an entry has errors of its
        # own, so the duplicate is reported on the second entry's e-mail.
        errors = _errors(create, contact=[
            {"name": "Accueil", "email": "accueil@agen.test"},
            {"name": "Autre", "email": "accueil@agen.test"},
            {"name": "Voirie", "email": "voirie.agen.test"},
        ])

        assert errors["contact"][0] == {}
        assert errors["contact"][1]["email"][0].startswith("Contact points: entries 1 and 2 ")
        assert "voirie.agen.test" in errors["contact"][2]["email"][0]

    def test_duplicate_email_french_in_api(self, app, create):
        user = factories.SysadminWithToken()
        org = factories.Organization()

        response = app.post(
            "/api/3/action/package_create",
            headers={"Authorization": user["token"]},
            json={
                "name": "jeu-de-test",
                "owner_org": org["id"],
                "contact": [
                    {"name": "Accueil", "email": "accueil@agen.test"},
                    {"name": "Autre", "email": "ACCUEIL@agen.test"},
                ],
            },
            status=409,
        )

        error = response.json["error"]
        assert error["__type"] == "Validation Error"
        assert error["contact"] == [
            "Points de contact : les entrées 1 et 2 ont la même adresse électronique, "
            "ACCUEIL@agen.test. Donnez à chaque point de contact sa propre adresse."
        ]

    def test_bad_email_rejected(self, create):
        errors = _errors(create, contact=[{"name": "Accueil", "email": "accueil.agen.test"}])

        assert "accueil.agen.test" in str(errors["contact"])


class TestOtherFields:
    def test_unknown_theme_rejected(self, create):
        errors = _errors(create, theme=["TRAN", "SPORT"])

        assert list(errors) == ["theme"]

    def test_insee_code_accepted(self, create):
        dataset = create(spatial_insee_code="47001")

        assert dataset["spatial_insee_code"] == "47001"

    def test_bad_insee_code_rejected(self, create):
        errors = _errors(create, spatial_insee_code="4700")

        assert "INSEE" in errors["spatial_insee_code"][0]

    def test_licence_defaults_to_etalab(self, create):
        dataset = create()

        assert dataset["license_id"] == "etalab-2.0"

    def test_apostrophe_tag_accepted(self, create):
        dataset = create(tag_string="qualité de l'air, qualité de l’air")

        assert sorted(tag["name"] for tag in dataset["tags"]) == [
            "qualité de l'air",
            "qualité de l’air",
        ]

    def test_bad_tag_rejected(self, create):
        errors = _errors(create, tag_string="air <script>")

        assert "tag_string" in errors
