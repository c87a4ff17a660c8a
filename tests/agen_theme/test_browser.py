"""The theme's pages in Debian's chromium: accessibility and narrow screens.

The test itself serves a CKAN on the test databases on 127.0.0.1. Chromium
reaches nothing else, because its host resolver maps every other name to
"not found". axe-core comes from the npm registry (package.json).
Screenshots of every page at 360 and 1280 px go to test-artifacts/.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys
from werkzeug.serving import make_server

from ckan.tests import factories

from . import smoke
from .conftest import THEME_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
NARROW = 360
WIDE = 1280
BLOCKING_IMPACTS = ("serious", "critical")

pytestmark = [
    pytest.mark.browser,
    # The tiles show the labels of the test schema's theme choices.
    pytest.mark.ckan_config("scheming.dataset_schemas", THEME_SCHEMA),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    for path in (CHROMIUM, CHROMEDRIVER, AXE_SCRIPT):
        assert Path(path).exists(), f"{path} is missing; run bin/install"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=fr",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        f"--window-size={WIDE},900",
        # Only 127.0.0.1 is reachable: every other host name fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def live_server(ckan_config, make_app):
    """Serve the test CKAN on a free port of 127.0.0.1; yield its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    ckan_config["ckan.site_url"] = base_url

    server = make_server("127.0.0.1", port, make_app().app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)


def _set_width(driver, width: int, height: int = 900) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _screenshot(driver, path: str, width: int) -> None:
    """Save a full-page screenshot of the current page under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    _set_width(driver, width, max(height, 600))
    name = path.strip("/").replace("/", "_") or "home"
    driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))
    _set_width(driver, width)


def _blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def _describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} {v['targets']}" for v in violations)


def _log_in(driver, base_url: str, name: str, password: str) -> None:
    driver.get(base_url + "/user/login")
    driver.find_element("id", "field-login").send_keys(name)
    driver.find_element("id", "field-password").send_keys(password)
    driver.find_element("id", "field-password").submit()


def _open_admin_config(driver, base_url: str, width: int) -> None:
    """Log a new sysadmin in and open /ckan-admin/config at ``width`` px."""
    password = "correct-horse-battery"
    sysadmin = factories.Sysadmin(password=password)
    _log_in(driver, base_url, sysadmin["name"], password)
    _set_width(driver, width)
    driver.get(base_url + "/ckan-admin/config")
    _screenshot(driver, "/ckan-admin/config", width)


def _axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(results => done(results.violations.map(v => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
          }))))
          .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), targets: []}]));
        """
    )


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "catalogue")
@pytest.mark.parametrize("path", smoke.PAGES)
def test_no_serious_axe_violation(browser, live_server, path):
    _set_width(browser, WIDE)
    browser.get(live_server + path)
    _screenshot(browser, path, WIDE)

    blocking = _blocking(_axe_violations(browser))

    assert blocking == [], _describe(blocking)


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "catalogue")
@pytest.mark.parametrize("path", smoke.PAGES)
def test_no_horizontal_scroll_at_360(browser, live_server, path):
    _set_width(browser, NARROW)
    browser.get(live_server + path)
    _screenshot(browser, path, NARROW)

    scroll_width = browser.execute_script("return document.documentElement.scrollWidth")

    assert scroll_width <= NARROW


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_page_is_french_in_browser(browser, live_server):
    browser.get(live_server + "/")

    assert browser.execute_script("return document.documentElement.lang") == "fr"
    assert browser.title.endswith("Agen — données ouvertes")


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_skip_link_is_first_focus(browser, live_server):
    browser.get(live_server + "/")
    browser.find_element("tag name", "body").send_keys(Keys.TAB)

    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "agen-skip-link"
    assert focused.is_displayed()


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_admin_config_form_accessible(browser, live_server):
    _open_admin_config(browser, live_server, WIDE)
    assert browser.find_elements("name", "ckanext.agen_theme.legal_notice_text")

    blocking = _blocking(_axe_violations(browser))

    assert blocking == [], _describe(blocking)


@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")
def test_admin_config_form_fits_360(browser, live_server):
    _open_admin_config(browser, live_server, NARROW)

    assert browser.execute_script("return document.documentElement.scrollWidth") <= NARROW


def test_axe_finds_missing_alt_text(browser):
    browser.get("data:text/html,<html><body><img src='x.png'></body></html>")

    ids = {v["id"] for v in _blocking(_axe_violations(browser))}

    assert {"image-alt", "html-has-lang"} <= ids
