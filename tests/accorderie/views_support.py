"""Shared steps of the accorderie page tests."""
from __future__ import annotations

import re
from typing import Any, Optional

from ckan.tests import factories

from .conftest import AccorderieFactory


def member_with_token(
    acc: AccorderieFactory, accorderie: dict[str, Any],
    user_fields: Optional[dict[str, Any]] = None, **fields: Any,
) -> dict[str, Any]:
    """Make a member whose CKAN user (made with ``user_fields``) has an API
    token; return the member with "headers" to send as that user."""
    user = factories.UserWithToken(**(user_fields or {}))
    member = acc.member(accorderie, user=user, **fields)
    member["headers"] = {"Authorization": user["token"]}
    return member


def headers_of(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": user["token"]}


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form of a page."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def log_in(app: Any, user: dict[str, Any], password: str) -> Any:
    """Log ``user`` in through the login form; return the test client that
    keeps the session cookie, as a browser does."""
    client = app.test_client()
    page = client.get("/user/login")
    client.post("/user/login", data={
        "login": user["name"], "password": password, "_csrf_token": csrf_token(page.text),
    })
    return client
