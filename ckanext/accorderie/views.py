"""Pages of the accorderie: public, member and staff pages.

Every page calls the accorderie's actions; none writes to the tables.
Forms post with CKAN's CSRF field; on a validation error they are shown
again with what was typed and the errors next to their fields.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import re
from typing import Any, Callable, Optional

from flask import Blueprint, Response, abort

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page
from ckan.types import Context

from . import mail

__all__ = ["accorderie"]

log = logging.getLogger(__name__)

accorderie = Blueprint("accorderie", __name__, url_prefix="/accorderie")

PAGE_SIZE = 20
RENEW_DAYS = 90
# Fields of the staff's registration form. Errors on other keys, from
# CKAN's user_create, are listed above the form.
REGISTER_FIELDS = (
    "display_name", "orientation_date", "language", "neighbourhood", "skills", "availability",
    "email", "email_visibility", "phone", "phone_visibility", "address", "address_visibility",
)
# Entries read to draw the balance chart: the latest ones.
CHART_ENTRIES = 100


# Shared steps


def _user_name() -> str:
    """Return the visitor's user name, or "" for anonymous visitors."""
    if tk.current_user.is_authenticated:
        return tk.current_user.name  # type: ignore[union-attr]
    return ""


def _context() -> Context:
    context: Context = {"user": _user_name()}  # type: ignore[typeddict-item]
    if tk.current_user.is_authenticated:
        # The logged-in user object spares every action a query for it.
        context["auth_user_obj"] = tk.current_user._get_current_object()  # type: ignore[union-attr]
    if tk.request.method == "GET" and "accorderie_viewer" in tk.g:
        # A page that only reads shares the caller's member rows among its
        # action calls. A form that writes reads them again for each call,
        # because a write may change them.
        context["accorderie_viewer"] = tk.g.accorderie_viewer  # type: ignore[typeddict-unknown-key]
    return context


def _call(action: str, data_dict: dict[str, Any]) -> Any:
    context = _context()
    result = tk.get_action(action)(context, data_dict)
    if "accorderie_viewer" in context:
        tk.g.accorderie_viewer = context["accorderie_viewer"]  # type: ignore[typeddict-item]
    return result


def _page_number() -> int:
    try:
        return max(int(tk.request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def _load(action: str, data_dict: dict[str, Any]) -> Any:
    """Call a read action; turn "not found" and "not allowed" into pages."""
    try:
        return _call(action, data_dict)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("This page does not exist."))
    except tk.NotAuthorized:
        if not _user_name():
            abort(tk.redirect_to("user.login", came_from=tk.request.full_path))
        return tk.abort(403, tk._("You are not allowed to see this page."))


def _membership(accorderie_id: str) -> Optional[dict[str, Any]]:
    """Return the visitor's member row in the accorderie, if any."""
    if not _user_name():
        return None
    # Read once per request: the view and the page's menu both need it.
    if "accorderie_memberships" not in tk.g:
        tk.g.accorderie_memberships = _call("accorderie_membership_list", {})
    for member in tk.g.accorderie_memberships:
        if member["accorderie_id"] == accorderie_id:
            return member
    return None


def _is_staff(member: Optional[dict[str, Any]]) -> bool:
    if tk.current_user.is_authenticated and tk.current_user.sysadmin:  # type: ignore[union-attr]
        return True
    return bool(member and member["state"] == "active" and member["role"] == "staff")


def _require_member(acc: dict[str, Any]) -> dict[str, Any]:
    """Return the visitor's active membership, or abort with a 403 page
    that explains who may use the page."""
    if not _user_name():
        tk.abort(403, tk._("Log in to use this page."))
    member = _membership(acc["id"])
    if member is None or member["state"] != "active":
        tk.abort(403, tk._("Only active members of this accorderie may use this page."))
    return member  # type: ignore[return-value]


def _require_staff(acc: dict[str, Any]) -> Optional[dict[str, Any]]:
    member = _membership(acc["id"])
    if not _is_staff(member):
        tk.abort(403, tk._("Only the staff of this accorderie may use this page."))
    return member


def _form_data() -> dict[str, Any]:
    return {key: value.strip() for key, value in tk.request.form.items() if key != "_csrf_token"}


def _errors_of(error: tk.ValidationError) -> dict[str, list[str]]:
    return {key: value for key, value in (error.error_dict or {}).items() if isinstance(value, list)}


def _post_action(action: str, data_dict: dict[str, Any], success: str) -> bool:
    """Call a write action from a button; flash the outcome."""
    try:
        _call(action, data_dict)
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._("You are not allowed to do this."))
        return False
    except tk.ObjectNotFound:
        tk.abort(404, tk._("This page does not exist."))
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(m for messages in _errors_of(error).values() for m in messages))
        return False
    tk.h.flash_success(success)
    return True


def _accorderie(name: str) -> dict[str, Any]:
    return _load("accorderie_accorderie_show", {"id": name})


def _categories() -> list[dict[str, Any]]:
    return tk.h.accorderie_categories()


# "12", "No. 12", "n° 12" and the suggestions' "12 – Camille Martin": a
# member number, with what follows it ignored.
_MEMBER_NUMBER = re.compile(r"^\s*(?:n[o°º]?\.?\s*)?(\d+)\b", re.IGNORECASE)
_MEMBER_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _find_member(acc: dict[str, Any], text: str, staff: bool) -> tuple[str, Optional[str]]:
    """Find the active member that a person typed: a member number, part of
    a name, or a member id (sent by older forms and scripts).

    Returns ``(member_id, None)``, or ``("", error)`` when no member or
    several members match.
    """
    text = text.strip()
    if _MEMBER_ID.match(text):
        return text, None
    if not text:
        return "", tk._("Type the member number or the name of the member.")

    number = _MEMBER_NUMBER.match(text)
    query: dict[str, Any] = {
        "accorderie_id": acc["id"], "q": number.group(1) if number else text, "limit": 2,
    }
    if staff:
        # Members only ever see active members; staff ask for them.
        query["state"] = "active"
    found = _call("accorderie_member_list", query)
    if found["count"] == 1:
        return found["results"][0]["id"], None
    if found["count"] == 0:
        return "", tk._("No active member matches {value}. Type the member number or part of the name.").format(
            value=text
        )
    return "", tk._("{count} members match {value}. Type the member number.").format(
        count=found["count"], value=text
    )


def _render(template: str, acc: dict[str, Any], **extra: Any) -> str:
    member = _membership(acc["id"])
    return tk.render(template, {
        "acc": acc, "me": member, "is_staff": _is_staff(member), **extra,
    })


# Public pages


@accorderie.route("", strict_slashes=False)
def index() -> Any:
    accorderies = _call("accorderie_accorderie_list", {})
    if len(accorderies) == 1:
        return home(accorderies[0]["name"])
    return tk.render("accorderie/index.html", {"accorderies": accorderies})


@accorderie.route("/<name>")
def home(name: str) -> Any:
    acc = _accorderie(name)
    latest = {
        kind: _call("accorderie_service_list", {"accorderie_id": acc["id"], "type": kind, "limit": 5})
        for kind in ("offer", "request")
    }
    return _render("accorderie/home.html", acc, latest=latest, categories=_categories())


@accorderie.route("/<name>/services")
def services(name: str) -> Any:
    acc = _accorderie(name)
    filters = {
        key: tk.request.args.get(key, "").strip()
        for key in ("type", "category_id", "neighbourhood", "q")
    }
    number = _page_number()
    query = {key: value for key, value in filters.items() if value}
    errors: dict[str, list[str]] = {}
    try:
        found = _call("accorderie_service_list", {
            "accorderie_id": acc["id"], "limit": PAGE_SIZE, "offset": (number - 1) * PAGE_SIZE,
            **query,
        })
    except tk.ValidationError as error:
        errors = _errors_of(error)
        found = {"count": 0, "results": []}

    pager = Page(
        collection=found["results"], page=number, item_count=found["count"],
        items_per_page=PAGE_SIZE, presliced_list=True,
        url=lambda q=None, page=1: tk.h.url_for("accorderie.services", name=name, page=page, **query),
    )
    return _render(
        "accorderie/services.html", acc, found=found, filters=filters, pager=pager,
        errors=errors, categories=_categories(),
    )


@accorderie.route("/service/<service_id>")
def service(service_id: str) -> Any:
    item = _load("accorderie_service_show", {"id": service_id})
    acc = _accorderie(item["accorderie_id"])
    member = _membership(acc["id"])
    own = bool(member and member["id"] == item.get("member_id"))
    return _render("accorderie/service.html", acc, service=item, own=own, categories=_categories())


# Member pages


@accorderie.route("/<name>/apply", methods=["GET", "POST"])
def apply(name: str) -> Any:
    acc = _accorderie(name)
    if not _user_name():
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    if _membership(acc["id"]) is not None:
        return tk.redirect_to("accorderie.account", name=name)

    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        data = _form_data()
        # E-mails to the member are written in the language of the pages
        # they applied from.
        data.setdefault("language", tk.h.lang())
        try:
            member = _call("accorderie_member_apply", {**data, "accorderie_id": acc["id"]})
        except tk.ValidationError as error:
            errors = _errors_of(error)
        else:
            mail.application_received(acc, member)
            tk.h.flash_success(tk._(
                "Your application was received. The staff will invite you to an orientation meeting."
            ))
            return tk.redirect_to("accorderie.home", name=name)
    return _render("accorderie/apply.html", acc, data=data, errors=errors)


@accorderie.route("/<name>/profile", methods=["GET", "POST"])
def profile(name: str) -> Any:
    acc = _accorderie(name)
    me = _require_member(acc)
    data: dict[str, Any] = me
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        data = _form_data()
        data.setdefault("language", tk.h.lang())
        try:
            _call("accorderie_member_patch", {**data, "id": me["id"]})
        except tk.ValidationError as error:
            errors = _errors_of(error)
        else:
            tk.h.flash_success(tk._("Your profile was saved."))
            return tk.redirect_to("accorderie.account", name=name)
    return _render(
        "accorderie/profile.html", acc, data=data, errors=errors,
        language=data.get("language") or tk.h.lang(),
    )


def _service_form(acc: dict[str, Any], item: Optional[dict[str, Any]]) -> Any:
    """Show and handle the form that publishes or edits a service."""
    me = _require_member(acc)
    data: dict[str, Any] = dict(item or {"type": tk.request.args.get("type", "offer")})
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        data = _form_data()
        data["status"] = "published" if "publish" in tk.request.form else "draft"

        # The form requires the statement on every service it publishes,
        # requests included, while the API requires it on offers only. A
        # draft needs none.
        data["not_my_profession"] = data.get("not_my_profession") == "yes"
        if data["status"] == "published" and not data["not_my_profession"]:
            errors["not_my_profession"] = [tk._(
                "Tick this box: the accorderie exchanges services between neighbours, "
                "never the work of a profession."
            )]
        data.setdefault("expires", "")
        if not data["expires"]:
            data.pop("expires")
        if not errors:
            try:
                if item is None:
                    saved = _call("accorderie_service_create", {**data, "member_id": me["id"]})
                else:
                    saved = _call("accorderie_service_update", {**data, "id": item["id"]})
            except tk.ValidationError as error:
                errors = _errors_of(error)
            else:
                tk.h.flash_success(tk._("The service was saved."))
                return tk.redirect_to("accorderie.service", service_id=saved["id"])
    return _render(
        "accorderie/service_form.html", acc, data=data, errors=errors, service=item,
        categories=_categories(),
    )


@accorderie.route("/<name>/services/new", methods=["GET", "POST"])
def service_new(name: str) -> Any:
    return _service_form(_accorderie(name), None)


@accorderie.route("/service/<service_id>/edit", methods=["GET", "POST"])
def service_edit(service_id: str) -> Any:
    item = _load("accorderie_service_show", {"id": service_id})
    if "status" not in item:
        tk.abort(403, tk._("Only the member who published this service and staff may do this."))
    return _service_form(_accorderie(item["accorderie_id"]), item)


def _service_change(service_id: str, changes: dict[str, Any], success: str) -> Any:
    _post_action("accorderie_service_patch", {"id": service_id, **changes}, success)
    return tk.redirect_to("accorderie.service", service_id=service_id)


@accorderie.route("/service/<service_id>/close", methods=["POST"])
def service_close(service_id: str) -> Any:
    return _service_change(service_id, {"status": "closed"}, tk._("The service was closed."))


@accorderie.route("/service/<service_id>/renew", methods=["POST"])
def service_renew(service_id: str) -> Any:
    expires = datetime.date.today() + datetime.timedelta(days=RENEW_DAYS)
    return _service_change(
        service_id, {
            "status": "published", "expires": expires.isoformat(),
            "not_my_profession": tk.request.form.get("not_my_profession") == "yes",
        },
        tk._("The service is published until {date}.").format(date=tk.h.accorderie_format_date(expires)),
    )


@accorderie.route("/service/<service_id>/hide", methods=["POST"])
def service_hide(service_id: str) -> Any:
    return _service_change(service_id, {"status": "hidden"}, tk._("The service is hidden."))


@accorderie.route("/service/<service_id>/delete", methods=["POST"])
def service_delete(service_id: str) -> Any:
    item = _load("accorderie_service_show", {"id": service_id})
    acc = _accorderie(item["accorderie_id"])
    if _post_action("accorderie_service_delete", {"id": service_id}, tk._("The service was deleted.")):
        return tk.redirect_to("accorderie.account", name=acc["name"])
    return tk.redirect_to("accorderie.service", service_id=service_id)


def _exchange_form(acc: dict[str, Any], me: Optional[dict[str, Any]], staff: bool) -> Any:
    """Show and handle the form that records an exchange: a member records
    their own, staff record one on behalf of a party."""
    data: dict[str, Any] = {
        "direction": "gave", "exchange_date": datetime.date.today().strftime("%d/%m/%Y"),
        "service_id": tk.request.args.get("service_id", ""),
    }
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        data = _form_data()
        # The parties are typed as member numbers or names.
        parties = ("provider_id", "receiver_id") if staff else ("other_id",)
        found: dict[str, str] = {}
        for field in parties:
            found[field], error = _find_member(acc, data.get(field, ""), staff)
            if error:
                errors[field] = [error]
        if staff:
            payload = {
                key: data.get(key, "") for key in ("duration", "exchange_date", "note", "service_id")
            }
            payload.update(found)
            behalf = "receiver_id" if data.get("on_behalf") == "receiver" else "provider_id"
            payload["recorded_by_id"] = found[behalf]
        else:
            other = found["other_id"]
            gave = data.get("direction") != "received"
            payload = {
                "provider_id": me["id"] if gave else other,  # type: ignore[index]
                "receiver_id": other if gave else me["id"],  # type: ignore[index]
                "duration": data.get("duration", ""),
                "exchange_date": data.get("exchange_date", ""),
                "note": data.get("note", ""),
                "service_id": data.get("service_id", ""),
            }
        payload = {key: value for key, value in payload.items() if value}
        if not errors:
            try:
                exchange = _call("accorderie_exchange_create", payload)
            except tk.ValidationError as error:
                errors = _errors_of(error)
                if not staff:
                    # The member form names the other party "other_id".
                    for field in ("provider_id", "receiver_id"):
                        if field in errors:
                            errors.setdefault("other_id", []).extend(errors.pop(field))
            else:
                mail.exchange_waiting(acc, exchange)
                tk.h.flash_success(tk._("The exchange was recorded. It counts once it is confirmed."))
                target = "accorderie.staff_exchanges" if staff else "accorderie.account"
                return tk.redirect_to(target, name=acc["name"])
    return _render(
        "accorderie/exchange_form.html", acc, data=data, errors=errors, staff_form=staff,
    )


@accorderie.route("/<name>/exchange/new", methods=["GET", "POST"])
def exchange_new(name: str) -> Any:
    acc = _accorderie(name)
    return _exchange_form(acc, _require_member(acc), staff=False)


def _exchange_close(exchange_id: str, action: str, success: str) -> Any:
    exchange = _load("accorderie_exchange_show", {"id": exchange_id})
    acc = _accorderie(exchange["accorderie_id"])
    if _post_action(action, {"id": exchange_id}, success) and action in (
        "accorderie_exchange_confirm", "accorderie_exchange_reverse"
    ):
        mail.exchange_settled(acc, _call("accorderie_exchange_show", {"id": exchange_id}))
    target = tk.request.form.get("came_from", "")
    if target.startswith("/") and not target.startswith("//"):
        return tk.redirect_to(target)
    return tk.redirect_to("accorderie.account", name=acc["name"])


@accorderie.route("/exchange/<exchange_id>/confirm", methods=["POST"])
def exchange_confirm(exchange_id: str) -> Any:
    return _exchange_close(exchange_id, "accorderie_exchange_confirm", tk._("The exchange is confirmed."))


@accorderie.route("/exchange/<exchange_id>/reject", methods=["POST"])
def exchange_reject(exchange_id: str) -> Any:
    return _exchange_close(exchange_id, "accorderie_exchange_reject", tk._("The exchange was rejected."))


@accorderie.route("/exchange/<exchange_id>/cancel", methods=["POST"])
def exchange_cancel(exchange_id: str) -> Any:
    return _exchange_close(exchange_id, "accorderie_exchange_cancel", tk._("The exchange was cancelled."))


@accorderie.route("/exchange/<exchange_id>/reverse", methods=["POST"])
def exchange_reverse(exchange_id: str) -> Any:
    return _exchange_close(
        exchange_id, "accorderie_exchange_reverse",
        tk._("The exchange was corrected with a reversal."),
    )


def _statement_pager(statement: dict[str, Any], endpoint: str, **url_args: Any) -> Page:
    """Return the pager of a statement page, whose links go to ``endpoint``."""
    return Page(
        collection=statement["entries"], page=_page_number(), item_count=statement["count"],
        items_per_page=PAGE_SIZE, presliced_list=True,
        url=lambda q=None, page=1: tk.h.url_for(endpoint, page=page, **url_args),
    )


def _statement_page(statement_of: str, endpoint: str, **url_args: Any) -> dict[str, Any]:
    """Return a page of the statement of member ``statement_of`` and its
    pager, whose links go to ``endpoint``."""
    statement = _call("accorderie_member_statement", {
        "id": statement_of, "limit": PAGE_SIZE, "offset": (_page_number() - 1) * PAGE_SIZE,
    })
    return {"statement": statement, "pager": _statement_pager(statement, endpoint, **url_args)}


@accorderie.route("/<name>/account")
def account(name: str) -> Any:
    acc = _accorderie(name)
    if not _user_name():
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    me = _membership(acc["id"])
    if me is None or me["state"] != "active":
        return _render("accorderie/account_pending.html", acc)

    # The balance, the statement page, the chart, the pending exchanges and
    # the published services, in one action.
    statement = _call("accorderie_member_account_show", {
        "id": me["id"], "limit": PAGE_SIZE, "offset": (_page_number() - 1) * PAGE_SIZE,
        "chart_limit": CHART_ENTRIES,
    })
    pending = statement["pending"]
    return _render(
        "accorderie/account.html", acc,
        to_confirm=[e for e in pending if e["recorded_by_id"] != me["id"]],
        waiting=[e for e in pending if e["recorded_by_id"] == me["id"]],
        points=statement["points"], own_services=statement["services"], categories=_categories(),
        statement=statement, pager=_statement_pager(statement, "accorderie.account", name=name),
    )


@accorderie.route("/<name>/account/export")
def export(name: str) -> Any:
    acc = _accorderie(name)
    me = _require_member(acc)
    data = _call("accorderie_member_export", {"id": me["id"]})
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="accorderie-{acc["name"]}.json"'},
    )


@accorderie.route("/<name>/account/delete", methods=["GET", "POST"])
def erase(name: str) -> Any:
    acc = _accorderie(name)
    me = _require_member(acc)
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        if tk.request.form.get("confirm") != "yes":
            errors["confirm"] = [tk._("Tick the box to confirm that your data will be erased.")]
        elif _post_action("accorderie_member_erase", {"id": me["id"]}, tk._("Your data was erased.")):
            return tk.redirect_to("accorderie.home", name=name)
    return _render("accorderie/erase.html", acc, errors=errors)


# Staff back office


@accorderie.route("/<name>/staff/applications")
def staff_applications(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    applicants = _call("accorderie_member_list", {
        "accorderie_id": acc["id"], "state": "applicant", "limit": 100,
    })
    return _render("accorderie/staff_applications.html", acc, applicants=applicants)


@accorderie.route("/<name>/staff/applications/<member_id>/approve", methods=["POST"])
def staff_approve(name: str, member_id: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    data = {"id": member_id}
    if tk.request.form.get("orientation_date", "").strip():
        data["orientation_date"] = tk.request.form["orientation_date"].strip()
    if _post_action("accorderie_member_approve", data, tk._("The member was approved.")):
        mail.application_decided(acc, _call("accorderie_member_show", {"id": member_id}), None)
    return tk.redirect_to("accorderie.staff_applications", name=name)


@accorderie.route("/<name>/staff/applications/<member_id>/decline", methods=["POST"])
def staff_decline(name: str, member_id: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    reason = tk.request.form.get("reason", "").strip()
    if _post_action(
        "accorderie_member_decline", {"id": member_id, "reason": reason},
        tk._("The application was declined."),
    ):
        mail.application_decided(acc, _call("accorderie_member_show", {"id": member_id}), reason)
    return tk.redirect_to("accorderie.staff_applications", name=name)


@accorderie.route("/<name>/staff/members")
def staff_members(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    state = tk.request.args.get("state", "")
    text = tk.request.args.get("q", "").strip()
    number = _page_number()
    query = {key: value for key, value in (("state", state), ("q", text)) if value}
    found = _call("accorderie_member_list", {
        "accorderie_id": acc["id"], "limit": PAGE_SIZE, "offset": (number - 1) * PAGE_SIZE, **query,
    })
    pager = Page(
        collection=found["results"], page=number, item_count=found["count"],
        items_per_page=PAGE_SIZE, presliced_list=True,
        url=lambda q=None, page=1: tk.h.url_for("accorderie.staff_members", name=name, page=page, **query),
    )
    return _render("accorderie/staff_members.html", acc, found=found, pager=pager, state=state, q=text)


@accorderie.route("/<name>/staff/members/register", methods=["GET", "POST"])
def staff_register(name: str) -> Any:
    """Register a person who never uses the portal as an active member."""
    acc = _accorderie(name)
    _require_staff(acc)
    data: dict[str, Any] = {
        "orientation_date": datetime.date.today().strftime("%d/%m/%Y"),
        "language": tk.config.get("ckan.locale_default"),
    }
    errors: dict[str, list[str]] = {}
    if tk.request.method == "POST":
        data = _form_data()
        try:
            member = _call("accorderie_member_register", {
                **{key: value for key, value in data.items() if value}, "accorderie_id": acc["id"],
            })
        except tk.ValidationError as error:
            errors = _errors_of(error)
        else:
            tk.h.flash_success(tk._("{name} is registered as member number {number}.").format(
                name=member["display_name"], number=member["number"]
            ))
            return tk.redirect_to("accorderie.staff_member", name=name, member_id=member["id"])
    return _render(
        "accorderie/staff_register.html", acc, data=data, errors=errors,
        other_errors={key: value for key, value in errors.items() if key not in REGISTER_FIELDS},
    )


@accorderie.route("/<name>/staff/members/<member_id>", methods=["GET", "POST"])
def staff_member(name: str, member_id: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    if tk.request.method == "POST":
        changes = {k: v for k, v in _form_data().items() if k in ("state", "role") and v}
        _post_action("accorderie_member_patch", {"id": member_id, **changes}, tk._("The member was saved."))
        return tk.redirect_to("accorderie.staff_member", name=name, member_id=member_id)
    return _staff_member_page(acc, member_id)


def _staff_member_page(
    acc: dict[str, Any], member_id: str, note: str = "",
    note_errors: Optional[dict[str, list[str]]] = None,
) -> str:
    """Render a member's page for staff: profile, notes and statement.
    ``note`` and ``note_errors`` refill the form of a note that failed."""
    member = _load("accorderie_member_show", {"id": member_id})
    notes = _call("accorderie_member_note_list", {
        "member_id": member_id, "limit": tk.config.get("ckanext.accorderie.list_limit_max"),
    })
    return _render(
        "accorderie/staff_member.html", acc, member=member, notes=notes, note=note,
        note_errors=note_errors or {},
        **_statement_page(member_id, "accorderie.staff_member", name=acc["name"], member_id=member_id),
    )


@accorderie.route("/<name>/staff/members/<member_id>/notes", methods=["POST"])
def staff_note_new(name: str, member_id: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    text = tk.request.form.get("text", "")
    try:
        _call("accorderie_member_note_create", {"member_id": member_id, "text": text})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("This page does not exist."))
    except tk.ValidationError as error:
        return _staff_member_page(acc, member_id, note=text, note_errors=_errors_of(error))
    tk.h.flash_success(tk._("The note was added."))
    return tk.redirect_to("accorderie.staff_member", name=name, member_id=member_id)


@accorderie.route(
    "/<name>/staff/members/<member_id>/notes/<note_id>/delete", methods=["GET", "POST"]
)
def staff_note_delete(name: str, member_id: str, note_id: str) -> Any:
    """Ask for confirmation (GET), then delete the note (POST)."""
    acc = _accorderie(name)
    _require_staff(acc)
    if tk.request.method == "POST":
        _post_action("accorderie_member_note_delete", {"id": note_id}, tk._("The note was deleted."))
        return tk.redirect_to("accorderie.staff_member", name=name, member_id=member_id)

    member = _load("accorderie_member_show", {"id": member_id})
    notes = _call("accorderie_member_note_list", {
        "member_id": member_id, "limit": tk.config.get("ckanext.accorderie.list_limit_max"),
    })["results"]
    note = next((n for n in notes if n["id"] == note_id), None)
    if note is None:
        # NOTE: only the newest list_limit_max notes can be confirmed here.
        return tk.abort(404, tk._("This page does not exist."))
    return _render("accorderie/staff_note_delete.html", acc, member=member, note=note)


@accorderie.route("/<name>/staff/exchanges")
def staff_exchanges(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    lists = {
        state: _call("accorderie_exchange_list", {"accorderie_id": acc["id"], "state": state, "limit": 50})
        for state in ("pending", "settled")
    }
    return _render("accorderie/staff_exchanges.html", acc, lists=lists)


@accorderie.route("/<name>/staff/exchanges/new", methods=["GET", "POST"])
def staff_exchange_new(name: str) -> Any:
    acc = _accorderie(name)
    return _exchange_form(acc, _require_staff(acc), staff=True)


# Reports, CSV exports and printable pages


def _all_rows(action: str, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Read every row of a list action, page by page."""
    limit = tk.config.get("ckanext.accorderie.list_limit_max")
    rows: list[dict[str, Any]] = []
    while True:
        found = _call(action, {**data_dict, "limit": limit, "offset": len(rows)})
        rows.extend(found["results"])
        if not found["results"] or len(rows) >= found["count"]:
            return rows


def _csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> Response:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        output.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@accorderie.route("/<name>/staff/reports")
def staff_reports(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    try:
        months = int(tk.request.args.get("months", 12))
    except ValueError:
        months = 12
    try:
        report = _call("accorderie_report_show", {"accorderie_id": acc["id"], "months": months})
    except tk.ValidationError:
        report = _call("accorderie_report_show", {"accorderie_id": acc["id"]})
    return _render("accorderie/staff_reports.html", acc, report=report, categories=_categories())


@accorderie.route("/<name>/staff/members.csv")
def staff_members_csv(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    members = _all_rows("accorderie_member_list", {"accorderie_id": acc["id"]})
    fields = ["number", "display_name", "state", "role", "neighbourhood", "email", "phone",
              "applied", "approved", "orientation_date"]
    return _csv_response(
        f"accorderie-{acc['name']}-members.csv", fields,
        [[member.get(field) or "" for field in fields] for member in members],
    )


@accorderie.route("/<name>/staff/exchanges.csv")
def staff_exchanges_csv(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    exchanges = _all_rows("accorderie_exchange_list", {"accorderie_id": acc["id"]})
    fields = ["exchange_date", "provider_name", "receiver_name", "minutes", "state",
              "recorded_on_behalf", "reverses_id", "service_id", "note", "id"]
    return _csv_response(
        f"accorderie-{acc['name']}-exchanges.csv", fields,
        [["" if exchange.get(field) is None else exchange[field] for field in fields]
         for exchange in exchanges],
    )


@accorderie.route("/<name>/print/services")
def print_services(name: str) -> Any:
    acc = _accorderie(name)
    services = _all_rows("accorderie_service_list", {"accorderie_id": acc["id"]})
    return _render(
        "accorderie/print_services.html", acc, services=services, categories=_categories(),
        today=datetime.date.today(),
    )


@accorderie.route("/<name>/staff/print/members")
def print_members(name: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    members = _all_rows("accorderie_member_list", {"accorderie_id": acc["id"], "state": "active"})
    return _render("accorderie/print_members.html", acc, members=members, today=datetime.date.today())


@accorderie.route("/<name>/staff/print/members/<member_id>")
def print_statement(name: str, member_id: str) -> Any:
    acc = _accorderie(name)
    _require_staff(acc)
    member = _load("accorderie_member_show", {"id": member_id})
    entries: list[dict[str, Any]] = []
    balance = 0
    while True:
        statement = _call("accorderie_member_statement", {
            "id": member_id, "limit": tk.config.get("ckanext.accorderie.list_limit_max"),
            "offset": len(entries),
        })
        balance = statement["balance"]
        entries.extend(statement["entries"])
        if not statement["entries"] or len(entries) >= statement["count"]:
            break
    return _render(
        "accorderie/print_statement.html", acc, member=member, balance=balance,
        entries=entries, today=datetime.date.today(),
    )
