"""Read a CKAN form from a page as a browser would submit it."""
from __future__ import annotations

from bs4 import BeautifulSoup


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """Return the (name, value) pairs that submitting the form would send.

    The pairs come in page order from text and hidden inputs (the CSRF
    token among them), ticked boxes, text areas and each select's chosen
    option. Buttons and file inputs are left out.
    """
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id)
    assert form is not None, f"no form with id {form_id} on the page"

    fields: list[tuple[str, str]] = []
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            fields.append((name, element.text))
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            if chosen is not None:
                fields.append((name, chosen.get("value", chosen.text)))
        else:
            kind = element.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and not element.has_attr("checked"):
                continue
            fields.append((name, element.get("value", "")))
    return fields


def replace_fields(
    fields: list[tuple[str, str]], **values: str | list[str] | None
) -> list[tuple[str, str]]:
    """Set, replace or (with None) remove fields by name.

    A list value gives the field several values, like ticked boxes.
    """
    remaining = [(name, value) for name, value in fields if name not in values]
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            remaining.extend((name, item) for item in value)
        else:
            remaining.append((name, value))
    return remaining
