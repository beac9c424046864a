"""API tokens: a staff member's key to the JSON API. Only the hash of each token is stored."""

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

# Recognisable in a leaked config file or a secret scanner's rule: "pp_" and 43 url-safe
# characters (256 bits).
TOKEN_PREFIX = "pp_"  # noqa: S105 (a prefix, not a secret)
# How many characters of a token (after TOKEN_PREFIX) the admin shows to tell tokens apart:
# 48 of its 256 bits, which leaves far too many to guess.
SHOWN_CHARACTERS = 8
# last_used_at is written at most once in this time per token: a script that calls the API
# in a loop does not write a row per call.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A Bearer token for the API, acting as its user with the user's permissions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token starts with"), max_length=20, editable=False)
    read_only = models.BooleanField(
        _("read-only"), default=False, help_text=_("Only reads: no call that changes anything.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"

    @classmethod
    def issue(cls, user: Any, *, name: str = "", read_only: bool = False) -> tuple[ApiToken, str]:
        """A new token for `user`: the row, and the token itself, which is not kept."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user,
            name=name,
            read_only=read_only,
            key_hash=hash_token(token),
            prefix=token[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
        )
        return row, token

    @classmethod
    def find(cls, token: str) -> ApiToken | None:
        """The token's row with its user, if it exists and is not revoked."""
        if not token.startswith(TOKEN_PREFIX) or not 32 <= len(token) <= 100:
            return None
        wanted = hash_token(token)
        row = cls.objects.select_related("user").filter(key_hash=wanted).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, wanted):
            return None
        return row

    def revoke(self) -> bool:
        """Stop the token from working; False if it was revoked already."""
        now = timezone.now()
        revoked = ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if revoked:
            self.revoked_at = now
        return revoked == 1

    def mark_used(self) -> None:
        """Note the time of use, unless that was noted less than LAST_USED_PRECISION ago."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_PRECISION:
            return
        # Conditional, so that a burst of calls in several processes writes the row once.
        ApiToken.objects.filter(pk=self.pk).filter(
            models.Q(last_used_at__isnull=True)
            | models.Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        self.last_used_at = now
