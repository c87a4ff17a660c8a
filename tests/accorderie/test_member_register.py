"""Staff registering a person who never uses the portal."""
from __future__ import annotations

import threading

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from ckanext.accorderie import model as acc_model
from ckanext.accorderie.logic.register_action import user_name_base

from .conftest import as_user


@pytest.fixture
def agen(acc):
    return acc.accorderie(name="agen", opening_credit=900)


@pytest.fixture
def staff(acc, agen):
    return acc.member(agen, role="staff")


def _register(staff, agen, **fields):
    fields.setdefault("display_name", "Camille Martin")
    return call_action(
        "accorderie_member_register", context=as_user(staff["user"]),
        accorderie_id=agen["name"], **fields,
    )


def _counts():
    return (
        model.Session.query(model.User).count(),
        model.Session.query(acc_model.Member).count(),
        model.Session.query(acc_model.Transfer).count(),
    )


def test_register_makes_active_member(agen, staff):
    member = _register(staff, agen, orientation_date="03/12/2026", neighbourhood="Pin")

    assert member["state"] == "active"
    assert member["display_name"] == "Camille Martin"
    assert member["orientation_date"] == "2026-12-03"
    assert member["neighbourhood"] == "Pin"


def test_register_credits_opening(agen, staff):
    member = _register(staff, agen)

    assert call_action("accorderie_member_balance", id=member["id"])["balance"] == 900


def test_register_generates_user_name(agen, staff):
    member = _register(staff, agen, display_name="Hélène N'Diaye")

    user = model.User.get(member["user_id"])
    assert user.name == "helene-n-diaye"
    assert member["user_name"] == "helene-n-diaye"
    assert user.fullname == "Hélène N'Diaye"


def test_register_same_name_twice(agen, staff):
    first = _register(staff, agen)
    second = _register(staff, agen)

    assert (first["user_name"], second["user_name"]) == ("camille-martin", "camille-martin-2")
    assert first["number"] != second["number"]


def test_user_name_base_fallback():
    assert user_name_base("李雷") == "accordeur"
    assert user_name_base("  Émile   Zola ") == "emile-zola"


def test_register_password_unusable(agen, staff):
    member = _register(staff, agen)

    user = model.User.get(member["user_id"])
    assert user.password
    assert not user.validate_password("")
    assert "password" not in member


def test_register_without_email(agen, staff):
    member = _register(staff, agen)

    assert model.User.get(member["user_id"]).email is None
    assert member["email"] is None


def test_register_stores_contact_visibility(agen, staff):
    member = _register(
        staff, agen, email="camille@example.org", email_visibility="members",
        phone="05 53 00 00 00", phone_visibility="nobody",
    )

    shown = call_action("accorderie_member_show", id=member["id"])
    assert model.User.get(member["user_id"]).email == "camille@example.org"
    assert (shown["email"], shown["email_visibility"]) == ("camille@example.org", "members")
    assert (shown["phone"], shown["phone_visibility"]) == ("05 53 00 00 00", "nobody")


def test_register_by_sysadmin(agen):
    sysadmin = factories.Sysadmin()
    member = call_action(
        "accorderie_member_register", context=as_user(sysadmin),
        accorderie_id=agen["id"], display_name="Jean Dupont",
    )

    assert member["state"] == "active"


def test_register_other_staff_refused(acc, agen):
    other = acc.accorderie(name="nerac")
    other_staff = acc.member(other, role="staff")

    with pytest.raises(tk.NotAuthorized):
        _register(other_staff, agen)


def test_register_member_refused(acc, agen):
    member = acc.member(agen)

    with pytest.raises(tk.NotAuthorized):
        _register(member, agen)


def test_register_anonymous_refused(agen):
    with pytest.raises(tk.NotAuthorized):
        call_action(
            "accorderie_member_register", context=as_user(None),
            accorderie_id=agen["id"], display_name="Camille Martin",
        )


def test_register_unknown_accorderie(staff):
    with pytest.raises(tk.ObjectNotFound):
        call_action(
            "accorderie_member_register", context=as_user(staff["user"]),
            accorderie_id="atlantide", display_name="Camille Martin",
        )


def test_register_name_missing(agen, staff):
    with pytest.raises(tk.ValidationError) as error:
        _register(staff, agen, display_name="")

    assert list(error.value.error_dict) == ["display_name"]


def test_register_name_without_letter(agen, staff):
    with pytest.raises(tk.ValidationError) as error:
        _register(staff, agen, display_name="1234")

    assert "display_name" in error.value.error_dict


def test_register_bad_fields_named(agen, staff):
    with pytest.raises(tk.ValidationError) as error:
        _register(
            staff, agen, email="camille-at-example", orientation_date="31/02/2026",
            phone_visibility="everybody",
        )

    assert set(error.value.error_dict) == {"email", "orientation_date", "phone_visibility"}
    assert "31/02/2026" in error.value.error_dict["orientation_date"][0]


def test_register_bad_input_stores_nothing(agen, staff):
    before = _counts()

    with pytest.raises(tk.ValidationError):
        _register(staff, agen, orientation_date="demain")

    assert _counts() == before


def test_register_taken_email_stores_nothing(agen, staff):
    factories.User(email="camille@example.org")
    before = _counts()

    with pytest.raises(tk.ValidationError) as error:
        _register(staff, agen, email="camille@example.org")

    assert list(error.value.error_dict) == ["email"]
    # The portal's default language is French.
    assert error.value.error_dict["email"] == [
        "L'adresse électronique camille@example.org appartient déjà à un compte du portail."
    ]
    assert _counts() == before


def test_register_taken_email_any_case(agen, staff):
    factories.User(email="camille@example.org")

    with pytest.raises(tk.ValidationError) as error:
        _register(staff, agen, email="Camille@Example.org")

    assert list(error.value.error_dict) == ["email"]


def test_register_taken_email_with_date(agen, staff):
    factories.User(email="camille@example.org")

    with pytest.raises(tk.ValidationError) as error:
        _register(staff, agen, email="camille@example.org", orientation_date="31/02/2026")

    assert set(error.value.error_dict) == {"email", "orientation_date"}


def test_register_deleted_user_email_free(agen, staff):
    factories.User(email="camille@example.org", state="deleted")

    member = _register(staff, agen, email="camille@example.org")

    assert model.User.get(member["user_id"]).email == "camille@example.org"


def test_register_late_failure_stores_nothing(agen, staff):
    """The neighbourhood is checked after the user is made: the user must
    be undone too."""
    before = _counts()

    with pytest.raises(tk.ValidationError) as error:
        _register(staff, agen, neighbourhood="Atlantide")

    assert list(error.value.error_dict) == ["neighbourhood"]
    assert _counts() == before
    assert model.User.get("camille-martin") is None


def test_register_concurrent_same_name(app, agen, staff):
    """Two staff registering the same name at once get two user names.
    Each thread has its own scoped session, so its own connection."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def register():
        try:
            with app.flask_app.test_request_context():
                barrier.wait(timeout=30)
                results.append(call_action(
                    "accorderie_member_register", context=as_user(staff["user"]),
                    accorderie_id=agen["id"], display_name="Camille Martin",
                ))
        except Exception as error:  # reported by the assert below
            errors.append(error)
        finally:
            model.Session.remove()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(r["user_name"] for r in results) == ["camille-martin", "camille-martin-2"]
    assert sorted(r["number"] for r in results) == [2, 3]
