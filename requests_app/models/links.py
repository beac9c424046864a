"""Private links sent by e-mail: only the hash of each token is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessLink(models.Model):
    """A private link sent by e-mail. Only the hash of its token is stored."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("confirm the e-mail address")
        STATUS = "status", _("status page")

    # How long a confirmation link works: three days outlast a weekend away from the mailbox;
    # after that the reminders and the lost-link page send fresh ones.
    VERIFY_HOURS = 72

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="links"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    # Unique by a constraint (below), not `unique=True`: on PostgreSQL that would add a
    # second, pattern-matching index no query uses, written on every filing.
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("private link")
        verbose_name_plural = _("private links")
        constraints = [models.UniqueConstraint(fields=["token_hash"], name="link_token_hash_key")]

    def __str__(self) -> str:
        return f"{self.request} {self.purpose}"

    @classmethod
    def issue(cls, request: Any, purpose: str) -> str:
        """Create a link and return its token (256 bits); the token itself is never stored."""
        link, token = cls.build(request, purpose)
        link.save()
        return token

    @classmethod
    def build(cls, request: Any, purpose: str) -> tuple[AccessLink, str]:
        """An unsaved link and its token, for a caller that writes the row with others."""
        token = secrets.token_urlsafe(32)
        expires_at = None
        if purpose == cls.Purpose.VERIFY:
            expires_at = timezone.now() + timedelta(hours=cls.VERIFY_HOURS)
        link = cls(
            request=request, purpose=purpose, token_hash=hash_token(token), expires_at=expires_at
        )
        return link, token

    @classmethod
    def find(cls, token: str, purpose: str) -> AccessLink | None:
        if not 32 <= len(token) <= 64:
            return None
        wanted = hash_token(token)
        link = (
            cls.objects.select_related("request").filter(token_hash=wanted, purpose=purpose).first()
        )
        if link is None or not hmac.compare_digest(link.token_hash, wanted):
            return None
        return link

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def gives_files(self) -> bool:
        """Whether the answer's files can be downloaded through this link: ANSWER_FILE_DAYS
        after it was sent, a fresh link from the lost-link page is needed."""
        return timezone.now() < self.created_at + timedelta(days=settings.ANSWER_FILE_DAYS)

    def use(self) -> bool:
        """Spend a single-use link; False when it was spent already (also by a parallel POST)."""
        spent = AccessLink.objects.filter(pk=self.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return spent == 1
