"""Every e-mail the portal sends and the variables its templates get: the list the officer's
own texts (models/email_texts.py) are chosen from, checked against and previewed with.

The files in templates/emails/ get the request itself; an officer's text gets only the fields
of it listed here (`request.reference`, …), so that it reaches nothing else: no name, no
address, no related rows. An app that sends e-mails of its own lists them in
`hooks.email_kinds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from requests_app import hooks, localtime
from requests_app.models.links import AccessLink

# Who an e-mail goes to: the groups of the officer's list of e-mails.
TO_REQUESTER = _("To the requester")
TO_OFFICER = _("To the privacy officer")
TO_OTHERS = _("To processors and recourse bodies")
AUDIENCES = (TO_REQUESTER, TO_OFFICER, TO_OTHERS)

# Links in samples lead nowhere: a check or a preview must not hand out a working secret.
SAMPLE_LINK_PART = "SAMPLE"


@dataclass(frozen=True)
class Variable:
    """A value a template may use, as the template writes it: `status_url`, `request.due_on`."""

    name: str
    description: Promise
    # A value for checks and previews; the request's fields are read from a request instead.
    sample: Callable[[], Any] | None = None
    read: Callable[[Any], Any] | None = None

    @property
    def tag(self) -> str:
        return "{{ " + self.name + " }}"


@dataclass(frozen=True)
class EmailKind:
    """One e-mail: its templates are templates/emails/<name>_subject.txt, .txt and .html."""

    name: str
    label: Promise
    to: Promise
    variables: tuple[Variable, ...] = ()
    about_a_request: bool = True

    @property
    def all_variables(self) -> tuple[Variable, ...]:
        return (*EVERY_EMAIL, *(REQUEST if self.about_a_request else ()), *self.variables)

    def sample_values(self) -> dict[str, Any]:
        """The e-mail's own values (those besides the request) as a sample."""
        return {variable.name: variable.sample() for variable in self.variables if variable.sample}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def sample_link(name: str) -> Callable[[], str]:
    return lambda: absolute(reverse(name, args=[SAMPLE_LINK_PART]))


def sample_admin_link(model: str) -> Callable[[], str]:
    return lambda: absolute(reverse(f"admin:{model}_change", args=[123]))


def sample_escalation_link() -> str:
    path = hooks.escalation_url(SAMPLE_LINK_PART)
    return absolute(path) if path else ""


EVERY_EMAIL = (
    Variable(
        "organisation_name",
        _("The organisation's name"),
        lambda: settings.ORGANISATION_NAME,
    ),
    Variable("site_url", _("The portal's address"), lambda: settings.SITE_URL),
)

REQUEST = (
    Variable(
        "request.reference",
        _("The request's reference, such as DSR-2026-000123"),
        read=lambda request: request.reference,
    ),
    Variable(
        "request.type",
        _("What was asked for, in words: access to the data, erasure, …"),
        read=lambda request: request.get_request_type_display(),
    ),
    Variable(
        "request.received_at",
        _("When the request was received (a date and time)"),
        read=lambda request: request.received_at,
    ),
    Variable(
        "request.due_on",
        _("The day the answer is due (a date)"),
        read=lambda request: request.due_on,
    ),
    Variable(
        "request.extension_reason",
        _("Why the time to answer was extended; empty unless it was"),
        read=lambda request: request.extension_reason,
    ),
)

STATUS_URL = Variable(
    "status_url",
    _("The link to the requester's private status page; anyone who has it can see the request"),
    sample_link("requests:status"),
)
VERIFY_URL = Variable(
    "verify_url",
    _("The link that confirms the e-mail address; it works once"),
    sample_link("requests:verify"),
)
HOURS = Variable(
    "hours",
    _("How many hours a confirmation link works"),
    lambda: AccessLink.VERIFY_HOURS,
)
ADMIN_URL = Variable(
    "admin_url",
    _("The link to the request in the back office"),
    sample_admin_link("requests_app_privacyrequest"),
)
SYSTEM = Variable("system", _("The system's name"), lambda: "Newsletter")
DEADLINE = Variable(
    "deadline",
    _("The day the reminder is about, as 2026-05-31"),
    lambda: (localtime.today() + timedelta(days=3)).isoformat(),
)


REQUESTS_EMAILS = (
    EmailKind(
        "confirm_address",
        _("Please confirm your e-mail address (on filing)"),
        TO_REQUESTER,
        (VERIFY_URL, HOURS),
    ),
    EmailKind(
        "acknowledgement",
        _("We are working on your request (once the address is confirmed)"),
        TO_REQUESTER,
        (STATUS_URL,),
    ),
    EmailKind(
        "closed_as_duplicate",
        _("Closed as a duplicate: the request goes on as another of the same requester's"),
        TO_REQUESTER,
        (
            Variable(
                "original",
                _("The reference of the request that goes on"),
                lambda: "DSR-2026-000122",
            ),
            Variable(
                "status_url",
                _("The link to the private status page of the request that goes on"),
                sample_link("requests:status"),
            ),
        ),
    ),
    EmailKind(
        "team_message", _("A new message from the privacy team"), TO_REQUESTER, (STATUS_URL,)
    ),
    EmailKind("asked", _("We need something from you"), TO_REQUESTER, (STATUS_URL,)),
    EmailKind("extended", _("We need more time to answer"), TO_REQUESTER, (STATUS_URL,)),
    EmailKind("answered", _("Our answer to your request"), TO_REQUESTER, (STATUS_URL,)),
    EmailKind("refused", _("Our decision on your request (refused)"), TO_REQUESTER, (STATUS_URL,)),
    EmailKind(
        "lost_links",
        _("Your links to your privacy requests"),
        TO_REQUESTER,
        (
            Variable(
                "items",
                _(
                    "The requests, for a loop over them: each item has item.reference, "
                    "item.url and item.purpose (verify: the address is not confirmed yet; "
                    "status: the status page)"
                ),
                lambda: [
                    {
                        "reference": "DSR-2026-000123",
                        "purpose": "status",
                        "url": sample_link("requests:status")(),
                    }
                ],
            ),
            HOURS,
        ),
        about_a_request=False,
    ),
    EmailKind(
        "reminder_confirm_email",
        _("Reminder: please confirm your e-mail address"),
        TO_REQUESTER,
        (VERIFY_URL, HOURS),
    ),
    EmailKind(
        "reminder_waiting",
        _("Reminder: we are waiting for your answer"),
        TO_REQUESTER,
        (STATUS_URL,),
    ),
    EmailKind(
        "reminder_late",
        _("Our answer is late"),
        TO_REQUESTER,
        (
            STATUS_URL,
            Variable(
                "escalate_url",
                _("The link to take the complaint further; empty when no recourse is offered"),
                sample_escalation_link,
            ),
        ),
    ),
    EmailKind(
        "reminder_lapsed",
        _("Your request was closed (the address was not confirmed)"),
        TO_REQUESTER,
        (
            Variable(
                "new_url",
                _("The link to the form for a new request"),
                lambda: absolute(reverse("requests:new")),
            ),
        ),
    ),
    EmailKind(
        "officer_message",
        _("New message from the requester"),
        TO_OFFICER,
        (ADMIN_URL,),
    ),
    EmailKind("officer_withdrawn", _("Withdrawn by the requester"), TO_OFFICER, (ADMIN_URL,)),
    EmailKind(
        "officer_digest",
        _("An officer's digest of the day, instead of a reminder per request"),
        TO_OFFICER,
        (
            Variable("day", _("The day of the digest"), lambda: "2026-03-02"),
            Variable("total", _("How many requests the digest lists"), lambda: 1),
            Variable(
                "soon_days",
                _("How many days ahead “due soon” looks"),
                lambda: 7,
            ),
            Variable(
                "lists",
                _(
                    "The lists, for a loop: each has list.kind (overdue, due_today, due_soon, "
                    "new), list.count, list.more (not shown) and list.items; each item has "
                    "item.reference, item.type, item.due_on, item.days_overdue, "
                    "item.extendable, item.assigned and item.admin_url"
                ),
                lambda: [
                    {
                        "kind": "due_soon",
                        "count": 1,
                        "more": 0,
                        "items": [
                            {
                                "reference": "DSR-2026-000123",
                                "type": str(_("Access: a copy of my data and how it is used")),
                                "due_on": "2026-03-06",
                                "days_overdue": -4,
                                "extendable": True,
                                "assigned": True,
                                "admin_url": sample_admin_link("requests_app_privacyrequest")(),
                            }
                        ],
                    }
                ],
            ),
            Variable(
                "queue_url",
                _("The officer's queue in the admin"),
                lambda: absolute(reverse("admin:requests_app_privacyrequest_changelist")),
            ),
        ),
        about_a_request=False,
    ),
    EmailKind(
        "officer_reminder",
        _("A request's deadline: new, due soon, due today, overdue, last days to extend"),
        TO_OFFICER,
        (
            Variable(
                "reminder",
                _(
                    "Which reminder: new_request, due_soon, due_today, overdue or "
                    "extension_deadline"
                ),
                lambda: "due_soon",
            ),
            DEADLINE,
            ADMIN_URL,
        ),
    ),
    EmailKind(
        "officer_system_waiting",
        _("A system has not answered"),
        TO_OFFICER,
        (
            Variable(
                "admin_url",
                _("The link to the run in the back office"),
                sample_admin_link("requests_app_systemrun"),
            ),
            SYSTEM,
            Variable("days", _("How many days ago it was asked"), lambda: 7),
        ),
    ),
    EmailKind(
        "processor_request",
        _("Request for assistance to a processor"),
        TO_OTHERS,
        (
            SYSTEM,
            Variable("action", _("What is asked: access or erasure"), lambda: "access"),
            Variable("requester_name", _("The requester's name"), lambda: "Erika Mustermann"),
            Variable(
                "requester_email",
                _("The requester's e-mail address"),
                lambda: "erika@example.org",
            ),
            Variable(
                "reply_to",
                _("The address the processor replies to"),
                lambda: settings.DEFAULT_FROM_EMAIL,
            ),
            Variable(
                "organisation",
                _("The organisation's name"),
                lambda: settings.ORGANISATION_NAME,
            ),
        ),
    ),
)


def all_kinds() -> dict[str, EmailKind]:
    """Every e-mail by name: the requests' own, then those other apps list."""
    kinds = {kind.name: kind for kind in REQUESTS_EMAILS}
    for more in hooks.email_kinds:
        kinds |= {kind.name: kind for kind in more()}
    return kinds


def find(name: str) -> EmailKind | None:
    return all_kinds().get(name)


def choices() -> list[tuple[Promise, list[tuple[str, Promise]]]]:
    """The e-mails grouped by who they go to (the model field's choices)."""
    kinds = all_kinds().values()
    return [
        (audience, [(kind.name, kind.label) for kind in kinds if kind.to is audience])
        for audience in AUDIENCES
    ]


def request_values(request: Any) -> dict[str, Any]:
    """Of a request, the fields an officer's text may use, under the names it uses."""
    return {
        variable.name.removeprefix("request."): variable.read(request)
        for variable in REQUEST
        if variable.read
    }


def text_context(values: dict[str, Any], request: Any = None) -> dict[str, Any]:
    """What an officer's text is rendered with: the e-mail's values and its request's fields."""
    context = {
        "site_url": settings.SITE_URL,
        "organisation_name": settings.ORGANISATION_NAME,
        **values,
    }
    if request is not None:
        context["request"] = request_values(request)
    return context
