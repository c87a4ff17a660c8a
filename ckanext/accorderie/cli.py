"""``ckan accorderie`` commands: ledger audit, category seeding, CSV import.

The commands call the plugin's actions as CKAN's site user; they never
write to the tables directly.
"""
from __future__ import annotations

import csv
import datetime
import logging
import secrets
import sys
from typing import Any, Iterator, Optional

import click
from flask import has_request_context

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import model as acc_model
from . import stats
from .logic import ledger

__all__ = ["accorderie"]

log = logging.getLogger(__name__)

# The default categories: (id, French label, English label).
DEFAULT_CATEGORIES = (
    ("diy", "Bricolage", "DIY"),
    ("gardening", "Jardinage", "Gardening"),
    ("computers", "Informatique", "Computers"),
    ("cooking", "Cuisine", "Cooking"),
    ("sewing", "Couture", "Sewing"),
    ("accompaniment", "Accompagnement", "Accompaniment"),
    ("tutoring", "Soutien scolaire", "Tutoring"),
    ("languages", "Langues", "Languages"),
    ("paperwork", "Démarches administratives", "Paperwork"),
    ("transport", "Transport", "Transport"),
    ("pet-care", "Garde d'animaux", "Pet care"),
    ("housework", "Ménage", "Housework"),
    ("childcare", "Garde d'enfants", "Childcare"),
    ("music", "Musique", "Music"),
)

MEMBER_COLUMNS = ("username", "fullname", "email")
SERVICE_COLUMNS = ("username", "type", "title", "category")


def _site_context(**extra: Any) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True, **extra}


@click.group(short_help="Manage the accorderies: audit, categories, import.")
@click.pass_context
def accorderie(ctx: click.Context) -> None:
    """Manage the accorderies (time banks): audit the ledger, seed the
    categories of services, import members and services."""
    # Messages are translated in a request context, which gives them the
    # portal's default locale; `ckan` stores its Flask app in ctx.meta.
    flask_app = ctx.meta.get("flask_app")
    if flask_app is not None and not has_request_context():
        ctx.with_resource(flask_app.test_request_context())


@accorderie.command()
@click.option("--max-ids", default=100, show_default=True, help="Maximum number of ids listed per failed invariant.")
def audit(max_ids: int) -> None:
    """Check every invariant of the time ledger; exit with status 1 and
    the ids involved when one fails."""
    failures: dict[str, list[str]] = {}
    # One step per query: some queries check several invariants at once.
    with click.progressbar(ledger.AUDIT_STEPS, label=tk._("Checking the ledger")) as bar:
        for step in bar:
            result = tk.get_action("accorderie_ledger_audit")(
                _site_context(), {"invariants": list(step), "max_ids": max_ids}
            )
            failures.update(result["failures"])

    if not failures:
        click.secho(tk._("Ledger audit passed: every invariant holds."), fg="green")
        return

    for name, ids in failures.items():
        click.secho(
            tk._("Invariant failed: {invariant}. Ids: {ids}").format(
                invariant=name, ids=", ".join(ids)
            ),
            fg="red",
            err=True,
        )
    sys.exit(1)


@accorderie.command("seed-categories")
def seed_categories() -> None:
    """Create the default categories of services that are missing."""
    existing = {c["id"] for c in tk.get_action("accorderie_category_list")(_site_context(), {})}
    created = 0
    with click.progressbar(DEFAULT_CATEGORIES, label=tk._("Seeding the categories")) as bar:
        for category_id, label_fr, label_en in bar:
            if category_id in existing:
                continue
            tk.get_action("accorderie_category_create")(
                _site_context(),
                {"id": category_id, "label_fr": label_fr, "label_en": label_en},
            )
            created += 1
    click.echo(
        tk._("{created} categories created, {kept} already present.").format(
            created=created, kept=len(DEFAULT_CATEGORIES) - created
        )
    )


# Import


class RowError(Exception):
    """A CSV row that cannot be imported, with the line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _read_csv(path: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) pairs, with stripped values."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise click.ClickException(
                tk._("{path}: missing columns: {columns}.").format(path=path, columns=", ".join(missing))
            )
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _check_date(line: int, field: str, value: str) -> None:
    if value:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise RowError(line, tk._("{field}: the date {value} is not valid: write it as YYYY-MM-DD.").format(
                field=field, value=value))


def _check_choice(line: int, field: str, value: str, choices: tuple[str, ...]) -> None:
    if value and value not in choices:
        raise RowError(line, tk._("{field}: the value {value} is not allowed: choose one of {choices}.").format(
            field=field, value=value, choices=", ".join(choices)))


def _check_member_row(line: int, row: dict[str, str], accorderie: dict[str, Any], seen: set[str]) -> None:
    for field in MEMBER_COLUMNS:
        if not row.get(field):
            raise RowError(line, tk._("{field}: missing value.").format(field=field))
    if row["username"] in seen:
        raise RowError(line, tk._("username: {value} appears twice in the file.").format(value=row["username"]))
    if "@" not in row["email"]:
        raise RowError(line, tk._("email: the e-mail address is not valid."))
    _check_choice(line, "state", row.get("state", ""), acc_model.MEMBER_STATES)
    _check_date(line, "orientation_date", row.get("orientation_date", ""))
    hood = row.get("neighbourhood", "")
    if hood and accorderie["neighbourhoods"] and hood not in accorderie["neighbourhoods"]:
        raise RowError(line, tk._("neighbourhood: {value} is not one of this accorderie's.").format(value=hood))


def _check_service_row(
    line: int, row: dict[str, str], accorderie: dict[str, Any], usernames: set[str], categories: set[str]
) -> None:
    for field in SERVICE_COLUMNS:
        if not row.get(field):
            raise RowError(line, tk._("{field}: missing value.").format(field=field))
    if row["username"] not in usernames:
        raise RowError(line, tk._("username: {value} is not an active member of this accorderie.").format(
            value=row["username"]))
    _check_choice(line, "type", row["type"], acc_model.SERVICE_TYPES)
    _check_choice(line, "status", row.get("status", ""), acc_model.SERVICE_STATUSES)
    if row["category"] not in categories:
        raise RowError(line, tk._("category: the category {value} does not exist.").format(value=row["category"]))
    _check_date(line, "expires", row.get("expires", ""))
    hood = row.get("neighbourhood", "")
    if hood and accorderie["neighbourhoods"] and hood not in accorderie["neighbourhoods"]:
        raise RowError(line, tk._("neighbourhood: {value} is not one of this accorderie's.").format(value=hood))


def _active_usernames(accorderie_id: str) -> set[str]:
    rows = (
        model.Session.query(model.User.name)
        .join(acc_model.Member, acc_model.Member.user_id == model.User.id)
        .filter(acc_model.Member.accorderie_id == accorderie_id, acc_model.Member.state == "active")
        .all()
    )
    return {name for (name,) in rows}


@accorderie.command("import")
@click.argument("accorderie_name")
@click.option("--members", "members_path", type=click.Path(exists=True, dir_okay=False),
              help="CSV of members: username, fullname, email, and optionally phone, "
                   "neighbourhood, skills, availability, state, orientation_date.")
@click.option("--services", "services_path", type=click.Path(exists=True, dir_okay=False),
              help="CSV of services: username, type, title, category, and optionally "
                   "description, neighbourhood, availability, status, expires.")
@click.option("--skip-errors", is_flag=True,
              help="Import the valid rows even when other rows have errors.")
def import_(accorderie_name: str, members_path: Optional[str], services_path: Optional[str],
            skip_errors: bool) -> None:
    """Import members and services into ACCORDERIE_NAME from CSV files.

    Every row is checked first. When a row has errors, nothing is imported
    unless --skip-errors is given; the errors are listed with their line
    numbers. Users missing from CKAN are created with a random password
    (they set their own with a password reset). Imported members in any
    state but "applicant" (the default state is "active") are approved and
    get the opening credit.

    NOTE: balances and member numbers of the previous tool are not carried
    over: members are numbered in file order and start with the opening
    credit.
    """
    context = _site_context()
    try:
        accorderie = tk.get_action("accorderie_accorderie_show")(context, {"id": accorderie_name})
    except tk.ObjectNotFound as error:
        raise click.ClickException(str(error))

    members, services, errors = _check_files(accorderie, members_path, services_path)
    for path, error in errors:
        click.secho(tk._("{path}, line {line}: {message}").format(
            path=path, line=error.line, message=error.message), fg="red", err=True)
    if errors and not skip_errors:
        click.secho(tk._("Nothing imported: fix the errors above, or use --skip-errors."), fg="red", err=True)
        sys.exit(1)

    try:
        _import_rows(accorderie, members, services)
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        model.Session.rollback()
        raise click.ClickException(tk._("Import failed, nothing imported: {error}").format(error=error))
    model.Session.commit()
    click.echo(tk._("{members} members and {services} services imported.").format(
        members=len(members), services=len(services)))
    if errors:
        sys.exit(1)


def _check_files(
    accorderie: dict[str, Any], members_path: Optional[str], services_path: Optional[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, dict[str, str]]], list[tuple[str, RowError]]]:
    members: list[tuple[int, dict[str, str]]] = []
    services: list[tuple[int, dict[str, str]]] = []
    errors: list[tuple[str, RowError]] = []

    seen: set[str] = set()
    active: set[str] = set()
    if members_path:
        for line, row in _read_csv(members_path, MEMBER_COLUMNS):
            try:
                _check_member_row(line, row, accorderie, seen)
            except RowError as error:
                errors.append((members_path, error))
                continue
            seen.add(row["username"])
            if row.get("state", "active") in ("", "active"):
                active.add(row["username"])
            members.append((line, row))

    if services_path:
        # Only active members may offer or request services.
        usernames = active | _active_usernames(accorderie["id"])
        categories = {c["id"] for c in tk.get_action("accorderie_category_list")(_site_context(), {})}
        for line, row in _read_csv(services_path, SERVICE_COLUMNS):
            try:
                _check_service_row(line, row, accorderie, usernames, categories)
            except RowError as error:
                errors.append((services_path, error))
                continue
            services.append((line, row))
    return members, services, errors


def _import_rows(
    accorderie: dict[str, Any],
    members: list[tuple[int, dict[str, str]]],
    services: list[tuple[int, dict[str, str]]],
) -> None:
    """Import the checked rows in one transaction, committed by the caller."""
    context = lambda: _site_context(defer_commit=True)  # noqa: E731
    member_ids: dict[str, str] = {}

    with click.progressbar(members, label=tk._("Importing the members")) as bar:
        for line, row in bar:
            user = model.User.get(row["username"])
            if user is None:
                tk.get_action("user_create")(context(), {
                    "name": row["username"],
                    "fullname": row["fullname"],
                    "email": row["email"],
                    "password": secrets.token_urlsafe(24),
                })
                user = model.User.get(row["username"])
            member = tk.get_action("accorderie_member_apply")(context(), {
                "accorderie_id": accorderie["id"],
                "user_id": user.id,
                "email": row["email"],
                **{f: row[f] for f in ("phone", "neighbourhood", "skills", "availability") if row.get(f)},
            })
            state = row.get("state") or "active"
            if state != "applicant":
                tk.get_action("accorderie_member_approve")(context(), {
                    "id": member["id"],
                    **({"orientation_date": row["orientation_date"]} if row.get("orientation_date") else {}),
                })
            if state in ("suspended", "left"):
                tk.get_action("accorderie_member_patch")(context(), {"id": member["id"], "state": state})
            member_ids[row["username"]] = member["id"]
            log.debug("Imported member %s from line %s", member["id"], line)

    if services:
        for member_id, name in (
            model.Session.query(acc_model.Member.id, model.User.name)
            .join(model.User, model.User.id == acc_model.Member.user_id)
            .filter(acc_model.Member.accorderie_id == accorderie["id"])
        ):
            member_ids.setdefault(name, member_id)

    with click.progressbar(services, label=tk._("Importing the services")) as bar:
        for line, row in bar:
            tk.get_action("accorderie_service_create")(context(), {
                "member_id": member_ids[row["username"]],
                "type": row["type"],
                "title": row["title"],
                "category_id": row["category"],
                **{f: row[f] for f in ("description", "neighbourhood", "availability", "status", "expires")
                   if row.get(f)},
            })
            log.debug("Imported a service from line %s", line)


# Statistics


@accorderie.command("publish-stats")
@click.option("--month", help="Month to publish, YYYY-MM. Default: the last finished month.")
@click.option("--all", "all_months", is_flag=True,
              help="Publish every month from the first activity to the last.")
def publish_stats(month: Optional[str], all_months: bool) -> None:
    """Publish the accorderies' monthly statistics as an open dataset.

    Publishing a month again replaces its rows.
    """
    if not month and not all_months:
        month = stats.latest_complete_month()
    data: dict[str, Any] = {"all": all_months}
    if month:
        data["month"] = month
    try:
        result = tk.get_action("accorderie_stats_publish")(_site_context(), data)
    except tk.ValidationError as error:
        for field, messages in error.error_dict.items():
            click.echo(f"{field}: {' '.join(str(m) for m in messages)}", err=True)
        sys.exit(2)
    click.echo(
        tk._("{rows} rows published in the dataset {dataset} for {months} month(s).").format(
            rows=result["rows"], dataset=result["dataset"], months=len(result["months"])
        )
    )
