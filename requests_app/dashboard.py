"""The officer's dashboard: what needs attention, each count one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from requests_app import localtime
from requests_app.models import PENDING_ANSWER, PrivacyRequest, Status


@dataclass(frozen=True)
class Tile:
    label: str
    count: int
    url: str
    urgent: bool = False


def tiles() -> list[Tile]:
    today = localtime.today()
    start_of_today = localtime.start_of(today)
    pending = PrivacyRequest.objects.filter(status__in=PENDING_ANSWER)
    rows = [
        (_("Overdue"), pending.filter(due_on__lt=today), "due=overdue", True),
        (
            _("Due within 7 days"),
            pending.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7)),
            "due=week",
            False,
        ),
        (
            _("Waiting for the requester"),
            PrivacyRequest.objects.filter(status=Status.WAITING),
            "waiting=yes",
            False,
        ),
        (
            _("Awaiting e-mail confirmation"),
            PrivacyRequest.objects.filter(status=Status.UNCONFIRMED),
            "status__exact=unconfirmed",
            False,
        ),
        (
            _("New today"),
            PrivacyRequest.objects.filter(received_at__gte=start_of_today),
            "open=all&received=today",
            False,
        ),
    ]
    changelist = reverse("admin:requests_app_privacyrequest_changelist")
    return [
        Tile(str(label), queryset.count(), f"{changelist}?{query}", urgent)
        for label, queryset, query, urgent in rows
    ]
