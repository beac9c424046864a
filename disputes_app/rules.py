"""When a requester may escalate, and to which body (docs/RULES.md section 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from disputes_app.models import EEA, RecourseBody
from requests_app import deadlines
from requests_app.models import FINAL_ANSWERS, PENDING_ANSWER, PrivacyRequest, Status


@dataclass(frozen=True)
class Escalation:
    allowed: bool
    why: str
    # Where not yet allowed: the first day it will be, when that is known.
    from_date: date | None = None


def may_escalate(request: PrivacyRequest, today: date) -> Escalation:
    """Open when a due date passed with no final answer, after a refusal or an answer the
    requester is not satisfied with, or when a complaint stayed unresolved for 45 days."""
    if request.status in FINAL_ANSWERS or (
        request.status == Status.CLOSED and request.answered_at is not None
    ):
        if request.status == Status.REFUSED or request.refusal_reason:
            return Escalation(True, _("We refused your request, fully or in part."))
        return Escalation(True, _("You may escalate if our answer did not satisfy you."))
    if request.status in PENDING_ANSWER:
        if request.clock_stopped:
            return Escalation(
                False,
                _(
                    "We are waiting for your answer to our question; the time to answer runs again "
                    "once you have answered."
                ),
            )
        if today > request.due_on:
            return Escalation(True, _("We did not answer by the due date."))
        return Escalation(
            False,
            _(
                "Our answer is not due yet. If it has not come by the due date, you can escalate "
                "from the day after."
            ),
            request.due_on + timedelta(days=1),
        )
    if request.status == Status.UNCONFIRMED:
        return Escalation(False, _("Please confirm your e-mail address first."))
    if request.duplicate_of_id is not None:
        return Escalation(
            False,
            _(
                "This request was closed as a duplicate of another of yours, which goes on: "
                "escalate from that one's status page."
            ),
        )
    return Escalation(
        False, _("This request was withdrawn or lapsed: there is nothing to escalate.")
    )


def employment_group(country: str) -> str | None:
    """The group a workplace's country belongs to for employment-data complaints, as bodies
    list it in `employment_countries`: the EU/EEA (with the EU's territories), the UK,
    Gibraltar or Switzerland; None outside them."""
    country = country.strip().upper()
    if country in deadlines.GDPR_COUNTRIES:
        return EEA
    if country in {deadlines.UNITED_KINGDOM, deadlines.GIBRALTAR, deadlines.SWITZERLAND}:
        return country
    return None


def framework(country: str) -> str:
    """Which part of the Data Privacy Framework covers a requester from this country."""
    country = country.strip().upper()
    if country in deadlines.UK_RULES_COUNTRIES:
        return "uk_extension"
    if country == deadlines.SWITZERLAND:
        return "swiss_us"
    return "eu_us"


def body_for(country: str, employment_data: bool, employment_country: str = "") -> RecourseBody:
    """The one body a complaint goes to: the default body, or for employment data *instead*
    the authority route of the country where the person works (the requester's country when
    they name none); the default body when no authority takes complaints from there."""
    if employment_data:
        group = employment_group(employment_country or country)
        route = RecourseBody.objects.filter(employment_countries__iexact=group).first()
        if group is not None and route is not None:
            return route
    return RecourseBody.objects.get(is_default=True)
