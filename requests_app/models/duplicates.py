"""Duplicates: confirmed requests that await their answer, from one address, of one type.

Found when asked, from the address's key (`addresses.key`: any letters' case) and the type
of the requests that await their answer (request_pending_key_idx), never stored: no flag to
go stale when either request moves on. Filing and confirming never ask, so a suspected
duplicate blocks no one (a filing refused for one would let anyone who knows an address lock
its owner out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from requests_app.models.states import PENDING_ANSWER

if TYPE_CHECKING:
    from requests_app.models.request import PrivacyRequest


class RequestDuplicates:
    """What `PrivacyRequest` (mixed into it) knows of its duplicates."""

    @classmethod
    def possible_duplicates(cls) -> QuerySet[PrivacyRequest]:
        """The requests that await their answer while another of the same address and type
        does too.

        The `Exists` says it. On its own it would probe the key's index once for every
        request awaiting an answer (77,000 at a million requests: a second); the keys that
        such requests share, found first in one pass of request_pending_key_idx (40 ms),
        leave it a few rows to ask. The queue filters by the ids of those few (`pk__in`):
        its own index holds the ids, so that "no duplicate" counts the open requests without
        reading their rows.
        """
        pending = cls.objects.filter(status__in=PENDING_ANSWER)
        shared_keys = (
            pending.values("email_key", "request_type")
            .annotate(requests=Count("*"))
            .filter(requests__gt=1)
            .values("email_key")
        )
        others = pending.filter(
            email_key=OuterRef("email_key"), request_type=OuterRef("request_type")
        ).exclude(pk=OuterRef("pk"))
        # A purged request has no key; it is closed too, but "" must never match "".
        return (
            pending.exclude(email_key="").filter(email_key__in=shared_keys).filter(Exists(others))
        )

    def open_duplicates(self) -> QuerySet[PrivacyRequest]:
        """The other requests of this address and type that await their answer, the first
        received first; none unless this one awaits its answer too."""
        if not self.awaits_answer or not self.email_key:
            return type(self).objects.none()
        return (
            type(self)
            .objects.filter(
                email_key=self.email_key,
                request_type=self.request_type,
                status__in=PENDING_ANSWER,
            )
            .exclude(pk=self.pk)
            .order_by("received_at", "pk")
        )

    def earlier_duplicates(self) -> QuerySet[PrivacyRequest]:
        """The open duplicates received before this one: those it may be closed as a
        duplicate of (the later of two is closed, the first goes on)."""
        return self.open_duplicates().filter(
            Q(received_at__lt=self.received_at) | Q(received_at=self.received_at, pk__lt=self.pk)
        )

    def duplicate_refusal(self, original: PrivacyRequest) -> str | None:
        """Why this request may not be closed as a duplicate of `original` now, or None.

        The move asks it of both rows locked: each may have moved since the officer looked.
        """
        if not original.awaits_answer:
            return gettext(
                "%(original)s is now “%(status)s”: this request can no longer be closed as its "
                "duplicate. Someone may have changed it a moment ago."
            ) % {"original": original.reference, "status": original.get_status_display()}
        same = (
            original.pk != self.pk
            and self.email_key != ""
            and original.email_key == self.email_key
            and original.request_type == self.request_type
        )
        if not same:
            return gettext(
                "%(original)s is not a request of the same e-mail address and type as "
                "%(reference)s."
            ) % {"original": original.reference, "reference": self.reference}
        if (original.received_at, original.pk) > (self.received_at, self.pk):
            return gettext(
                "%(original)s came after %(reference)s: close the later request as a duplicate "
                "of the earlier one."
            ) % {"original": original.reference, "reference": self.reference}
        return None
