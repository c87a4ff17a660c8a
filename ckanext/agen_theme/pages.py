"""The portal's information pages and their built-in texts.

A sysadmin rewrites each page in Markdown on /ckan-admin/config; the text is
stored under the page's config key. While that key is empty, the page shows
its built-in text: an English gettext string whose French translation in the
plugin's catalogue is what French visitors read.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import ckan.plugins.toolkit as tk

__all__ = ["Page", "PAGES", "page_by_name", "page_markdown"]


@dataclasses.dataclass(frozen=True)
class Page:
    """One information page: where it is served and where its text is kept."""

    name: str
    endpoint: str
    config_key: str
    title: Callable[[], str]
    default_text: Callable[[], str]


def _about_text() -> str:
    return tk._(
        "This portal publishes the public data of the City of Agen: budgets, "
        "grants, facilities, transport and more. Anyone may download, reuse "
        "and share these datasets under the terms of their licence, for free "
        "and without creating an account.\n\n"
        "## What you will find here\n\n"
        "- Datasets from the City's departments and its partners, described "
        "and updated by their producers.\n"
        "- A search by keyword, theme, producer and format.\n"
        "- An API to reuse the data in your own services.\n"
        "- The accorderie of Agen, where residents exchange services paid in "
        "time: one hour given is worth one hour received.\n\n"
        "## Contact\n\n"
        "A dataset is missing or wrong? Write to the producer named on its "
        "page, or to the City of Agen's open-data team."
    )


def _legal_notice_text() -> str:
    return tk._(
        "## Publisher\n\n"
        "This portal is published by the City of Agen (Lot-et-Garonne, "
        "France). The director of publication is the Mayor of Agen.\n\n"
        "## Hosting\n\n"
        "The name and address of the host are given by the portal's "
        "administrator on this page.\n\n"
        "## Reuse of the data\n\n"
        "Each dataset states its licence on its page. Unless that page says "
        "otherwise, the data may be reused freely, provided that the source "
        "and the date of the last update are cited.\n\n"
        "## Content of the site\n\n"
        "The texts, the design and the \"Agen — données ouvertes\" wordmark of "
        "this portal may not be reproduced without the City's permission. The "
        "portal runs on CKAN, free software published under the AGPL licence."
    )


def _privacy_text() -> str:
    return tk._(
        "The City of Agen processes personal data on this portal only for "
        "what it needs to run it, in accordance with the General Data "
        "Protection Regulation (GDPR) and the French Data Protection Act.\n\n"
        "## What is collected\n\n"
        "- **Accounts**: the user name, full name and email address of the "
        "people who create an account to publish data or to join the "
        "accorderie.\n"
        "- **Accorderie**: the services offered and requested and the hours "
        "exchanged between members.\n"
        "- **Audience**: the pages viewed, counted under a key derived from "
        "the browser and the network address, to show the most viewed "
        "datasets. This key does not identify a person by name.\n\n"
        "Browsing and downloading data require no account. The portal sets "
        "no advertising or third-party cookie, only the session cookie that "
        "keeps a signed-in user signed in.\n\n"
        "## How long it is kept\n\n"
        "Account data are kept while the account exists and deleted when the "
        "account is deleted.\n\n"
        "## Your rights\n\n"
        "You may access, correct or delete the data about you, and object to "
        "or restrict their processing, by writing to the City of Agen's data "
        "protection officer. If you consider that your rights are not "
        "respected, you may lodge a complaint with the CNIL (www.cnil.fr)."
    )


def _accessibility_text() -> str:
    return tk._(
        "The City of Agen is committed to making this portal accessible, in "
        "accordance with article 47 of French law no. 2005-102 of 11 "
        "February 2005.\n\n"
        "## Compliance status\n\n"
        "The portal has not yet been audited against the French accessibility "
        "standard RGAA 4.1 (which follows WCAG 2.1 level AA), so it is "
        "declared **non-compliant** until an audit is made. Its pages are "
        "tested automatically with axe-core in a web browser, and are "
        "designed to be usable with a keyboard, a screen reader and a screen "
        "360 pixels wide.\n\n"
        "## Feedback and contact\n\n"
        "If you cannot reach a content or a service, contact the City of "
        "Agen so that it can direct you to an accessible alternative or send "
        "you the content in another form.\n\n"
        "## Remedies\n\n"
        "If you reported a defect and did not get a satisfactory answer, you "
        "may write to the Defender of Rights (Défenseur des droits), by the "
        "online form at www.defenseurdesdroits.fr or by post, free of charge, "
        "to: Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."
    )


PAGES: tuple[Page, ...] = (
    Page(
        name="about",
        endpoint="home.about",
        # CKAN's own "About" text, already on the admin config form.
        config_key="ckan.site_about",
        title=lambda: tk._("About"),
        default_text=_about_text,
    ),
    Page(
        name="legal_notice",
        endpoint="agen_theme.legal_notice",
        config_key="ckanext.agen_theme.legal_notice_text",
        title=lambda: tk._("Legal notice"),
        default_text=_legal_notice_text,
    ),
    Page(
        name="privacy",
        endpoint="agen_theme.privacy",
        config_key="ckanext.agen_theme.privacy_text",
        title=lambda: tk._("Personal data"),
        default_text=_privacy_text,
    ),
    Page(
        name="accessibility",
        endpoint="agen_theme.accessibility",
        config_key="ckanext.agen_theme.accessibility_text",
        title=lambda: tk._("Accessibility statement"),
        default_text=_accessibility_text,
    ),
)


def page_by_name(name: str) -> Page:
    """Return the page called ``name``; raise ``KeyError`` for an unknown one."""
    for page in PAGES:
        if page.name == name:
            return page
    raise KeyError(name)


def page_markdown(page: Page) -> str:
    """Return the Markdown text of ``page``: the sysadmin's, else the built-in one."""
    text = (tk.config.get(page.config_key) or "").strip()
    return text or page.default_text()
