"""E-mails of the accorderie, sent through CKAN's mailer.

The pages call these functions after an action succeeded. A mail that
cannot be sent is logged and never undoes the action. Each mail is written
in the recipient's language (``language`` of their member row), or in the
portal's default language when the member has none: the text, the dates
(Babel's long form, such as ``5 décembre 2026`` or ``December 5, 2026``,
with ``1er décembre 2026`` for the first day of a month in French) and
the links, which carry CKAN's locale prefix (``/en/...``) for a language
other than the default.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from flask_babel import force_locale

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from .helpers import accorderie_format_date, accorderie_format_minutes

__all__ = [
    "application_received",
    "application_decided",
    "exchange_waiting",
    "exchange_settled",
]

log = logging.getLogger(__name__)


def _trusted_member(member_id: str) -> dict[str, Any]:
    """Read a member as trusted code: the mail needs their address."""
    return tk.get_action("accorderie_member_show")({"ignore_auth": True}, {"id": member_id})


def _address(member: dict[str, Any]) -> Optional[tuple[str, str]]:
    """Return the name and address a member is written to, if any."""
    user = model.User.get(member["user_id"]) if member.get("user_id") else None
    email = member.get("email") or (user.email if user else None)
    if not email:
        return None
    return member.get("display_name") or "", email


# A part of a mail: a callable that takes the mail's locale code and
# returns the text, called while that locale is forced so that it is
# translated into it.
MailText = Callable[[str], str]


def _send(member: dict[str, Any], subject: MailText, body: MailText) -> None:
    """Send a mail to a member, written in the member's language."""
    address = _address(member)
    if address is None:
        log.debug("Member %s has no e-mail address; no mail sent", member["id"])
        return
    language = member.get("language") or tk.config.get("ckan.locale_default")
    with force_locale(language):
        subject_text, body_text = subject(language), body(language)
    try:
        mailer.mail_recipient(address[0], address[1], subject_text, body_text)
    except mailer.MailerException as error:
        log.warning("Sending the mail %r to member %s failed: %s", subject_text, member["id"], error)


def _account_url(acc: dict[str, Any], language: str) -> str:
    """Return the link to the account page, in the pages of ``language``.
    CKAN's url_for adds a prefix such as ``/fr/`` for every locale but the
    one named ``default``, and the default language needs none."""
    if language == tk.config.get("ckan.locale_default"):
        language = "default"
    return tk.h.url_for("accorderie.account", name=acc["name"], _external=True, locale=language)


def _date(value: Any) -> str:
    """Format a date in the long form of the locale forced by _send."""
    return accorderie_format_date(value)


def application_received(acc: dict[str, Any], member: dict[str, Any]) -> None:
    _send(
        member,
        lambda language: tk._("Your application to {accorderie} was received").format(
            accorderie=acc["title"]
        ),
        lambda language: tk._(
            "Hello,\n\nYour application to {accorderie} was received, with the member "
            "number {number}. The staff will invite you to an orientation meeting; your "
            "membership starts after it.\n"
        ).format(accorderie=acc["title"], number=member["number"]),
    )


def application_decided(acc: dict[str, Any], member: dict[str, Any], reason: Optional[str]) -> None:
    """Tell an applicant that they were approved, or declined and why."""
    member = _trusted_member(member["id"])
    if reason is None:
        subject = lambda language: tk._("Welcome to {accorderie}").format(accorderie=acc["title"])  # noqa: E731
        body = lambda language: tk._(  # noqa: E731
            "Hello,\n\nYour membership of {accorderie} is approved: you received {credit} "
            "to start exchanging. Your account: {url}\n"
        ).format(
            accorderie=acc["title"], credit=accorderie_format_minutes(acc["opening_credit"]),
            url=_account_url(acc, language),
        )
    else:
        subject = lambda language: tk._("Your application to {accorderie}").format(accorderie=acc["title"])  # noqa: E731
        body = lambda language: tk._(  # noqa: E731
            "Hello,\n\nYour application to {accorderie} was declined, for this reason:\n\n"
            "{reason}\n"
        ).format(accorderie=acc["title"], reason=reason)
    _send(member, subject, body)


def exchange_waiting(acc: dict[str, Any], exchange: dict[str, Any]) -> None:
    """Ask the party who did not record an exchange to confirm it."""
    other_id = (
        exchange["receiver_id"] if exchange["recorded_by_id"] == exchange["provider_id"]
        else exchange["provider_id"]
    )
    if exchange["recorded_on_behalf"]:
        # Staff confirm what they record on behalf of a member, so no
        # member is asked.
        return
    _send(
        _trusted_member(other_id),
        lambda language: tk._("An exchange is waiting for your confirmation"),
        lambda language: tk._(
            "Hello,\n\n{provider} gave {duration} to {receiver} on {date}. Confirm or "
            "reject this exchange on your account: {url}\n"
        ).format(
            provider=exchange["provider_name"], receiver=exchange["receiver_name"],
            duration=accorderie_format_minutes(exchange["minutes"]),
            date=_date(exchange["exchange_date"]), url=_account_url(acc, language),
        ),
    )


def exchange_settled(acc: dict[str, Any], exchange: dict[str, Any]) -> None:
    """Tell both parties that an exchange moved hours between them."""
    for member_id in (exchange["provider_id"], exchange["receiver_id"]):
        _send(
            _trusted_member(member_id),
            lambda language: tk._("An exchange was settled"),
            lambda language: tk._(
                "Hello,\n\nThe exchange of {duration} between {provider} and {receiver} "
                "on {date} is settled. Your account: {url}\n"
            ).format(
                provider=exchange["provider_name"], receiver=exchange["receiver_name"],
                duration=accorderie_format_minutes(exchange["minutes"]),
                date=_date(exchange["exchange_date"]), url=_account_url(acc, language),
            ),
        )
