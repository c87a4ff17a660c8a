"""Concurrent settlements on the real PostgreSQL.

Every worker thread calls the actions with a SQLAlchemy session of its own,
on its own connection, inside its own request context. A barrier makes
the calls start together.
"""
from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.accorderie import model as acc_model
from ckanext.accorderie.cli import accorderie as accorderie_cli


@pytest.fixture
def run_parallel(app):
    """Return a runner of calls, each in a thread with its own session."""
    engine = sa.create_engine(tk.config["sqlalchemy.url"], pool_size=10, max_overflow=0)
    make_session = sessionmaker(bind=engine)

    def run(calls: list[tuple[str, dict[str, Any], dict[str, Any]]], workers: int) -> list[Any]:
        barrier = threading.Barrier(min(workers, len(calls)))

        def call(spec: tuple[str, dict[str, Any], dict[str, Any]], wait: bool) -> Any:
            action, user, data = spec
            session = make_session()
            try:
                with app.flask_app.test_request_context():
                    if wait:
                        barrier.wait(timeout=30)
                    context = {"user": user["name"], "ignore_auth": False, "session": session}
                    try:
                        return tk.get_action(action)(context, data)
                    except (tk.ValidationError, tk.NotAuthorized) as error:
                        session.rollback()
                        return error
            finally:
                session.close()
                model.Session.remove()

        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(call, spec, i < workers) for i, spec in enumerate(calls)]
            return [f.result() for f in futures]

    yield run
    engine.dispose()


def _entry_count(exchange_id: str) -> int:
    return model.Session.execute(
        sa.select(sa.func.count())
        .select_from(acc_model.Entry)
        .join(acc_model.Transfer, acc_model.Transfer.id == acc_model.Entry.transfer_id)
        .where(acc_model.Transfer.exchange_id == exchange_id)
    ).scalar_one()


def test_double_confirmation_settles_once(acc, run_parallel):
    accorderie = acc.accorderie()
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    staff = acc.member(accorderie, role="staff")
    exchange = acc.exchange(provider, receiver, settle=False)

    results = run_parallel([
        ("accorderie_exchange_confirm", receiver["user"], {"id": exchange["id"]}),
        ("accorderie_exchange_confirm", staff["user"], {"id": exchange["id"]}),
    ], workers=2)

    settled = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, tk.ValidationError)]
    assert len(settled) == 1
    assert len(refused) == 1
    assert refused[0].error_dict == {"id": ["Cet échange est déjà confirmé."]}
    assert _entry_count(exchange["id"]) == 2



def test_double_reversal_reverses_once(acc, run_parallel):
    accorderie = acc.accorderie()
    provider, receiver = acc.member(accorderie), acc.member(accorderie)
    staff = acc.member(accorderie, role="staff")
    exchange = acc.exchange(provider, receiver)

    results = run_parallel([
        ("accorderie_exchange_reverse", staff["user"], {"id": exchange["id"]}),
        ("accorderie_exchange_reverse", staff["user"], {"id": exchange["id"]}),
    ], workers=2)

    reversals = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, tk.ValidationError)]
    assert len(reversals) == 1
    assert len(refused) == 1
    assert refused[0].error_dict == {"id": ["Cet échange a déjà été contre-passé."]}
    assert _entry_count(reversals[0]["id"]) == 2
    assert model.Session.query(acc_model.Exchange).filter_by(reverses_id=exchange["id"]).count() == 1


def test_lowest_balance_holds_under_race(acc, run_parallel):
    accorderie = acc.accorderie(opening_credit=60, min_balance=0, max_exchange=120)
    receiver = acc.member(accorderie)
    first, second = acc.member(accorderie), acc.member(accorderie)
    exchanges = [acc.exchange(p, receiver, duration="1h", settle=False) for p in (first, second)]

    results = run_parallel([
        ("accorderie_exchange_confirm", receiver["user"], {"id": x["id"]}) for x in exchanges
    ], workers=2)

    assert len([r for r in results if isinstance(r, dict)]) == 1
    refused = [r for r in results if isinstance(r, tk.ValidationError)]
    assert len(refused) == 1
    assert "1 h" in refused[0].error_dict["duration"][0]
    model.Session.expire_all()
    assert call_action("accorderie_member_balance", id=receiver["id"])["balance"] == 0


def test_200_parallel_settlements_audit_clean(acc, run_parallel, cli):
    accorderie = acc.accorderie(
        opening_credit=3000, min_balance=-6000, max_balance=100000, max_exchange=120
    )
    members = [acc.member(accorderie) for _ in range(20)]
    rng = random.Random(4)
    pending = []
    for _ in range(200):
        provider, receiver = rng.sample(members, 2)
        pending.append((acc.exchange(provider, receiver, duration=f"{rng.randint(1, 120)} min", settle=False), receiver))

    results = run_parallel([
        ("accorderie_exchange_confirm", receiver["user"], {"id": x["id"]}) for x, receiver in pending
    ], workers=8)

    assert [type(r) for r in results].count(dict) == 200
    audit = cli.invoke(accorderie_cli, ["audit"])
    assert audit.exit_code == 0, audit.output

    model.Session.expire_all()
    balances = dict(model.Session.execute(
        sa.select(acc_model.Account.id, acc_model.Account.balance)
        .where(acc_model.Account.accorderie_id == accorderie["id"])
    ).all())
    sums = dict(model.Session.execute(
        sa.select(acc_model.Entry.account_id, sa.func.sum(acc_model.Entry.minutes))
        .group_by(acc_model.Entry.account_id)
        .where(acc_model.Entry.account_id.in_(balances))
    ).all())
    assert all(balances[a] == sums.get(a, 0) for a in balances)
    assert sum(balances.values()) == 0

