"""The moves of a request between its states: each locks the row, checks, saves, records."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from requests_app import deadlines, localtime
from requests_app.models.events import RequestEvent
from requests_app.models.states import (
    ExtensionNotAllowed,
    Move,
    RefusalReason,
    Status,
    TasksStillOpen,
    TransitionNotAllowed,
)
from requests_app.models.systems import DataSystem, IdentityCheck, SystemTask
from requests_app.models.waits import Wait, WaitReason


class RequestMoves:
    """The transitions of `PrivacyRequest` (mixed into it), each in one transaction.

    Each checks `MOVES` under the row's lock, changes the row and records its event. Where a
    move is also a use case that tells someone (confirm, ask, end a wait, extend, answer,
    refuse, withdraw, close as a duplicate), the use case in requests_app.services is its one
    public entry: it writes the message and queues the e-mail too, so these moves are
    underscored here.
    """

    def _confirm_email(self) -> None:
        """The requester showed they read the address."""
        with transaction.atomic():
            self._check(Move.CONFIRM_EMAIL)
            self.status = Status.NEW
            self.email_confirmed_at = timezone.now()
            self.waits.filter(reason=WaitReason.EMAIL, ended_at__isnull=True).update(
                ended_at=self.email_confirmed_at
            )
            # The officer hears of the new request from the next sweep.
            self.next_reminder_at = self.email_confirmed_at
            self._save("email_confirmed_at", "next_reminder_at")
            self.record(RequestEvent.Kind.EMAIL_CONFIRMED, actor=RequestEvent.Actor.REQUESTER)

    def _ask(self, reason: str, staff_user: Any = None) -> Wait:
        """Wait for identity information, a fee or a clarification the officer asked for.

        Asked after the answer was due, the wait is recorded but moves no date: the answer
        was late already (the event says so).
        """
        if reason == WaitReason.EMAIL:
            raise ValueError("The e-mail confirmation wait starts only on filing.")
        with transaction.atomic():
            self._check(Move.ASK)
            after_due = self.is_overdue
            wait = Wait.objects.create(
                request=self, reason=reason, staff_user=staff_user, resumes_to=self.status
            )
            self.status = Status.WAITING
            self.waiting_since = wait.started_at
            self.next_reminder_at = wait.started_at
            self._save("waiting_since", "next_reminder_at", *self._recompute_due())
            self.record(
                RequestEvent.Kind.WAIT_STARTED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"reason": reason, **({"after_due": True} if after_due else {})},
            )
        return wait

    def _end_wait(self) -> Wait:
        """The requester answered what the officer asked: the clock goes on."""
        with transaction.atomic():
            self._check(Move.END_WAIT)
            wait = self.waits.select_for_update().get(ended_at__isnull=True)
            wait.ended_at = timezone.now()
            wait.save(update_fields=["ended_at"])
            self.status = wait.resumes_to
            self.waiting_since = None
            self.next_reminder_at = wait.ended_at
            self._save("waiting_since", "next_reminder_at", *self._recompute_due())
            self.record(
                RequestEvent.Kind.WAIT_ENDED,
                actor=RequestEvent.Actor.REQUESTER,
                data={"reason": wait.reason},
            )
        return wait

    def _extend(self, reason: str, staff_user: Any = None, extended_to: date | None = None) -> None:
        """Extend once, with a reason, while it may still be announced (docs/DEADLINES.md)."""
        if not reason.strip():
            raise ExtensionNotAllowed(gettext("Give the reason for the extension."))
        with transaction.atomic():
            self.lock()
            refusal = self.extension_refusal(extended_to, localtime.today())
            if refusal:
                raise ExtensionNotAllowed(refusal)
            self.extended_at = timezone.now()
            self.extension_reason = reason.strip()
            self.extended_to = (
                None if deadlines.extends_by_months(str(self.country)) else extended_to
            )
            self.next_reminder_at = self.extended_at
            fields = self._recompute_due()
            self.save(
                update_fields=[
                    "extended_at",
                    "extension_reason",
                    "extended_to",
                    "next_reminder_at",
                    "updated_at",
                    *fields,
                ]
            )
            self.record(
                RequestEvent.Kind.EXTENDED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"reason": self.extension_reason, "due_on": self.due_on.isoformat()},
            )

    def start(self, staff_user: Any = None) -> None:
        """Work begins: one task per system or subprocessor that may hold the data."""
        with transaction.atomic():
            self._check(Move.START)
            self.status = Status.IN_PROGRESS
            if self.assignee_id is None and staff_user is not None:
                self.assignee = staff_user
            self._save("assignee")
            SystemTask.objects.bulk_create(
                SystemTask(request=self, system=system)
                for system in DataSystem.objects.filter(active=True)
            )
            self.record(
                RequestEvent.Kind.STARTED, actor=RequestEvent.Actor.STAFF, staff_user=staff_user
            )

    def assign(self, assignee: Any, staff_user: Any = None) -> None:
        with transaction.atomic():
            self._check(Move.ASSIGN)
            self.assignee = assignee
            self.save(update_fields=["assignee", "updated_at"])
            self.record(
                RequestEvent.Kind.ASSIGNED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"to": assignee.get_username() if assignee else None},
            )

    def _answer(self, staff_user: Any = None, open_tasks_reason: str = "") -> None:
        """The final answer was given: the officer's reminders stop.

        While a task for a system is open, only with the officer's reason why.
        """
        with transaction.atomic():
            self._check(Move.ANSWER)
            open_tasks = list(
                self.tasks.filter(done_at__isnull=True).values_list("system__name", flat=True)
            )
            if open_tasks and not open_tasks_reason.strip():
                raise TasksStillOpen(
                    gettext("These systems are not done yet: %(systems)s. Say why you answer now.")
                    % {"systems": ", ".join(open_tasks)}
                )
            self.status = Status.ANSWERED
            self._finish()
            self._save("answered_at", "waiting_since", "next_reminder_at")
            data = (
                {"open_tasks": open_tasks, "why": open_tasks_reason.strip()} if open_tasks else {}
            )
            self.record(
                RequestEvent.Kind.ANSWERED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data=data,
            )

    def record_identity_check(
        self, method: str, confirmed: bool, staff_user: Any, note: str = ""
    ) -> IdentityCheck:
        """Store the fact that identity was checked (how, result, by whom), never a document."""
        with transaction.atomic():
            self._check(Move.IDENTITY)
            check = IdentityCheck.objects.create(
                request=self, method=method, confirmed=confirmed, checked_by=staff_user, note=note
            )
            self.record(
                RequestEvent.Kind.IDENTITY_CHECKED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"method": method, "confirmed": confirmed},
            )
        return check

    def _refuse(self, reason: str, staff_user: Any = None, *, in_part: bool = False) -> None:
        """Refuse fully (status refused) or in part (the rest is answered), with a reason."""
        if reason not in RefusalReason.values:
            raise ValueError(f"Unknown refusal reason {reason!r}")
        with transaction.atomic():
            self._check(Move.REFUSE)
            self.status = Status.ANSWERED if in_part else Status.REFUSED
            self._finish()
            self.refusal_reason, self.refused_in_part = reason, in_part
            self._save(
                "answered_at",
                "waiting_since",
                "next_reminder_at",
                "refusal_reason",
                "refused_in_part",
            )
            late = self.local_date(self.answered_at) > self.refusal_deadline()
            self.record(
                RequestEvent.Kind.REFUSED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"reason": reason, "in_part": in_part, "late": late},
            )

    def close(self, staff_user: Any = None) -> None:
        with transaction.atomic():
            self._check(Move.CLOSE)
            self.status = Status.CLOSED
            self.closed_at = timezone.now()
            self._save("closed_at")
            self.record(
                RequestEvent.Kind.CLOSED, actor=RequestEvent.Actor.STAFF, staff_user=staff_user
            )

    def _close_as_duplicate(self, original: Any, staff_user: Any = None) -> None:
        """Close this request as a duplicate of `original`, which goes on.

        Both rows are locked (in primary-key order) and the move decides from them: the
        officer chose from a page that may be minutes old.
        """
        with transaction.atomic():
            self.lock_with(original)
            self._check_locked(Move.CLOSE_AS_DUPLICATE)
            refusal = self.duplicate_refusal(original)
            if refusal:
                raise TransitionNotAllowed(refusal)
            self.status = Status.CLOSED
            self.duplicate_of = original
            self._close_waits()
            self.closed_at = timezone.now()
            self.next_reminder_at = None
            self._save("duplicate_of", "closed_at", "waiting_since", "next_reminder_at")
            self.record(
                RequestEvent.Kind.CLOSED_AS_DUPLICATE,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"duplicate_of": original.reference},
            )
            original.record(
                RequestEvent.Kind.DUPLICATE_MERGED,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
                data={"duplicate": self.reference},
            )

    def _finish(self) -> None:
        self._close_waits()
        self.answered_at = timezone.now()
        self.next_reminder_at = None

    def _withdraw(self) -> None:
        with transaction.atomic():
            self._check(Move.WITHDRAW)
            self.status = Status.WITHDRAWN
            self._close_waits()
            self.closed_at = timezone.now()
            self.next_reminder_at = None
            self._save("closed_at", "waiting_since", "next_reminder_at")
            self.record(RequestEvent.Kind.WITHDRAWN, actor=RequestEvent.Actor.REQUESTER)

    def lapse(self) -> None:
        """The address was never confirmed: nothing else of the request is processed."""
        with transaction.atomic():
            self._check(Move.LAPSE)
            self.status = Status.LAPSED
            self._close_waits()
            self.closed_at = timezone.now()
            self.next_reminder_at = None
            self._save("closed_at", "waiting_since", "next_reminder_at")
            self.record(RequestEvent.Kind.LAPSED)

    def close_as_spam(self, staff_user: Any = None) -> None:
        """An unconfirmed filing the officer judges spam: closed, recorded, no one told."""
        with transaction.atomic():
            self._check(Move.CLOSE_AS_SPAM)
            self.status = Status.CLOSED
            self._close_waits()
            self.closed_at = timezone.now()
            self.next_reminder_at = None
            self._save("closed_at", "waiting_since", "next_reminder_at")
            self.record(
                RequestEvent.Kind.CLOSED_AS_SPAM,
                actor=RequestEvent.Actor.STAFF,
                staff_user=staff_user,
            )

    def _close_waits(self) -> None:
        self.waits.filter(ended_at__isnull=True).update(ended_at=timezone.now())
        self.waiting_since = None
