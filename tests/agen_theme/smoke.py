"""The checks of the smoke test, shared by the in-process and the wheel runs.

``get(path)`` returns ``(status, body)``. The in-process run fetches pages
with CKAN's test client, the wheel run with HTTP requests to a served CKAN.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

Fetch = Callable[[str], "tuple[int, str]"]

# The pages of the theme, with the catalogue fixture's dataset, organisation
# and group.
PAGES = (
    "/",
    "/dataset/",
    "/dataset/budget-2024",
    "/organization/ville-agen",
    "/group/",
    "/about",
    "/mentions-legales",
    "/donnees-personnelles",
    "/accessibilite",
)
LANGUAGES = {"fr": "", "en": "/en"}
BRANDING = ('src="/agen_theme/wordmark.svg"', "/webassets/agen_theme/")
# A footer link that only the theme's compiled catalogue translates.
FOOTER_LINK = {"fr": ">Mentions légales</a>", "en": ">Legal notice</a>"}

_ASSET = re.compile(
    r'<link[^>]+href="(?P<css>[^"]+\.css)"|<script[^>]+src="(?P<js>[^"]+\.js)"'
)


def accorderie_pages(url_map) -> list[str]:
    """List the accorderie's pages that take no URL argument, once it serves any."""
    return sorted(
        rule.rule
        for rule in url_map.iter_rules()
        if rule.endpoint.startswith("accorderie.")
        and not rule.arguments
        and "GET" in (rule.methods or ())
    )


def asset_urls(html: str) -> list[str]:
    """Return the CSS and JavaScript URLs that ``html`` loads, in order."""
    return [match.group("css") or match.group("js") for match in _ASSET.finditer(html)]


def check_pages(get: Fetch, paths: Iterable[str]) -> list[str]:
    """Fetch every page in both languages; return the problems found."""
    problems: list[str] = []
    checked_assets: set[str] = set()
    for language, prefix in LANGUAGES.items():
        for path in paths:
            url = prefix + path
            status, body = get(url)
            if status != 200:
                problems.append(f"{url}: status {status}")
                continue
            if f'<html lang="{language}"' not in body:
                problems.append(f"{url}: not in {language}")
            if FOOTER_LINK[language] not in body:
                problems.append(f"{url}: footer link {FOOTER_LINK[language]!r} missing")
            for mark in BRANDING:
                if mark not in body:
                    problems.append(f"{url}: branding {mark!r} missing")
            for asset in asset_urls(body):
                if asset in checked_assets:
                    continue
                checked_assets.add(asset)
                asset_status, _ = get(asset)
                if asset_status != 200:
                    problems.append(f"{url}: asset {asset} answered {asset_status}")
    return problems
