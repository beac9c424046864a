"""What happened to a request (append-only events), its messages and the files of answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """A record that is written once: never changed, never deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only: it cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is append-only: it cannot be deleted.")


class RequestEvent(AppendOnly):
    """What happened to a request: append-only, never edited or deleted."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Request received")
        EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")
        MESSAGE_FROM_REQUESTER = "message_from_requester", _("Message from the requester")
        MESSAGE_FROM_TEAM = "message_from_team", _("Message from the privacy team")
        LINKS_SENT = "links_sent", _("New private links sent by e-mail")
        WITHDRAWN = "withdrawn", _("Request withdrawn by the requester")
        WAIT_STARTED = "wait_started", _("The privacy team asked the requester for information")
        WAIT_ENDED = "wait_ended", _("The requester answered")
        EXTENDED = "extended", _("Time to answer extended")
        DUE_DATE_MOVED = "due_date_moved", _("Due date moved")
        ANSWERED = "answered", _("Answered")
        STARTED = "started", _("Work on the request started")
        ASSIGNED = "assigned", _("Assigned")
        REFUSED = "refused", _("Refused")
        CLOSED = "closed", _("Closed")
        CLOSED_AS_DUPLICATE = "closed_as_duplicate", _("Closed as a duplicate of another request")
        DUPLICATE_MERGED = "duplicate_merged", _("A duplicate request was merged into this one")
        VIEWED = "viewed", _("Viewed by staff")
        IDENTITY_CHECKED = "identity_checked", _("Identity checked")
        TASK_DONE = "task_done", _("A system's task was done")
        FILE_DOWNLOADED = "file_downloaded", _("A file of the answer was downloaded")
        PURGED = "purged", _("Personal data removed after the retention period")
        ESCALATED = "escalated", _("Escalated to a recourse body")
        LAPSED = "lapsed", _("Lapsed: the e-mail address was not confirmed in time")
        CLOSED_AS_SPAM = "closed_as_spam", _("Closed as spam")
        REMINDER_SENT = "reminder_sent", _("Reminder sent")
        RUN_STARTED = "run_started", _("The systems holding the data were asked")
        DATA_COLLECTED = "data_collected", _("Data collected from a system")
        DATA_ERASED = "data_erased", _("Data erased in a system")
        ERASURE_COUNTED = "erasure_counted", _("What erasure would change was counted")
        SYSTEM_FAILED = "system_failed", _("A system could not be reached")
        PACKAGE_BUILT = "package_built", _("The copy of the data was prepared")

    class Actor(models.TextChoices):
        REQUESTER = "requester", _("requester")
        STAFF = "staff", _("privacy team")
        SYSTEM = "system", _("system")

    # Indexed by event_request_time_idx (request first); staff_user only where set (below).
    request = models.ForeignKey(
        "requests_app.PrivacyRequest",
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    kind = models.CharField(_("what"), max_length=40, choices=Kind.choices)
    actor = models.CharField(_("by"), max_length=20, choices=Actor.choices, default=Actor.SYSTEM)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="event_request_time_idx"),
            # Most events are the requester's or the system's: only the staff's are indexed.
            models.Index(
                fields=["staff_user"],
                condition=models.Q(staff_user__isnull=False),
                name="event_staff_user_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Message(models.Model):
    class Author(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        TEAM = "team", _("Privacy team")

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(_("from"), max_length=20, choices=Author.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="message_request_time_idx")]

    def __str__(self) -> str:
        return f"{self.request} {self.get_author_display()} {self.created_at:%Y-%m-%d %H:%M}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class AnswerFile(models.Model):
    """A file that comes with an answer: downloaded from the status page, never e-mailed."""

    request = models.ForeignKey(
        "requests_app.PrivacyRequest", on_delete=models.CASCADE, related_name="files"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    file = models.FileField(storage=private_storage, upload_to="answers/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("file of an answer")
        verbose_name_plural = _("files of answers")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
