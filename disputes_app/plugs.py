"""What the disputes app adds to the requests' pages, through requests_app.hooks."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from disputes_app.models import Dispute, Outcome, RecourseBody
from requests_app import report


def escalation_url(token: str) -> str:
    """The escalate page of the request behind a status token."""
    return reverse("disputes:escalate", args=[token])


def default_body_name() -> str | None:
    """The name of the default recourse body, as its row in the admin has it."""
    return RecourseBody.objects.filter(is_default=True).values_list("name", flat=True).first()


def dashboard_section(http_request: HttpRequest) -> SafeString:
    """The open disputes on the officer's dashboard, for staff who may see disputes."""
    if not http_request.user.has_perm("disputes_app.view_dispute"):
        return mark_safe("")  # noqa: S308
    open_disputes = Dispute.objects.exclude(status=Dispute.Status.CLOSED).filter(outcome="")
    context = {
        "open_count": open_disputes.count(),
        "url": reverse("admin:disputes_app_dispute_changelist") + "?outcome__exact=",
    }
    return render("admin/disputes_app/dashboard.html", context)


def report_section(period: report.Period) -> report.Table:
    """The period's escalations by outcome, in the figures: how many went to a recourse body
    and what became of them."""
    counts = dict(
        Dispute.objects.filter(**period.of("filed_at"))
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    rows = [[str(label).capitalize(), counts.get(value, 0)] for value, label in Outcome.choices]
    rows.append([gettext("Not decided yet"), counts.get("", 0)])
    rows.append([gettext("Escalated in all"), sum(counts.values())])
    return report.Table(
        "disputes",
        gettext("Escalations to a recourse body, by outcome"),
        [gettext("outcome"), gettext("disputes")],
        rows,
    )


def render(template: str, context: dict) -> SafeString:
    # The templates escape what they show; the section is inserted as it is rendered.
    return mark_safe(render_to_string(template, context))  # noqa: S308
