"""The disputes' parts of the officer's dashboard and of the yearly figures."""

from django import template
from django.db.models import Count
from django.urls import reverse

from disputes_app.models import Dispute, Outcome
from requests_app import localtime

register = template.Library()


@register.inclusion_tag("admin/disputes_app/dashboard.html")
def disputes_dashboard() -> dict:
    open_disputes = Dispute.objects.exclude(status=Dispute.Status.CLOSED).filter(outcome="")
    url = reverse("admin:disputes_app_dispute_changelist") + "?outcome__exact="
    return {"open_count": open_disputes.count(), "url": url}


@register.inclusion_tag("admin/disputes_app/by_outcome.html")
def disputes_by_outcome(year: int) -> dict:
    counts = dict(
        Dispute.objects.filter(**localtime.in_year("filed_at", year))
        .values_list("outcome")
        .annotate(n=Count("id"))
    )
    rows = [(label, counts.get(value, 0)) for value, label in Outcome.choices]
    return {"rows": rows, "pending": counts.get("", 0)}
