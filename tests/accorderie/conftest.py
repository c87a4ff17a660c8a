"""Factories and fixtures of the accorderie tests.

Objects are made through the plugin's actions as CKAN's site user, so the
tests exercise the same paths as the portal. ``as_user`` builds a context
that runs the auth functions for a given CKAN user.
"""
from __future__ import annotations

from typing import Any, Optional

import pytest

import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from ckanext.accorderie.cli import DEFAULT_CATEGORIES

from .smtp_sink import SmtpSink


def as_user(user: Optional[dict[str, Any]]) -> dict[str, Any]:
    """Return a context that checks access for ``user`` (None: anonymous)."""
    return {"user": user["name"] if user else "", "ignore_auth": False}


class AccorderieFactory:
    """Make accorderies and members with the plugin's actions."""

    def accorderie(self, **fields: Any) -> dict[str, Any]:
        count = len(call_action("accorderie_accorderie_list"))
        fields.setdefault("name", f"accorderie-{count + 1}")
        fields.setdefault("title", f"Accorderie {count + 1}")
        fields.setdefault("neighbourhoods", ["Centre", "Pin", "Tapie"])
        return call_action("accorderie_accorderie_create", **fields)

    def member(
        self,
        accorderie: dict[str, Any],
        state: str = "active",
        role: str = "member",
        user: Optional[dict[str, Any]] = None,
        **profile: Any,
    ) -> dict[str, Any]:
        """Make a member; the dict returned carries its CKAN user as "user"."""
        user = user or factories.User()
        member = call_action(
            "accorderie_member_apply",
            accorderie_id=accorderie["id"], user_id=user["id"], **profile,
        )
        if state != "applicant":
            call_action("accorderie_member_approve", id=member["id"])
        if state not in ("applicant", "active") or role != "member":
            call_action("accorderie_member_patch", id=member["id"], state=state, role=role)
        member = call_action("accorderie_member_show", id=member["id"])
        member["user"] = user
        return member

    def exchange(
        self, provider: dict[str, Any], receiver: dict[str, Any], duration: Any = "1h",
        settle: bool = True,
    ) -> dict[str, Any]:
        exchange = call_action(
            "accorderie_exchange_create",
            context=as_user(provider["user"]),
            provider_id=provider["id"], receiver_id=receiver["id"],
            duration=duration, exchange_date="2026-11-30",
        )
        if settle:
            exchange = call_action(
                "accorderie_exchange_confirm", context=as_user(receiver["user"]), id=exchange["id"]
            )
        return exchange


@pytest.fixture
def acc(with_plugins, clean_db, with_request_context) -> AccorderieFactory:
    """A clean database with the default categories, and the factory."""
    for category_id, label_fr, label_en in DEFAULT_CATEGORIES:
        call_action("accorderie_category_create", id=category_id, label_fr=label_fr, label_en=label_en)
    return AccorderieFactory()


@pytest.fixture
def web_acc(with_plugins, clean_db) -> AccorderieFactory:
    """As ``acc``, for page tests: no request context stays pushed, because
    the test client's requests would share its ``g`` and so its login."""
    for category_id, label_fr, label_en in DEFAULT_CATEGORIES:
        call_action("accorderie_category_create", id=category_id, label_fr=label_fr, label_en=label_en)
    return AccorderieFactory()


@pytest.fixture
def smtp(ckan_config, monkeypatch):
    """An SMTP server on 127.0.0.1 that keeps the mails CKAN sends."""
    sink = SmtpSink().start()
    monkeypatch.setitem(ckan_config, "smtp.server", sink.address)
    yield sink
    sink.stop()
