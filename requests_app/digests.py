"""The officer's daily digest: one e-mail at their hour instead of a reminder per request.

An officer who chose it (`OfficerPreference`, the admin's "My e-mail") gets, once per
organisation day from their hour on, the requests assigned to them and those assigned to no
one, in four lists: overdue, due today, due soon (within the ladder's first "due soon" step,
`reminders.DUE_BEFORE_DAYS`) and new (confirmed, not yet started). A request stands in one
list, the most urgent; as on the ladder, one whose clock is stopped is due in none. The
per-request reminders of their requests no longer reach them (`reminders.reminder_recipients`);
PRIVACY_OFFICER_EMAIL still gets every one, and the ladder's rows and events are unchanged.

The sweep runs with the reminders' (registered in `hooks.sweeps`): at each run, for every
officer whose hour has come today and who has no digest of today yet. The digest is a row
per officer and day, unique, written in the transaction that queues its e-mail, so that two
sweeps at once send one. A day whose lists are all empty gets its row and no e-mail: the
digest is what stood at the officer's hour, and a request that arrives later waits for the
next day's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import translation

from requests_app import emails, localtime, reminders
from requests_app.models import (
    PENDING_ANSWER,
    Digest,
    OfficerPreference,
    PrivacyRequest,
    Status,
)
from requests_app.reminders import Queued

KIND = "officer_digest"
# Due soon: the days before the due date the ladder first reminds the officer on.
SOON_DAYS = max(reminders.DUE_BEFORE_DAYS)
# Requests shown in one list; the rest are counted and left to the queue. An e-mail of
# thousands of lines helps no one.
LIST_LIMIT = 50


@dataclass(frozen=True)
class Listed:
    """One list of a digest: how many requests are in it, and the first LIST_LIMIT."""

    kind: str
    count: int
    requests: list[PrivacyRequest]


def sweep(now: datetime) -> list[Queued]:
    """Send each digest whose hour has come today; one line per e-mail queued."""
    local = now.astimezone(localtime.zone())
    day = local.date()
    due = (
        OfficerPreference.objects.filter(digest=True, digest_hour__lte=local.hour)
        # Someone who left (no longer active, or no longer staff) hears of no requests.
        .filter(user__is_active=True, user__is_staff=True)
        .exclude(user__email="")
        .exclude(user__digests__day=day)
        .select_related("user")
        .order_by("pk")
    )
    lines: list[Queued] = []
    for preference in due:
        lines += send_digest(preference.user, day)
    return lines


def send_digest(user: AbstractBaseUser, day: date) -> list[Queued]:
    """The user's digest of `day`: recorded once, and e-mailed if it lists anything."""
    with transaction.atomic():
        lists = digest_lists(user, day)
        listed = sum(each.count for each in lists)
        if not Digest.claim(user, day, listed) or not listed:
            return []
        # In the language of the officers' e-mails, which names the types in the context.
        with translation.override(settings.LANGUAGE_CODE):
            context = digest_context(lists, day)
        emails.officer_digest(user.email, context)
    return [Queued(day.isoformat(), KIND, user.email)]


def digest_lists(user: AbstractBaseUser, day: date) -> list[Listed]:
    """Overdue, due today, due soon and new: the user's requests and the unassigned ones."""
    theirs = PrivacyRequest.objects.filter(status__in=PENDING_ANSWER).filter(
        Q(assignee=user) | Q(assignee__isnull=True)
    )
    running = Q(clock_stopped=False)
    soon = day + timedelta(days=SOON_DAYS)
    conditions = {
        "overdue": running & Q(due_on__lt=day),
        "due_today": running & Q(due_on=day),
        "due_soon": running & Q(due_on__gt=day, due_on__lte=soon),
        "new": Q(status=Status.NEW) & ~(running & Q(due_on__lte=soon)),
    }
    counts = theirs.aggregate(
        **{kind: Count("pk", filter=condition) for kind, condition in conditions.items()}
    )
    return [
        Listed(kind, counts[kind], first(theirs.filter(condition)) if counts[kind] else [])
        for kind, condition in conditions.items()
    ]


def first(requests: QuerySet[PrivacyRequest]) -> list[PrivacyRequest]:
    return list(requests.order_by("due_on", "id")[:LIST_LIMIT])


def digest_context(lists: list[Listed], day: date) -> dict:
    """The e-mail's context, JSON: references, types, dates and admin links, no personal data."""
    return {
        "day": day.isoformat(),
        "total": sum(each.count for each in lists),
        "soon_days": SOON_DAYS,
        "queue_url": emails.absolute(reverse("admin:requests_app_privacyrequest_changelist")),
        "lists": [
            {
                "kind": each.kind,
                "count": each.count,
                "more": each.count - len(each.requests),
                "items": [item(request, day) for request in each.requests],
            }
            for each in lists
        ],
    }


def item(request: PrivacyRequest, day: date) -> dict:
    return {
        "reference": request.reference,
        "type": str(request.get_request_type_display()),
        "due_on": request.due_on.isoformat(),
        "days_overdue": (day - request.due_on).days,
        "extendable": reminders.may_still_extend(request),
        "assigned": request.assignee_id is not None,
        "admin_url": emails.admin_url(request),
    }
