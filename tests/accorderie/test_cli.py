"""`ckan accorderie` commands: audit, seed-categories and import."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests.helpers import call_action

from ckanext.accorderie import model as acc_model
from ckanext.accorderie.cli import DEFAULT_CATEGORIES, accorderie as accorderie_cli
from ckanext.accorderie.logic import ledger


def test_audit_passes_on_clean_ledger(acc, cli):
    accorderie = acc.accorderie()
    acc.exchange(acc.member(accorderie), acc.member(accorderie))
    result = cli.invoke(accorderie_cli, ["audit"])

    assert result.exit_code == 0, result.output
    assert "Audit du grand livre réussi" in result.output


def test_audit_fails_naming_account(acc, cli):
    member = acc.member(acc.accorderie())
    account_id = model.Session.query(acc_model.Account.id).filter_by(member_id=member["id"]).scalar()
    model.Session.execute(
        sa.update(acc_model.Account).where(acc_model.Account.id == account_id).values(balance=1)
    )
    model.Session.commit()
    result = cli.invoke(accorderie_cli, ["audit"])

    assert result.exit_code == 1
    assert f"account_balance_differs_from_entries. Identifiants : {account_id}" in result.output
    assert "accorderie_does_not_sum_to_zero" in result.output


def test_audit_fails_on_unbalanced_transfer(acc, cli):
    accorderie = acc.accorderie()
    acc.exchange(acc.member(accorderie), acc.member(accorderie))
    entry = model.Session.query(acc_model.Entry).order_by(acc_model.Entry.id.desc()).first()
    entry.minutes += 1
    model.Session.commit()
    result = cli.invoke(accorderie_cli, ["audit"])

    assert result.exit_code == 1
    assert f"transfer_not_two_entries_summing_to_zero. Identifiants : {entry.transfer_id}" in result.output



def _sql(statement, **params):
    model.Session.execute(sa.text(statement), params)
    model.Session.commit()


def _audit_fails_with(cli, invariant, exchange_id):
    result = cli.invoke(accorderie_cli, ["audit"])
    assert result.exit_code == 1
    assert f"{invariant}. Identifiants : {exchange_id}" in result.output


def _transfer_id(exchange_id):
    return model.Session.query(acc_model.Transfer.id).filter_by(exchange_id=exchange_id).scalar()


def test_audit_fails_on_settled_without_transfer(acc, cli):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie), settle=False)
    _sql("UPDATE accorderie_exchange SET state = 'settled' WHERE id = :id", id=exchange["id"])

    _audit_fails_with(cli, "exchange_does_not_match_its_transfer", exchange["id"])


@pytest.mark.parametrize("state", ["pending", "rejected", "cancelled"])
def test_audit_fails_on_unsettled_with_transfer(acc, cli, state):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie))
    _sql("UPDATE accorderie_exchange SET state = :state WHERE id = :id", state=state, id=exchange["id"])

    _audit_fails_with(cli, "exchange_does_not_match_its_transfer", exchange["id"])


def test_audit_fails_on_other_minutes(acc, cli):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie), duration="1h")
    _sql("UPDATE accorderie_exchange SET minutes = 61 WHERE id = :id", id=exchange["id"])

    _audit_fails_with(cli, "exchange_does_not_match_its_transfer", exchange["id"])


def test_audit_fails_on_reversed_entries(acc, cli):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie))
    _sql(
        "UPDATE accorderie_entry SET minutes = -minutes WHERE transfer_id = :transfer",
        transfer=_transfer_id(exchange["id"]),
    )

    _audit_fails_with(cli, "exchange_does_not_match_its_transfer", exchange["id"])


def test_audit_fails_on_third_party_entry(acc, cli):
    accorderie = acc.accorderie()
    provider, receiver, other = (acc.member(accorderie) for _ in range(3))
    exchange = acc.exchange(provider, receiver)
    _sql("""
        UPDATE accorderie_entry SET account_id = (
            SELECT id FROM accorderie_account WHERE member_id = :other
        ) WHERE transfer_id = :transfer AND minutes > 0
    """, other=other["id"], transfer=_transfer_id(exchange["id"]))

    _audit_fails_with(cli, "exchange_does_not_match_its_transfer", exchange["id"])


def test_audit_fails_on_swapped_transfers(acc, cli):
    """Two exchanges of different lengths whose transfers are swapped keep
    the same count and total of minutes, so the audit must compare each
    exchange with its own transfer."""
    accorderie = acc.accorderie()
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    short = acc.exchange(provider, receiver, duration="1h")
    long = acc.exchange(provider, receiver, duration="2h")
    short_transfer, long_transfer = _transfer_id(short["id"]), _transfer_id(long["id"])
    _sql("UPDATE accorderie_transfer SET exchange_id = NULL WHERE id IN (:a, :b)",
         a=short_transfer, b=long_transfer)
    _sql("UPDATE accorderie_transfer SET exchange_id = :exchange WHERE id = :id",
         exchange=long["id"], id=short_transfer)
    _sql("UPDATE accorderie_transfer SET exchange_id = :exchange WHERE id = :id",
         exchange=short["id"], id=long_transfer)
    result = cli.invoke(accorderie_cli, ["audit"])

    assert result.exit_code == 1
    assert short["id"] in result.output
    assert long["id"] in result.output
    assert "account_balance_differs_from_entries" not in result.output


def _move_entry_to_other_accorderie(acc, exchange, sign):
    """Move the credit (sign ">") or debit ("<") entry of ``exchange`` to
    the account of a member of another accorderie; return the entry's id."""
    outsider = acc.member(acc.accorderie())
    entry_id = model.Session.execute(sa.text(
        f"SELECT id FROM accorderie_entry WHERE transfer_id = :transfer AND minutes {sign} 0"
    ), {"transfer": _transfer_id(exchange["id"])}).scalar_one()
    _sql("""
        UPDATE accorderie_entry SET account_id = (
            SELECT id FROM accorderie_account WHERE member_id = :outsider
        ) WHERE id = :entry
    """, outsider=outsider["id"], entry=entry_id)
    return entry_id


@pytest.mark.parametrize("sign", [">", "<"])
def test_audit_names_entry_in_other_accorderie(acc, cli, sign):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie))
    entry_id = _move_entry_to_other_accorderie(acc, exchange, sign)

    _audit_fails_with(cli, "entry_in_another_accorderie", entry_id)


def test_audit_names_foreign_entry_of_odd_transfer(acc, cli):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie))
    entry_id = _move_entry_to_other_accorderie(acc, exchange, ">")
    # A third entry makes the transfer neither one credit nor one debit.
    _sql("""
        INSERT INTO accorderie_entry (transfer_id, account_id, minutes)
        SELECT transfer_id, account_id, 0 FROM accorderie_entry WHERE id = :entry
    """, entry=entry_id)

    _audit_fails_with(cli, "entry_in_another_accorderie", entry_id)


def test_audit_reports_only_requested(acc):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie))
    _move_entry_to_other_accorderie(acc, exchange, ">")
    result = call_action(
        "accorderie_ledger_audit", invariants=["transfer_not_two_entries_summing_to_zero"]
    )

    assert result == {"ok": True, "failures": {}}


def test_audit_checks_each_step_once(acc, cli, monkeypatch):
    calls = []
    original = ledger.audit

    def counting_audit(session, invariants, max_ids):
        calls.append(tuple(invariants))
        return original(session, invariants, max_ids)

    monkeypatch.setattr(ledger, "audit", counting_audit)
    result = cli.invoke(accorderie_cli, ["audit"])

    assert result.exit_code == 0, result.output
    assert tuple(calls) == ledger.AUDIT_STEPS
    assert sorted(name for step in calls for name in step) == sorted(ledger.AUDIT_INVARIANTS)


def test_audit_fails_on_reversal_of_other(acc, cli):
    accorderie = acc.accorderie()
    first, second, third = (acc.member(accorderie) for _ in range(3))
    reversed_one = acc.exchange(first, second)
    other = acc.exchange(second, third)
    reversal = call_action("accorderie_exchange_reverse", id=reversed_one["id"])
    _sql("UPDATE accorderie_exchange SET reverses_id = :other WHERE id = :id",
         other=other["id"], id=reversal["id"])

    _audit_fails_with(cli, "reversal_does_not_mirror_original", reversal["id"])


def test_audit_passes_after_reversal(acc, cli):
    accorderie = acc.accorderie()
    exchange = acc.exchange(acc.member(accorderie), acc.member(accorderie))
    call_action("accorderie_exchange_reverse", id=exchange["id"])
    result = cli.invoke(accorderie_cli, ["audit"])

    assert result.exit_code == 0, result.output


def test_seed_categories_once(with_plugins, clean_db, with_request_context, cli):
    first = cli.invoke(accorderie_cli, ["seed-categories"])
    second = cli.invoke(accorderie_cli, ["seed-categories"])

    assert first.exit_code == 0, first.output
    assert f"{len(DEFAULT_CATEGORIES)} catégories créées, 0 déjà présentes." in first.output
    assert f"0 catégories créées, {len(DEFAULT_CATEGORIES)} déjà présentes." in second.output
    labels = {c["id"]: (c["label_fr"], c["label_en"]) for c in call_action("accorderie_category_list")}
    assert labels["gardening"] == ("Jardinage", "Gardening")


MEMBERS_CSV = """username,fullname,email,phone,neighbourhood,state
alice,Alice Martin,alice@example.org,0600000001,Centre,active
bruno,Bruno Petit,bruno@example.org,,Pin,applicant
"""
SERVICES_CSV = """username,type,title,category,description,status
alice,offer,Cours de cuisine,cooking,Recettes du Lot-et-Garonne,published
alice,request,Aide au jardin,gardening,,draft
"""


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def _counts():
    return (
        model.Session.query(acc_model.Member).count(),
        model.Session.query(acc_model.Service).count(),
    )


def test_import_valid_files(acc, cli, files):
    accorderie = acc.accorderie(name="agen")
    result = cli.invoke(accorderie_cli, [
        "import", "agen", "--members", files("m.csv", MEMBERS_CSV), "--services", files("s.csv", SERVICES_CSV),
    ])

    assert result.exit_code == 0, result.output
    assert _counts() == (2, 2)
    alice = model.Session.query(acc_model.Member).filter_by(number=1).one()
    assert alice.state == "active"
    assert call_action("accorderie_member_balance", id=alice.id)["balance"] == accorderie["opening_credit"]


def test_import_with_errors_imports_nothing(acc, cli, files):
    acc.accorderie(name="agen")
    bad_members = MEMBERS_CSV + "carla,Carla,not-an-address,,Centre,active\n"
    bad_services = SERVICES_CSV + "alice,offer,Vélo,cycling,,published\n"
    result = cli.invoke(accorderie_cli, [
        "import", "agen", "--members", files("m.csv", bad_members), "--services", files("s.csv", bad_services),
    ])

    assert result.exit_code == 1
    assert "m.csv, ligne 4 : email : l'adresse électronique n'est pas valide." in result.output
    assert "s.csv, ligne 4 : category : la catégorie cycling n'existe pas." in result.output
    assert "Rien n'a été importé" in result.output
    assert _counts() == (0, 0)


def test_import_skip_errors_keeps_valid_rows(acc, cli, files):
    acc.accorderie(name="agen")
    bad_services = SERVICES_CSV + "bruno,offer,Vélo,diy,,published\n"
    result = cli.invoke(accorderie_cli, [
        "import", "agen", "--skip-errors",
        "--members", files("m.csv", MEMBERS_CSV), "--services", files("s.csv", bad_services),
    ])

    assert result.exit_code == 1
    assert "s.csv, ligne 4 : username : bruno n'est pas membre actif de cette accorderie." in result.output
    assert _counts() == (2, 2)


def test_import_missing_column_refused(acc, cli, files):
    acc.accorderie(name="agen")
    result = cli.invoke(accorderie_cli, ["import", "agen", "--members", files("m.csv", "username,email\nx,x@y.z\n")])

    assert result.exit_code != 0
    assert "fullname" in result.output
    assert _counts() == (0, 0)
