"""An officer's choice of one digest a day instead of a reminder per request, and the digests.

The choice is the officer's own (the admin's "My e-mail"); without one, the per-request
reminders go to the assignee as always. A digest is one row per officer and organisation day,
unique, written in the transaction that queues its e-mail: two sweeps at once send one.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The hour the reminders tied to a date go out (requests_app.reminders.HOUR): the start of a
# working day in the organisation's zone.
DEFAULT_DIGEST_HOUR = 8
HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class OfficerPreference(models.Model):
    """How one staff member hears of their requests: a reminder each (the default) or a digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_preference",
        verbose_name=_("user"),
    )
    digest = models.BooleanField(
        _("one digest a day"),
        default=False,
        help_text=_(
            "One e-mail a day listing your requests that are new, due soon, due today or "
            "overdue, and those not assigned to anyone, instead of a reminder for each request."
        ),
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("hour of the digest"), choices=HOURS, default=DEFAULT_DIGEST_HOUR
    )

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__lte=23), name="digest_hour_of_a_day"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def choose(cls, user: AbstractBaseUser, *, digest: bool, digest_hour: int) -> OfficerPreference:
        """Save the user's choice; two saves at the same moment end in the same one row."""
        preference, _created = cls.objects.update_or_create(
            user=user, defaults={"digest": digest, "digest_hour": digest_hour}
        )
        return preference

    @staticmethod
    def takes_digest(user: AbstractBaseUser) -> bool:
        """Whether the digest lists this user's requests instead of a reminder for each."""
        try:
            return user.officer_preference.digest
        except OfficerPreference.DoesNotExist:
            return False


class Digest(models.Model):
    """The digest of one officer's day: at most one per officer and organisation day."""

    # The unique constraint's index serves lookups by user: no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digests",
        db_index=False,
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    # How many requests it listed; none, and no e-mail went out that day.
    listed = models.PositiveIntegerField(_("requests listed"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_officer_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"

    @classmethod
    def claim(cls, user: AbstractBaseUser, day: date, listed: int) -> bool:
        """Record the user's digest of `day`, in the caller's transaction; False when one
        is recorded already.

        The unique constraint decides, not a read before: a sweep that found no digest a
        moment ago waits here for the one that is writing it, and then loses.
        """
        try:
            with transaction.atomic():
                cls.objects.create(user=user, day=day, listed=listed)
        except IntegrityError:
            return False
        return True
