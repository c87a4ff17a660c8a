"""The smoke test again, served from the wheel installed without -e.

bin/wheel-venv builds the wheel and installs it with the pinned
requirements into a fresh virtualenv. Gunicorn from that virtualenv serves
CKAN on 127.0.0.1 with test.ini's settings and the test databases. Nothing
of the checkout is on its sys.path, so every template, asset and
translation it serves comes from the wheel.
"""
from __future__ import annotations

import os
import socket
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from . import smoke

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120  # seconds until gunicorn must respond to its first request


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _http_get(base_url: str):
    def get(path):
        try:
            with urllib.request.urlopen(base_url + path, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""

    return get


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("wheel") / "venv"
    completed = subprocess.run(
        [str(ROOT / "bin" / "wheel-venv"), str(venv)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return venv


@pytest.fixture
def wheel_server(wheel_venv, tmp_path):
    """Serve CKAN from the wheel's virtualenv; yield its URL and log file."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    ini = tmp_path / "wheel.ini"
    ini.write_text(
        textwrap.dedent(
            f"""\
            [app:main]
            use = config:{ROOT / "test.ini"}
            ckan.site_url = {base_url}

            [loggers]
            keys = root

            [handlers]
            keys = console

            [formatters]
            keys = generic

            [logger_root]
            level = INFO
            handlers = console

            [handler_console]
            class = StreamHandler
            args = (sys.stderr,)
            formatter = generic

            [formatter_generic]
            format = %(levelname)s [%(name)s] %(message)s
            """
        )
    )
    (tmp_path / "wheel_wsgi.py").write_text(
        "from ckan.cli import CKANConfigLoader\n"
        "from ckan.config.middleware import make_app\n"
        f"application = make_app(CKANConfigLoader({str(ini)!r}).get_config())\n"
    )
    log_path = tmp_path / "gunicorn.log"
    environment = {**os.environ, "CKAN_INI": str(ini)}
    environment.pop("PYTHONPATH", None)
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                str(wheel_venv / "bin" / "gunicorn"),
                "--chdir", str(tmp_path),
                "--bind", f"127.0.0.1:{port}",
                "--workers", "1",
                "--timeout", "120",
                "wheel_wsgi:application",
            ],
            cwd=tmp_path,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(base_url + "/api/3/action/status_show", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not respond on {base_url} within {START_TIMEOUT} s:\n{log_path.read_text()}")
                time.sleep(1)
        yield base_url, log_path
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.wheel
def test_wheel_is_not_the_checkout(wheel_venv, tmp_path):
    located = subprocess.run(
        [str(wheel_venv / "bin" / "python"), "-c", "import ckanext.agen_theme as m; print(m.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.strip()

    assert located.startswith(str(wheel_venv))


@pytest.mark.wheel
@pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "catalogue")
def test_wheel_serves_pages_and_assets(app, wheel_server):
    base_url, log_path = wheel_server
    paths = list(smoke.PAGES) + smoke.accorderie_pages(app.flask_app.url_map)

    problems = smoke.check_pages(_http_get(base_url), paths)

    assert problems == []
    log = log_path.read_text()
    assert "unknown asset" not in log
    assert "Traceback" not in log


@pytest.mark.wheel
def test_wheel_has_compiled_french(wheel_venv, tmp_path):
    script = (
        "import importlib.resources as r;"
        "print(r.files('ckanext.agen_theme').joinpath("
        "'i18n/fr/LC_MESSAGES/ckanext-agen_theme.mo').is_file())"
    )
    found = subprocess.run(
        [str(wheel_venv / "bin" / "python"), "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.strip()

    assert found == "True"
