"""The top of a request's page: where the request stands, in words.

Its state; when the answer is due and how many days are left (or when it was given and whether
in time); the rule that set the date; the language of the request by its name; and the step that
comes next, read from the table of moves (`MOVES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app.models import Move, PrivacyRequest, Status, WaitReason
from requests_app.timeline import label_of, written_date


@dataclass(frozen=True)
class Summary:
    status: str
    due: str
    rule: str
    language: str
    next_step: str


def summary(privacy_request: PrivacyRequest, today: date) -> Summary:
    """The request in five lines, `today` being the organisation's (requests_app.localtime)."""
    return Summary(
        status=str(privacy_request.get_status_display()),
        due=due_in_words(privacy_request, today),
        rule=str(privacy_request.due_rule_label),
        language=language_name(privacy_request.language),
        next_step=next_step(privacy_request),
    )


def due_in_words(privacy_request: PrivacyRequest, today: date) -> str:
    """When the answer is due and how many days are left; once given, when and whether in
    time; once closed without one, when and how."""
    if privacy_request.answered_at is not None:
        return answered_in_words(privacy_request)
    if privacy_request.closed_at is not None:
        return ended_in_words(privacy_request)
    values = {"date": written_date(privacy_request.due_on)}
    if privacy_request.clock_stopped:
        return (
            gettext("Due on %(date)s for now: the clock is stopped until the requester answers.")
            % values
        )
    days = (privacy_request.due_on - today).days
    if days == 0:
        return gettext("Due today, %(date)s.") % values
    if days > 0:
        return ngettext(
            "Due on %(date)s: %(count)s day left.", "Due on %(date)s: %(count)s days left.", days
        ) % {**values, "count": days}
    return ngettext(
        "Was due on %(date)s: %(count)s day overdue.",
        "Was due on %(date)s: %(count)s days overdue.",
        -days,
    ) % {**values, "count": -days}


def answered_in_words(privacy_request: PrivacyRequest) -> str:
    """An answer is judged by the due date; a refusal, in full or in part, by the last day to
    refuse, which an extension does not move (docs/DEADLINES.md)."""
    answered_on = privacy_request.local_date(privacy_request.answered_at)
    refusal = bool(privacy_request.refusal_reason)
    due_on = privacy_request.refusal_deadline() if refusal else privacy_request.due_on
    late = (answered_on - due_on).days
    values = {"date": written_date(answered_on), "due": written_date(due_on), "count": late}
    if refusal and privacy_request.refused_in_part:
        if late > 0:
            return (
                ngettext(
                    "Answered and refused in part on %(date)s, %(count)s day late: a refusal was "
                    "due by %(due)s.",
                    "Answered and refused in part on %(date)s, %(count)s days late: a refusal was "
                    "due by %(due)s.",
                    late,
                )
                % values
            )
        return (
            gettext(
                "Answered and refused in part on %(date)s, in time: a refusal was due by %(due)s."
            )
            % values
        )
    if refusal:
        if late > 0:
            return (
                ngettext(
                    "Refused on %(date)s, %(count)s day late: a refusal was due by %(due)s.",
                    "Refused on %(date)s, %(count)s days late: a refusal was due by %(due)s.",
                    late,
                )
                % values
            )
        return gettext("Refused on %(date)s, in time: a refusal was due by %(due)s.") % values
    if late > 0:
        return (
            ngettext(
                "Answered on %(date)s, %(count)s day late: the answer was due on %(due)s.",
                "Answered on %(date)s, %(count)s days late: the answer was due on %(due)s.",
                late,
            )
            % values
        )
    return gettext("Answered on %(date)s, in time: the answer was due on %(due)s.") % values


# How a request ended without an answer.
ENDED = {
    Status.WITHDRAWN: _("Withdrawn by the requester on %(date)s: no answer is due."),
    Status.LAPSED: _("Lapsed on %(date)s: the e-mail address was never confirmed."),
    Status.CLOSED: _("Closed on %(date)s without an answer."),
}


def ended_in_words(privacy_request: PrivacyRequest) -> str:
    closed_on = privacy_request.local_date(privacy_request.closed_at)
    sentence = ENDED.get(privacy_request.status, ENDED[Status.CLOSED])
    return str(sentence) % {"date": written_date(closed_on)}


def language_name(code: str) -> str:
    """The language's name in the reader's language ("German" on an English page)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def next_step(privacy_request: PrivacyRequest) -> str:
    """The step the request waits for, named from the moves its state allows; none once
    nothing more is done with it."""
    if privacy_request.may(Move.CONFIRM_EMAIL):
        return gettext("Next: the requester confirms the e-mail address. Nothing to do until then.")
    if privacy_request.may(Move.START):
        return gettext("Next: start work.")
    if privacy_request.may(Move.END_WAIT):
        return waiting_in_words(privacy_request)
    if privacy_request.may(Move.ASK):
        return gettext("Next: answer, or ask the requester.")
    if privacy_request.may(Move.CLOSE):
        return gettext("Next: close the request.")
    return ""


def waiting_in_words(privacy_request: PrivacyRequest) -> str:
    wait = privacy_request.waits.filter(ended_at__isnull=True).first()
    since = privacy_request.waiting_since or (wait.started_at if wait else None)
    if wait is None or since is None:
        return gettext("Next: the requester's answer.")
    return gettext("Next: the requester's answer. Waiting for %(what)s since %(date)s.") % {
        "what": label_of(WaitReason, wait.reason),
        "date": written_date(privacy_request.local_date(since)),
    }
