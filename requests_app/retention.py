"""The retention purge: the only way personal data leaves the portal (docs/RULES.md section 5)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from requests_app.models import PrivacyRequest


def purge_closed(batch: int = 500) -> int:
    """Purge every request closed longer than RETENTION_DAYS ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_DAYS)
    due = PrivacyRequest.objects.filter(closed_at__lt=cutoff, purged_at__isnull=True)
    purged = 0
    while ids := list(due.values_list("pk", flat=True)[:batch]):
        for request in PrivacyRequest.objects.filter(pk__in=ids):
            request.purge()
            purged += 1
    return purged
