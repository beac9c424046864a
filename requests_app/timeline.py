"""A request's record in words: each event as one sentence, who did it and when.

The officer reads it on a request's page (docs/OFFICER.md). Each kind of event has its
sentence, read from the keys its `data` is recorded with (the moves, the use cases, the
connectors' runs, the reminder sweep); a key the purge took out, or an event written before a
key existed, leaves a shorter sentence, never a raw value. A kind not known here (one another
app records, say) is named by its label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import TextChoices
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app.models import (
    DUE_RULE_LABELS,
    AccessLink,
    IdentityCheck,
    PrivacyRequest,
    RefusalReason,
    Reminder,
    RequestEvent,
    SystemRun,
    WaitReason,
)

Kind = RequestEvent.Kind
Data = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: datetime
    sentence: str
    who: str


def timeline(privacy_request: PrivacyRequest) -> list[Entry]:
    """The request's events in the order they happened, in words; one query."""
    events = privacy_request.events.select_related("staff_user").order_by("created_at", "id")
    return [Entry(event.created_at, sentence(event), who(event)) for event in events]


def sentence(event: RequestEvent) -> str:
    """What happened, as one sentence in the active language."""
    write = SENTENCES.get(event.kind)
    if write is None:
        return unknown_kind(event)
    return write(event.data if isinstance(event.data, dict) else {})


def who(event: RequestEvent) -> str:
    """The staff member by name, the requester, or the portal itself."""
    if event.actor == RequestEvent.Actor.REQUESTER:
        return gettext("the requester")
    if event.actor == RequestEvent.Actor.STAFF:
        user = event.staff_user
        if user is None:
            return gettext("the privacy team")
        return user.get_full_name() or user.get_username()
    return gettext("the portal")


def unknown_kind(event: RequestEvent) -> str:
    """The kind's label; a kind without one, by its name in plain words."""
    label = str(event.get_kind_display())
    if label == event.kind:
        label = label.replace("_", " ")
    return capfirst(label)


def written_date(value: date | str) -> str:
    """A day as the active language writes it ("March 12, 2026", "12. März 2026"), as
    templates/includes/date.html writes it."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return date_format(day, "DATE_FORMAT")


def label_of(choices: type[TextChoices], value: Any) -> str:
    """The label of a stored choice; the value itself for one no longer among the choices."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def rule_in_words(rule: str) -> str:
    return str(DUE_RULE_LABELS.get(rule, rule))


def date_in(data: Data, key: str) -> str | None:
    """The day stored under `key`, written out; None where there is none or it is no date."""
    value = data.get(key)
    try:
        return written_date(value) if value else None
    except (TypeError, ValueError):
        return None


def filed(data: Data) -> str:
    due = date_in(data, "due_on")
    if due is None:
        return gettext("Request received.")
    values = {"date": due, "rule": rule_in_words(data.get("rule", ""))}
    if data.get("logged"):
        return (
            gettext(
                "Request logged by hand, as it came by e-mail or letter; the answer is due on "
                "%(date)s: %(rule)s."
            )
            % values
        )
    return gettext("Request received; the answer is due on %(date)s: %(rule)s.") % values


def links_sent(data: Data) -> str:
    if data.get("purpose") == AccessLink.Purpose.VERIFY:
        return gettext("A new link to confirm the e-mail address was sent to the requester.")
    return gettext("A new link to the status page was sent to the requester.")


def wait_started(data: Data) -> str:
    what = label_of(WaitReason, data.get("reason", ""))
    if data.get("after_due"):
        return gettext(
            "The requester was asked for %(what)s after the answer was due: the due date does "
            "not move."
        ) % {"what": what}
    return gettext("The requester was asked for %(what)s.") % {"what": what}


def wait_ended(data: Data) -> str:
    if not data.get("reason"):
        return gettext("The requester answered.")
    return gettext("The requester answered and sent %(what)s.") % {
        "what": label_of(WaitReason, data["reason"])
    }


def extended(data: Data) -> str:
    due, reason = date_in(data, "due_on"), str(data.get("reason") or "").strip()
    if due and reason:
        return gettext("Time to answer extended to %(date)s. The reason: %(reason)s") % {
            "date": due,
            "reason": reason,
        }
    if due:
        return gettext("Time to answer extended to %(date)s.") % {"date": due}
    return gettext("Time to answer extended.")


def due_date_moved(data: Data) -> str:
    before, after = date_in(data, "from"), date_in(data, "to")
    if after is None:
        return gettext("Due date moved.")
    rule = rule_in_words(data.get("rule", ""))
    if before is None:
        return gettext("Due date moved to %(to)s: %(rule)s.") % {"to": after, "rule": rule}
    return gettext("Due date moved from %(from)s to %(to)s: %(rule)s.") % {
        "from": before,
        "to": after,
        "rule": rule,
    }


def answered(data: Data) -> str:
    systems = [str(name) for name in data.get("open_tasks") or []]
    if not systems:
        return gettext("Answered.")
    values = {"systems": ", ".join(systems), "why": str(data.get("why") or "").strip()}
    if values["why"]:
        return (
            ngettext(
                "Answered while the task for %(systems)s was still open. Why: %(why)s",
                "Answered while the tasks for %(systems)s were still open. Why: %(why)s",
                len(systems),
            )
            % values
        )
    return (
        ngettext(
            "Answered while the task for %(systems)s was still open.",
            "Answered while the tasks for %(systems)s were still open.",
            len(systems),
        )
        % values
    )


def assigned(data: Data) -> str:
    if not data.get("to"):
        return gettext("No longer assigned to anyone.")
    return gettext("Assigned to %(name)s.") % {"name": data["to"]}


def refused(data: Data) -> str:
    values = {"reason": label_of(RefusalReason, data.get("reason", ""))}
    in_part, late = bool(data.get("in_part")), bool(data.get("late"))
    if in_part and late:
        return (
            gettext(
                "Answered and refused in part, after the last day to refuse had passed: %(reason)s."
            )
            % values
        )
    if in_part:
        return gettext("Answered and refused in part: %(reason)s.") % values
    if late:
        return gettext("Refused after the last day to refuse had passed: %(reason)s.") % values
    return gettext("Refused: %(reason)s.") % values


def viewed(data: Data) -> str:
    if data.get("via") == "api":
        return gettext("Request looked at through the API.")
    return gettext("Request looked at.")


def identity_checked(data: Data) -> str:
    how = label_of(IdentityCheck.Method, data.get("method", ""))
    if data.get("confirmed"):
        return gettext("Identity confirmed: %(how)s.") % {"how": how}
    return gettext("Identity checked and not confirmed: %(how)s.") % {"how": how}


def task_done(data: Data) -> str:
    system = data.get("system") or gettext("a system")
    if data.get("recipient_told"):
        return gettext("The task for %(system)s was done; the recipient was told.") % {
            "system": system
        }
    return gettext("The task for %(system)s was done.") % {"system": system}


def escalated(data: Data) -> str:
    if not data.get("body"):
        return gettext("The requester escalated the request to a recourse body.")
    return gettext("The requester escalated the request to a recourse body (%(body)s).") % {
        "body": data["body"]
    }


# What each reminder of the ladder (requests_app/reminders.py) told whom.
REMINDER_SENTENCES = {
    Reminder.Kind.CONFIRM_EMAIL: _("The requester was reminded to confirm the e-mail address."),
    Reminder.Kind.WAITING: _(
        "The requester was reminded that the privacy team waits for their answer."
    ),
    Reminder.Kind.LATE: _(
        "The requester was told that the answer is late, and where they can turn."
    ),
    Reminder.Kind.LAPSED: _("The requester was told that the request lapsed."),
    Reminder.Kind.NEW_REQUEST: _("The officer was told of the confirmed request."),
    Reminder.Kind.DUE_SOON: _("The officer was reminded that the answer is due soon."),
    Reminder.Kind.DUE_TODAY: _("The officer was reminded that the answer is due today."),
    Reminder.Kind.OVERDUE: _("The officer was reminded that the answer is overdue."),
    Reminder.Kind.EXTENSION_DEADLINE: _(
        "The officer was reminded of the last days to announce an extension."
    ),
}


def reminder_sent(data: Data) -> str:
    kind = data.get("kind")
    if kind in REMINDER_SENTENCES:
        return str(REMINDER_SENTENCES[kind])
    if kind:
        return gettext("Reminder sent: %(what)s.") % {"what": label_of(Reminder.Kind, kind)}
    return gettext("Reminder sent.")


def run_started(data: Data) -> str:
    systems = [str(name) for name in data.get("systems") or []]
    values = {"count": len(systems), "systems": ", ".join(systems)}
    if data.get("action") == SystemRun.Action.ACCESS:
        return (
            ngettext(
                "%(count)s system was asked for the data: %(systems)s.",
                "%(count)s systems were asked for the data: %(systems)s.",
                len(systems),
            )
            % values
        )
    if data.get("dry_run"):
        return (
            ngettext(
                "%(count)s system was asked to count what erasure would change: %(systems)s.",
                "%(count)s systems were asked to count what erasure would change: %(systems)s.",
                len(systems),
            )
            % values
        )
    return (
        ngettext(
            "%(count)s system was asked to erase the data: %(systems)s.",
            "%(count)s systems were asked to erase the data: %(systems)s.",
            len(systems),
        )
        % values
    )


def rows_of(data: Data) -> int | None:
    rows = data.get("rows")
    return rows if isinstance(rows, int) else None


def data_collected(data: Data) -> str:
    values = {"system": data.get("system") or gettext("a system"), "rows": rows_of(data)}
    if data.get("reply"):
        return gettext("The reply of %(system)s to the request for the data was recorded.") % values
    if values["rows"] is None:
        return gettext("Data collected from %(system)s.") % values
    return (
        ngettext(
            "%(rows)s row collected from %(system)s.",
            "%(rows)s rows collected from %(system)s.",
            values["rows"],
        )
        % values
    )


def data_erased(data: Data) -> str:
    values = {"system": data.get("system") or gettext("a system"), "rows": rows_of(data)}
    if data.get("reply"):
        return gettext("The reply of %(system)s to the request to erase was recorded.") % values
    if values["rows"] is None:
        return gettext("Data erased in %(system)s.") % values
    return (
        ngettext(
            "%(rows)s row erased in %(system)s.",
            "%(rows)s rows erased in %(system)s.",
            values["rows"],
        )
        % values
    )


def erasure_counted(data: Data) -> str:
    values = {"system": data.get("system") or gettext("a system"), "rows": rows_of(data)}
    if values["rows"] is None:
        return gettext("What erasure would change in %(system)s was counted.") % values
    return (
        ngettext(
            "Erasure would change %(rows)s row in %(system)s.",
            "Erasure would change %(rows)s rows in %(system)s.",
            values["rows"],
        )
        % values
    )


def system_failed(data: Data) -> str:
    values = {
        "system": data.get("system") or gettext("a system"),
        "error": str(data.get("error") or "").strip(),
    }
    if values["error"]:
        return gettext("%(system)s could not be reached: %(error)s") % values
    return gettext("%(system)s could not be reached.") % values


def package_built(data: Data) -> str:
    size = data.get("size")
    if not isinstance(size, int):
        return gettext("The copy of the data was prepared.")
    return gettext("The copy of the data was prepared (%(size)s).") % {"size": filesizeformat(size)}


def closed_as_duplicate(data: Data) -> str:
    if not data.get("duplicate_of"):
        return gettext("Closed as a duplicate of another request; its requester was told.")
    return gettext(
        "Closed as a duplicate of %(reference)s; its requester was told, with a link to it."
    ) % {"reference": data["duplicate_of"]}


def duplicate_merged(data: Data) -> str:
    if not data.get("duplicate"):
        return gettext("A duplicate request was closed into this one.")
    return gettext("%(reference)s was closed as a duplicate of this request.") % {
        "reference": data["duplicate"]
    }


def fixed(text: Promise) -> Callable[[Data], str]:
    """The sentence of a kind whose data says nothing more."""
    return lambda data: str(text)


# Every kind of RequestEvent.Kind; tests/requests_app/test_case_page.py checks none is missing.
SENTENCES: dict[str, Callable[[Data], str]] = {
    Kind.FILED: filed,
    Kind.EMAIL_CONFIRMED: fixed(_("The e-mail address was confirmed.")),
    Kind.MESSAGE_FROM_REQUESTER: fixed(_("Message from the requester.")),
    Kind.MESSAGE_FROM_TEAM: fixed(_("Message to the requester.")),
    Kind.LINKS_SENT: links_sent,
    Kind.WITHDRAWN: fixed(_("The requester withdrew the request.")),
    Kind.WAIT_STARTED: wait_started,
    Kind.WAIT_ENDED: wait_ended,
    Kind.EXTENDED: extended,
    Kind.DUE_DATE_MOVED: due_date_moved,
    Kind.ANSWERED: answered,
    Kind.STARTED: fixed(_("Work on the request started.")),
    Kind.ASSIGNED: assigned,
    Kind.REFUSED: refused,
    Kind.CLOSED: fixed(_("Closed.")),
    Kind.VIEWED: viewed,
    Kind.IDENTITY_CHECKED: identity_checked,
    Kind.TASK_DONE: task_done,
    Kind.FILE_DOWNLOADED: fixed(_("The requester downloaded a file of the answer.")),
    Kind.PURGED: fixed(_("The requester's personal data was removed after the retention period.")),
    Kind.ESCALATED: escalated,
    Kind.LAPSED: fixed(_("Lapsed: the e-mail address was not confirmed in time.")),
    Kind.CLOSED_AS_SPAM: fixed(_("Closed as spam; no one was told.")),
    Kind.CLOSED_AS_DUPLICATE: closed_as_duplicate,
    Kind.DUPLICATE_MERGED: duplicate_merged,
    Kind.REMINDER_SENT: reminder_sent,
    Kind.RUN_STARTED: run_started,
    Kind.DATA_COLLECTED: data_collected,
    Kind.DATA_ERASED: data_erased,
    Kind.ERASURE_COUNTED: erasure_counted,
    Kind.SYSTEM_FAILED: system_failed,
    Kind.PACKAGE_BUILT: package_built,
}
