"""Order of a member's statement and the running balance on each row:
newest first by exchange date, then by settlement time."""
from __future__ import annotations

import re

import pytest

from ckan.tests.helpers import call_action

from .conftest import as_user
from .views_support import member_with_token


@pytest.fixture
def agen(web_acc):
    return web_acc.accorderie(name="agen", opening_credit=600, max_exchange=240)


@pytest.fixture
def pair(web_acc, agen, freezer):
    """Two members approved on 1 November 2026; the clock then moves to
    January 2027, so that exchanges may be dated in November."""
    freezer.move_to("2026-11-01 09:00")
    provider = web_acc.member(agen)
    receiver = member_with_token(web_acc, agen)
    # PyJWT rejects a token issued after the clock's time, and the token's
    # time may be the real one: the clock moves past it.
    freezer.move_to("2027-01-04 09:00")
    return provider, receiver


def _settle(provider, receiver, date, duration):
    exchange = call_action(
        "accorderie_exchange_create", context=as_user(provider["user"]),
        provider_id=provider["id"], receiver_id=receiver["id"], duration=duration,
        exchange_date=date,
    )
    return call_action("accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"])


def _statement(member, **page):
    return call_action("accorderie_member_statement", id=member["id"], **page)


def _settle_out_of_order(pair):
    """Settle three exchanges in an order that differs from their dates."""
    provider, receiver = pair
    _settle(provider, receiver, "2026-11-10", "1h")
    _settle(provider, receiver, "2026-11-05", "30 min")
    _settle(provider, receiver, "2026-11-20", "2h")


def test_statement_newest_exchange_first(pair):
    _settle_out_of_order(pair)

    entries = _statement(pair[1])["entries"]

    assert [e["exchange_date"] for e in entries] == ["2026-11-20", "2026-11-10", "2026-11-05", None]
    assert entries[-1]["kind"] == "opening_credit"


def test_statement_running_balance(pair):
    _settle_out_of_order(pair)

    statement = _statement(pair[1])

    assert [e["balance"] for e in statement["entries"]] == [390, 510, 570, 600]
    assert statement["entries"][0]["balance"] == statement["balance"]


def test_statement_provider_balance(pair):
    _settle_out_of_order(pair)

    entries = _statement(pair[0])["entries"]

    assert [e["minutes"] for e in entries] == [120, 60, 30, 600]
    assert [e["balance"] for e in entries] == [810, 690, 630, 600]


def test_statement_same_day_by_settlement(pair, freezer):
    provider, receiver = pair
    first = _settle(provider, receiver, "2026-11-10", "1h")
    freezer.move_to("2027-01-04 10:00")
    second = _settle(provider, receiver, "2026-11-10", "30 min")

    entries = _statement(receiver)["entries"]

    assert [e["exchange_id"] for e in entries[:2]] == [second["id"], first["id"]]
    assert [e["balance"] for e in entries[:2]] == [510, 540]


def test_statement_pages_keep_balance(pair):
    _settle_out_of_order(pair)

    second_page = _statement(pair[1], limit=2, offset=2)["entries"]

    assert [e["exchange_date"] for e in second_page] == ["2026-11-05", None]
    assert [e["balance"] for e in second_page] == [570, 600]


def _row_dates(table):
    """Return the dates of a statement table's date column, in order."""
    return re.findall(r'<td class="acc-col-date">([^<]*2026)</td>', table)


def test_account_page_order(app, pair):
    _settle_out_of_order(pair)

    body = app.get("/en/accorderie/agen/account", headers=pair[1]["headers"]).body

    table = body[body.index('class="table acc-statement"'):]
    rows = _row_dates(table)
    assert rows == ["November 20, 2026", "November 10, 2026", "November 5, 2026", "November 1, 2026"]
    assert table.index("6 h 30") < table.index("8 h 30") < table.index("9 h 30") < table.index("10 h")


def test_print_statement_order(app, web_acc, agen, pair):
    _settle_out_of_order(pair)
    staff = member_with_token(web_acc, agen, role="staff")

    body = app.get(
        f"/en/accorderie/agen/staff/print/members/{pair[1]['id']}", headers=staff["headers"],
    ).body

    table = body[body.index("<tbody>"):]
    rows = _row_dates(table)
    assert rows == ["November 20, 2026", "November 10, 2026", "November 5, 2026", "November 1, 2026"]
    assert table.index("6 h 30") < table.index("8 h 30") < table.index("9 h 30") < table.index("10 h")


def test_account_page_dates_in_french(app, pair):
    _settle_out_of_order(pair)

    body = app.get("/fr/accorderie/agen/account", headers=pair[1]["headers"]).body

    table = body[body.index('class="table acc-statement"'):]
    rows = _row_dates(table)
    # The opening credit of 1 November takes the ordinal, the other days not.
    assert rows == ["20 novembre 2026", "10 novembre 2026", "5 novembre 2026", "1er novembre 2026"]


def test_account_chart_dates_in_french(app, pair):
    _settle_out_of_order(pair)

    body = app.get("/fr/accorderie/agen/account", headers=pair[1]["headers"]).body

    description = body[body.index('id="acc-chart-desc"'):]
    description = description[:description.index("</desc>")]
    assert "le 1er novembre 2026" in description
    assert "le 20 novembre 2026" in description
