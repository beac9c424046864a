"""The retention purge: the only way personal data leaves the portal (docs/RULES.md section 5)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from requests_app import append_only
from requests_app.models import (
    PrivacyRequest,
    RequestEvent,
    TransitionNotAllowed,
    private_storage,
)

# Free text that events carry, written about the requester: the purge removes it.
EVENT_FREE_TEXT = {
    RequestEvent.Kind.EXTENDED: "reason",
    RequestEvent.Kind.ANSWERED: "why",
    RequestEvent.Kind.SYSTEM_FAILED: "error",
}


def purge_closed(batch: int = 500) -> int:
    """Purge every request closed longer than RETENTION_DAYS ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_DAYS)
    due = PrivacyRequest.objects.filter(closed_at__lt=cutoff, purged_at__isnull=True)
    purged = 0
    while ids := list(due.values_list("pk", flat=True)[:batch]):
        for privacy_request in PrivacyRequest.objects.filter(pk__in=ids):
            purge(privacy_request)
            purged += 1
    return purged


def purge(privacy_request: PrivacyRequest) -> None:
    """Remove the personal data of a closed request; keep what the figures need."""
    with transaction.atomic():
        privacy_request.lock()
        if privacy_request.closed_at is None or privacy_request.purged_at is not None:
            raise TransitionNotAllowed(
                f"{privacy_request.reference}: not closed, or purged already"
            )
        for answer_file in privacy_request.files.all():
            answer_file.file.delete(save=False)
        privacy_request.files.all().delete()
        privacy_request.messages.all().delete()
        privacy_request.links.all().delete()
        privacy_request.emails.all().delete()
        purge_runs(privacy_request)
        privacy_request.identity_checks.update(note="")
        privacy_request.tasks.update(outcome="", not_told_reason="")
        privacy_request.full_name, privacy_request.email, privacy_request.details = "", "", ""
        privacy_request.ip_address, privacy_request.extension_reason = None, ""
        privacy_request.submission_key = f"purged-{privacy_request.pk}"
        privacy_request.purged_at = timezone.now()
        privacy_request.save(
            update_fields=[
                "full_name",
                "email",
                "details",
                "ip_address",
                "extension_reason",
                "submission_key",
                "purged_at",
                "updated_at",
            ]
        )
        scrubbed = scrub_events(privacy_request)
        privacy_request.record(RequestEvent.Kind.PURGED, data={"events_scrubbed": scrubbed})


def purge_runs(privacy_request: PrivacyRequest) -> None:
    """The data the connectors collected: files, previews, replies. Each part keeps its
    counts per table, which hold no personal data: the evidence of what was done."""
    storage = private_storage()
    for run in privacy_request.runs.all():
        if run.package:
            run.package.delete(save=False)
        for part in run.parts.all():
            for name in [part.result_path, *(file["path"] for file in part.files)]:
                if name:
                    storage.delete(name)
        run.parts.update(preview={}, result_path="", reply="", files=[], error="")
    privacy_request.runs.update(package="")


def scrub_events(privacy_request: PrivacyRequest) -> int:
    """Take the free text written about the requester out of its events; how many.

    The one change events ever undergo, through the purge's own way past the database's
    append-only trigger.
    """
    scrubbed = 0
    with append_only.retention_purge():
        for event in privacy_request.events.filter(kind__in=EVENT_FREE_TEXT):
            key = EVENT_FREE_TEXT[event.kind]
            if key in event.data:
                data = {name: value for name, value in event.data.items() if name != key}
                RequestEvent.objects.filter(pk=event.pk).update(data=data)
                scrubbed += 1
    return scrubbed
