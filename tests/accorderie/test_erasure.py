"""Erasure of a member's personal data, by request or by deleting the user."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from ckanext.accorderie import model as acc_model

from .conftest import as_user


@pytest.fixture
def history(acc):
    accorderie = acc.accorderie()
    camille = acc.member(
        accorderie, user=factories.User(fullname="Camille Zorglub"),
        phone="0600000000", skills="Couture",
    )
    other = acc.member(accorderie)
    staff = acc.member(accorderie, role="staff")
    acc.exchange(camille, other, duration="2h")
    acc.exchange(other, camille, duration="30 min")
    pending = acc.exchange(camille, other, duration="1h", settle=False)
    call_action(
        "accorderie_service_create", member_id=camille["id"], type="offer",
        title="Couture", category_id="sewing", status="published",
    )
    return accorderie, camille, other, staff, pending


def _balance(member_id):
    return model.Session.query(acc_model.Account.balance).filter_by(member_id=member_id).scalar()


def _everything_visible_to(staff, accorderie):
    context = lambda: as_user(staff["user"])  # noqa: E731
    return str([
        call_action("accorderie_member_list", context=context(), accorderie_id=accorderie["id"]),
        call_action("accorderie_exchange_list", context=context(), accorderie_id=accorderie["id"]),
        call_action("accorderie_service_list", context=context(), accorderie_id=accorderie["id"]),
    ])


def test_erase_keeps_balance(history):
    _, camille, _, _, _ = history
    before = _balance(camille["id"])
    call_action("accorderie_member_erase", context=as_user(camille["user"]), id=camille["id"])

    assert before == 900 + 120 - 30
    assert _balance(camille["id"]) == before
    assert call_action("accorderie_ledger_audit")["ok"] is True


def test_erase_removes_name_everywhere(history):
    accorderie, camille, _, staff, _ = history
    assert "Zorglub" in _everything_visible_to(staff, accorderie)
    call_action("accorderie_member_erase", context=as_user(camille["user"]), id=camille["id"])

    assert "Zorglub" not in _everything_visible_to(staff, accorderie)
    assert "0600000000" not in _everything_visible_to(staff, accorderie)


def test_erase_deletes_services(history):
    _, camille, _, _, _ = history
    call_action("accorderie_member_erase", context=as_user(camille["user"]), id=camille["id"])

    assert model.Session.query(acc_model.Service).filter_by(member_id=camille["id"]).count() == 0


def test_erase_cancels_pending_exchanges(history):
    _, camille, _, _, pending = history
    call_action("accorderie_member_erase", context=as_user(camille["user"]), id=camille["id"])

    assert call_action("accorderie_exchange_show", id=pending["id"])["state"] == "cancelled"


def test_erase_twice_refused(history):
    _, camille, _, _, _ = history
    call_action("accorderie_member_erase", id=camille["id"])
    with pytest.raises(tk.ValidationError):
        call_action("accorderie_member_erase", id=camille["id"])


def test_erase_refused_to_other_member(history):
    _, camille, other, _, _ = history
    with pytest.raises(tk.NotAuthorized):
        call_action("accorderie_member_erase", context=as_user(other["user"]), id=camille["id"])


def test_user_delete_erases_member(history):
    _, camille, _, _, _ = history
    before = _balance(camille["id"])
    call_action("user_delete", id=camille["user"]["name"])

    member = model.Session.get(acc_model.Member, camille["id"])
    assert member.user_id is None
    assert member.erased is not None
    assert member.phone is None
    assert _balance(camille["id"]) == before
    assert call_action("accorderie_ledger_audit")["ok"] is True
