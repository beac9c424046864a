"""The steps an officer takes on a request: the form of each and the use case it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app import admin_forms, answer_package, services
from requests_app.models import (
    Move,
    PrivacyRequest,
)


@dataclass(frozen=True)
class Step:
    """A step the officer takes on a request: its form and the use case behind it."""

    label: str
    form: type[forms.Form]
    run: Callable[[PrivacyRequest, dict[str, Any], Any], object]
    # Besides MOVES, what the request must have for the step to be offered on its page.
    offered: Callable[[PrivacyRequest], bool] = lambda privacy_request: True

    def bind(self, privacy_request: PrivacyRequest, *data: Any) -> forms.Form:
        """The step's form on `privacy_request`, bound to `data` (the fields, the files) if
        given."""
        if issubclass(self.form, admin_forms.RequestStepForm):
            return self.form(privacy_request, *data)
        return self.form(*data)


# Which state each step may start from is the model's table (MOVES); this says how to take it.
STEPS: dict[Move, Step] = {
    Move.ASSIGN: Step(
        _("Assign"),
        admin_forms.AssignForm,
        lambda privacy_request, data, user: privacy_request.assign(data["assignee"], user),
    ),
    Move.START: Step(
        _("Start"),
        admin_forms.ConfirmForm,
        lambda privacy_request, data, user: privacy_request.start(user),
    ),
    Move.ASK: Step(
        _("Ask the requester"),
        admin_forms.AskForm,
        lambda privacy_request, data, user: services.ask_requester(
            privacy_request, data["reason"], data["question"], user
        ),
    ),
    Move.IDENTITY: Step(
        _("Record an identity check"),
        admin_forms.IdentityForm,
        lambda privacy_request, data, user: privacy_request.record_identity_check(
            data["method"], data["confirmed"], user, data["note"]
        ),
    ),
    Move.EXTEND: Step(
        _("Extend"),
        admin_forms.ExtendForm,
        lambda privacy_request, data, user: services.extend(
            privacy_request, data["reason"], user, data["extended_to"]
        ),
    ),
    Move.ANSWER: Step(
        _("Answer"),
        admin_forms.AnswerForm,
        lambda privacy_request, data, user: services.answer(
            privacy_request,
            data["body"],
            user,
            data["open_tasks_reason"],
            data["files"] + answer_package.attached(privacy_request, data["attach_package"]),
        ),
    ),
    Move.REFUSE: Step(
        _("Refuse"),
        admin_forms.RefuseForm,
        lambda privacy_request, data, user: services.refuse(
            privacy_request, data["reason"], data["explanation"], user, in_part=data["in_part"]
        ),
    ),
    Move.CLOSE: Step(
        _("Close"),
        admin_forms.ConfirmForm,
        lambda privacy_request, data, user: privacy_request.close(user),
    ),
    Move.CLOSE_AS_DUPLICATE: Step(
        _("Close as a duplicate"),
        admin_forms.DuplicateForm,
        lambda privacy_request, data, user: services.close_as_duplicate(
            privacy_request, data["original"], user
        ),
        offered=lambda privacy_request: privacy_request.earlier_duplicates().exists(),
    ),
}


def offered(move: Move, privacy_request: PrivacyRequest, today: date) -> bool:
    """Whether the request's page offers the step now: the table of moves allows it from the
    request's state, and an extension is still possible at all (once, announced by the due
    date, never for a complaint), whatever date the officer would give."""
    if not privacy_request.may(move):
        return False
    if move == Move.EXTEND:
        return privacy_request.extension_closed(today) is None
    return True


def step_notice(move: Move, privacy_request: PrivacyRequest) -> str:
    """What the officer should know before taking a step."""
    if move == Move.ASK and privacy_request.is_overdue:
        return gettext(
            "The answer was due on %(date)s. Asking the requester now does not move that date: "
            "the answer is late already."
        ) % {"date": privacy_request.due_on.isoformat()}
    if move == Move.CLOSE_AS_DUPLICATE:
        return gettext(
            "%(reference)s is closed as a duplicate of the request you choose, which goes on. "
            "Its requester is told by e-mail, with a link to the status page of that one."
        ) % {"reference": privacy_request.reference}
    return ""
