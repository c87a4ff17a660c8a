"""The accorderie's stories in headless chromium, with axe-core and a
360 px check on every page. The browser and the test server come from the
theme's browser tests: chromium reaches 127.0.0.1 only."""
from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select, WebDriverWait

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ..agen_theme.test_browser import (  # noqa: F401 (fixtures)
    NARROW, WIDE, _axe_violations, _blocking, _describe, _log_in, _set_width, browser, live_server,
)
from .conftest import as_user

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def agen(web_acc):
    return web_acc.accorderie(name="agen", title="Accorderie d'Agen")


def _person(**fields):
    return factories.User(password=PASSWORD, **fields)


def _switch_user(driver, base_url, user):
    driver.delete_all_cookies()
    _log_in(driver, base_url, user["name"], PASSWORD)


def _click(driver, by, value):
    """Click an element through JavaScript: the fixed footer of a narrow
    window may cover it, and a person would scroll first."""
    element = driver.find_element(by, value)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def _submit(driver, selector):
    _click(driver, "css selector", selector)


def _balance_text(driver, base_url):
    driver.get(base_url + "/accorderie/agen/account")
    return driver.find_element("id", "acc-balance").text


def test_resident_story(browser, live_server, web_acc, agen):
    resident, neighbour_user, staff_user = _person(), _person(), _person()
    web_acc.member(agen, user=neighbour_user)
    web_acc.member(agen, user=staff_user, role="staff")

    # A resident applies.
    _switch_user(browser, live_server, resident)
    browser.get(live_server + "/accorderie/agen/apply")
    Select(browser.find_element("id", "field-neighbourhood")).select_by_value("Pin")
    browser.find_element("id", "field-skills").send_keys("Cours de guitare")
    _submit(browser, "form button[type=submit].btn-primary")

    # Staff approve.
    _switch_user(browser, live_server, staff_user)
    browser.get(live_server + "/accorderie/agen/staff/applications")
    browser.find_element("css selector", "input[name=orientation_date]").send_keys("03/12/2026")
    _submit(browser, ".acc-application form button.btn-primary")

    # The member publishes an offer.
    _switch_user(browser, live_server, resident)
    browser.get(live_server + "/accorderie/agen/services/new")
    browser.find_element("id", "field-title").send_keys("Cours de guitare pour débutants")
    Select(browser.find_element("id", "field-category")).select_by_value("music")
    _click(browser, "id", "field-not-my-profession")
    _submit(browser, "button[name=publish]")
    service_url = browser.current_url

    # A second member records that they received the service.
    _switch_user(browser, live_server, neighbour_user)
    browser.get(service_url)
    _click(browser, "partial link text", "Enregistrer un échange pour ce service")
    _click(browser, "id", "field-direction-received")
    [resident_member] = call_action("accorderie_membership_list", context=as_user(resident))
    browser.find_element("id", "field-other").send_keys(str(resident_member["number"]))
    browser.find_element("id", "field-duration").send_keys("2h")
    _submit(browser, "form button[type=submit].btn-primary")

    # The first member confirms.
    _switch_user(browser, live_server, resident)
    browser.get(live_server + "/accorderie/agen/account")
    _submit(browser, ".acc-exchange form button.btn-primary")

    assert _balance_text(browser, live_server) == "17 h"
    _switch_user(browser, live_server, neighbour_user)
    assert _balance_text(browser, live_server) == "13 h"


def _register_offline(driver, base_url, display_name):
    """Register a person without an account from the staff pages; return
    their member number, read from the page the form leads to."""
    driver.get(base_url + "/accorderie/agen/staff/members")
    _click(driver, "link text", "Inscrire une personne sans compte")
    driver.find_element("id", "field-display-name").send_keys(display_name)
    Select(driver.find_element("id", "field-neighbourhood")).select_by_value("Tapie")
    _submit(driver, "form button[type=submit].btn-primary")
    message = driver.find_element("css selector", ".alert-success").text
    return message.rsplit(" ", 1)[-1].rstrip(".")


def test_offline_member_story(browser, live_server, web_acc, agen):
    staff_user = _person()
    web_acc.member(agen, user=staff_user, role="staff")

    _switch_user(browser, live_server, staff_user)
    provider_number = _register_offline(browser, live_server, "Odette Lacombe")
    provider_url = browser.current_url
    receiver_number = _register_offline(browser, live_server, "Marcel Bouyssou")
    receiver_url = browser.current_url

    browser.get(live_server + "/accorderie/agen/staff/exchanges/new")
    browser.find_element("id", "field-provider").send_keys(provider_number)
    browser.find_element("id", "field-receiver").send_keys(receiver_number)
    browser.find_element("id", "field-duration").send_keys("1h30")
    _submit(browser, "form button[type=submit].btn-primary")
    _submit(browser, ".acc-exchange form button.btn-primary")

    browser.get(provider_url)
    assert "16 h 30" in browser.find_element("class name", "acc-balance").text
    browser.get(receiver_url)
    assert "13 h 30" in browser.find_element("class name", "acc-balance").text


def test_member_field_suggests_names(browser, live_server, web_acc, agen):
    staff_user = _person()
    web_acc.member(agen, user=staff_user, role="staff")
    camille = web_acc.member(agen, user=_person(fullname="Camille Vergnaud"))

    _switch_user(browser, live_server, staff_user)
    browser.get(live_server + "/accorderie/agen/staff/exchanges/new")
    browser.find_element("id", "field-provider").send_keys("Vergn")

    options = WebDriverWait(browser, 10).until(
        lambda driver: driver.find_elements("css selector", "#acc-member-suggestions option")
    )
    assert [o.get_attribute("value") for o in options] == [f"{camille['number']} – Camille Vergnaud"]


def _pages(web_acc, agen):
    """Make a staff member with some data; return them and every page."""
    staff_user = _person()
    staff = web_acc.member(agen, user=staff_user, role="staff")
    other = web_acc.member(agen)
    web_acc.member(agen, state="applicant")
    web_acc.exchange(staff, other, duration="1h")
    web_acc.exchange(other, staff, duration="30 min", settle=False)
    service = call_action(
        "accorderie_service_create", context=as_user(staff_user), member_id=staff["id"],
        type="offer", title="Aide aux devoirs", category_id="tutoring", status="published",
        not_my_profession=True,
        description="Le **mercredi** après-midi.",
    )
    paths = [
        "/accorderie", "/accorderie/agen", "/accorderie/agen/services",
        f"/accorderie/service/{service['id']}", f"/accorderie/service/{service['id']}/edit",
        "/accorderie/agen/services/new", "/accorderie/agen/profile", "/accorderie/agen/account",
        "/accorderie/agen/exchange/new", "/accorderie/agen/account/delete",
        "/accorderie/agen/staff/applications", "/accorderie/agen/staff/members",
        "/accorderie/agen/staff/members/register",
        f"/accorderie/agen/staff/members/{other['id']}", "/accorderie/agen/staff/exchanges",
        "/accorderie/agen/staff/exchanges/new", "/accorderie/agen/staff/reports",
        "/accorderie/agen/print/services", "/accorderie/agen/staff/print/members",
        f"/accorderie/agen/staff/print/members/{other['id']}",
    ]
    # The pages that join the accorderie to the catalogue; a point makes the
    # home page draw its neighbourhood map.
    call_action(
        "accorderie_neighbourhood_point_update", accorderie_id=agen["id"],
        points=[{"neighbourhood": agen["neighbourhoods"][0], "latitude": 44.2033, "longitude": 0.6166}],
    )
    paths += [
        "/accorderie/agen/staff/neighbourhoods", f"/accorderie/service/{service['id']}/datasets",
    ]
    return staff_user, paths


def test_pages_pass_axe(browser, live_server, web_acc, agen):
    staff_user, paths = _pages(web_acc, agen)
    _switch_user(browser, live_server, staff_user)
    _set_width(browser, WIDE)

    failures = {}
    for path in paths:
        browser.get(live_server + path)
        blocking = _blocking(_axe_violations(browser))
        if blocking:
            failures[path] = _describe(blocking)

    assert failures == {}


# The tables of a page that are wider than the box around them, by their
# first header cell: a phone shows them cut, with a sideways scroll bar at
# best.
TABLES_WIDER_THAN_THEIR_BOX = """
return Array.from(document.querySelectorAll('table'))
    .filter(table => table.scrollWidth > table.parentElement.clientWidth + 1)
    .map(table => (table.querySelector('th') || table).textContent.trim());
"""


def test_pages_fit_360(browser, live_server, web_acc, agen):
    staff_user, paths = _pages(web_acc, agen)
    _switch_user(browser, live_server, staff_user)
    _set_width(browser, NARROW)

    widths, cut_tables = {}, {}
    for path in paths:
        browser.get(live_server + path)
        widths[path] = browser.execute_script("return document.documentElement.scrollWidth")
        cut_tables[path] = browser.execute_script(TABLES_WIDER_THAN_THEIR_BOX)

    assert {path: width for path, width in widths.items() if width > NARROW} == {}
    assert {path: tables for path, tables in cut_tables.items() if tables} == {}


def test_apply_page_in_french(browser, live_server, agen):
    _switch_user(browser, live_server, _person())
    browser.get(live_server + "/accorderie/agen/apply")

    assert browser.execute_script("return document.documentElement.lang") == "fr"
    assert browser.find_element("tag name", "h1").text == "Demander à adhérer"


def test_refused_field_marked_invalid(browser, live_server, web_acc, agen):
    member_user = _person()
    web_acc.member(agen, user=member_user)
    other = web_acc.member(agen)
    _switch_user(browser, live_server, member_user)

    browser.get(live_server + "/accorderie/agen/exchange/new")
    browser.find_element("id", "field-other").send_keys(str(other["number"]))
    browser.find_element("id", "field-duration").send_keys("abc")
    _submit(browser, "form button[type=submit].btn-primary")

    field = browser.find_element("id", "field-duration")
    assert field.get_attribute("aria-invalid") == "true"
    message = browser.find_element("id", field.get_attribute("aria-describedby").split()[-1])
    assert "La durée n'est pas valide" in message.text
    assert browser.find_element("id", "field-other").get_attribute("aria-invalid") is None
