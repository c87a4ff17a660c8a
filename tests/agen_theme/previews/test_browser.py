"""The rendered table, map and chart views, checked in headless Chromium.

The test serves CKAN itself on 127.0.0.1 with the test settings and drives
Debian's chromium through chromium-driver. The map draws no tile layer, so
the browser makes no request beyond 127.0.0.1.
"""
from __future__ import annotations

import shutil
import socket
import tempfile
import threading

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PREVIEW_PLUGINS

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.skipif(not shutil.which(CHROMEDRIVER), reason="chromium-driver is not installed (bin/install installs it)"),
    pytest.mark.ckan_config("ckan.plugins", f"agen_theme scheming_datasets activity {PREVIEW_PLUGINS}"),
    pytest.mark.ckan_config("ckanext.xloader.api_token", "unused-in-tests"),
    pytest.mark.ckan_config("ckanext.agen_previews.map_tile_url", ""),
    pytest.mark.usefixtures("with_plugins"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site_url(app, ckan_config):
    """Serve the test CKAN on 127.0.0.1 in a thread and return its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # Pages link their scripts and API calls through the site URL.
    ckan_config["ckan.site_url"] = url
    server = make_server("127.0.0.1", port, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    profile = tempfile.mkdtemp(prefix="agen-previews-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,1024"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _view(resource_id: str, view_type: str) -> dict:
    views = call_action("resource_view_list", id=resource_id)
    return next(view for view in views if view["view_type"] == view_type)


def _view_url(site_url: str, package: dict, resource_id: str, view_id: str) -> str:
    return f"{site_url}/dataset/{package['name']}/resource/{resource_id}/view/{view_id}"


def _stops(package: dict) -> dict:
    return next(r for r in package["resources"] if r["name"] == "Arrêts (stops.txt)")


def test_map_shows_every_stop(load_demo_dataset, site_url, browser):
    package = load_demo_dataset("arrets-bus-tram-montpellier")
    stops = _stops(package)
    view = _view(stops["id"], "agen_map_view")

    browser.get(_view_url(site_url, package, stops["id"], view["id"]))
    WebDriverWait(browser, 60).until(
        lambda driver: driver.find_element(By.ID, "agen-map").get_attribute("data-marker-count")
    )

    assert browser.find_element(By.ID, "agen-map").get_attribute("data-marker-count") == "1532"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#agen-map path.leaflet-interactive")) == 1532


def test_map_shows_dispensers(load_demo_dataset, site_url, browser):
    package = load_demo_dataset("distributeurs-sacs-canins-la-rochelle")
    resource = package["resources"][0]
    view = _view(resource["id"], "agen_map_view")

    browser.get(_view_url(site_url, package, resource["id"], view["id"]))
    WebDriverWait(browser, 60).until(
        lambda driver: driver.find_element(By.ID, "agen-map").get_attribute("data-marker-count")
    )

    assert len(browser.find_elements(By.CSS_SELECTOR, "#agen-map path.leaflet-interactive")) == 136


def test_chart_bars_equal_sums(load_demo_dataset, site_url, browser):
    package = load_demo_dataset("budget-gironde-compte-administratif-2015")
    resource = next(r for r in package["resources"] if r["name"] == "Compte administratif 2015 (UTF-8)")
    sysadmin = factories.Sysadmin()
    view = call_action("resource_view_create", {"user": sysadmin["name"]},
                       resource_id=resource["id"], view_type="agen_chart_view",
                       title="Chapitres", category="Chapitre", value="Montant", limit=100)
    expected = call_action("agen_previews_chart_data_show", resource_id=resource["id"],
                           category="Chapitre", value="Montant", limit=100)

    browser.get(_view_url(site_url, package, resource["id"], view["id"]))
    bars = browser.find_elements(By.CSS_SELECTOR, "rect.agen-chart-bar")

    assert len(bars) == len(expected["categories"])
    drawn = {bar.get_attribute("data-category"): float(bar.get_attribute("data-value")) for bar in bars}
    assert drawn == pytest.approx(dict(zip(expected["categories"], expected["values"])))


def _filtered_rows(driver, word: str) -> bool:
    try:
        texts = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#dtprv tbody tr")]
    except StaleElementReferenceException:
        return False
    return 0 < len(texts) < 20 and all(word in text for text in texts)


def test_table_search_finds_accent(load_demo_dataset, site_url, browser):
    package = load_demo_dataset("arrets-bus-tram-montpellier")
    stops = _stops(package)
    view = _view(stops["id"], "datatables_view")

    browser.get(_view_url(site_url, package, stops["id"], view["id"]))
    search = WebDriverWait(browser, 60).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, "#dtprv_filter input")
    )
    search.send_keys("Sète", Keys.ENTER)
    # The first stop already contains the word, so wait until the page of
    # 20 rows has shrunk to the matching ones.
    WebDriverWait(browser, 60).until(lambda driver: _filtered_rows(driver, "Sète"))

    rows = browser.find_elements(By.CSS_SELECTOR, "#dtprv tbody tr")
    assert 0 < len(rows) < 20
    assert all("Sète" in row.text for row in rows)
