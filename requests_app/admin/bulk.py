"""The request list's bulk actions: each request through its own move, then one report.

Each selected request goes through the same use case and the same allowed-moves table as its
own page, in its own transaction: a request whose state does not allow the step is left as it
is and named in the report with the reason ("done for 8, not possible for 2: …").
Actions that change what a requester is told (the refusal) or that need a choice (the
assignee) first show a page that lists the selection, as Django's own delete confirmation does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from requests_app import admin_forms, report, services
from requests_app.models import (
    MOVES,
    ExtensionNotAllowed,
    Move,
    PrivacyRequest,
    RefusalReason,
    TasksStillOpen,
    TransitionNotAllowed,
)

# What a step may refuse with; the message says why, in the officer's language.
REFUSALS = (TransitionNotAllowed, ExtensionNotAllowed, TasksStillOpen)


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    not_possible: list[tuple[str, str]] = field(default_factory=list)


def each(queryset: QuerySet[PrivacyRequest], step: Callable[[PrivacyRequest], object]) -> Outcome:
    """Run `step` on every selected request, oldest first, each in its own transaction."""
    outcome = Outcome()
    for obj in queryset.order_by("pk"):
        try:
            step(obj)
        except REFUSALS as error:
            outcome.not_possible.append((obj.reference, str(error)))
        else:
            outcome.done.append(obj.reference)
    return outcome


def tell(modeladmin, request: HttpRequest, outcome: Outcome, what: str) -> None:
    """One message for what was done, one naming each request it was not possible for."""
    done = len(outcome.done)
    modeladmin.message_user(
        request,
        ngettext("%(what)s: done for %(n)d request.", "%(what)s: done for %(n)d requests.", done)
        % {"what": what, "n": done},
        messages.SUCCESS if done else messages.INFO,
    )
    if outcome.not_possible:
        count = len(outcome.not_possible)
        reasons = " ".join(reason for _reference, reason in outcome.not_possible)
        modeladmin.message_user(
            request,
            ngettext(
                "Not possible for %(n)d request: %(reasons)s",
                "Not possible for %(n)d requests: %(reasons)s",
                count,
            )
            % {"n": count, "reasons": reasons},
            messages.WARNING,
        )


def confirmation(
    modeladmin,
    request: HttpRequest,
    queryset: QuerySet[PrivacyRequest],
    *,
    action: str,
    title: str,
    form: forms.Form,
    notice: str = "",
    reason: str = "",
) -> TemplateResponse:
    """The page between choosing an action and running it: the selection and a form."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "action": action,
        "form": form,
        "notice": notice,
        "reason": reason,
        "selected": queryset.order_by("due_on", "pk"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/requests_app/privacyrequest/bulk.html", context)


def submitted(request: HttpRequest) -> bool:
    """The confirmation page was sent (not the list's first POST of the action)."""
    return "apply" in request.POST


def csv_download(queryset: QuerySet[PrivacyRequest], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(report.csv_rows(queryset), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def title_for(what: str, count: int) -> str:
    return ngettext("%(what)s: %(n)d request", "%(what)s: %(n)d requests", count) % {
        "what": what,
        "n": count,
    }


def not_all_allowed(queryset: QuerySet[PrivacyRequest], allowed: frozenset[str]) -> str:
    """A notice naming how many of the selection the step does not apply to, if any."""
    others = queryset.exclude(status__in=allowed).count()
    if not others:
        return ""
    return ngettext(
        "%(n)d of the selected requests is in a state that does not allow this; it will be "
        "left as it is.",
        "%(n)d of the selected requests are in a state that does not allow this; they will be "
        "left as they are.",
        others,
    ) % {"n": others}


class BulkActions:
    """The list's actions, mixed into PrivacyRequestAdmin (its `actions` name them)."""

    @admin.action(description=_("Assign the selected requests to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[PrivacyRequest]) -> None:
        outcome = each(queryset, lambda obj: obj.assign(request.user, request.user))
        tell(self, request, outcome, gettext("Assign to me"))

    @admin.action(description=_("Assign the selected requests to…"), permissions=["change"])
    def assign_to_officer(self, request: HttpRequest, queryset: QuerySet[PrivacyRequest]):
        form = admin_forms.AssignForm(request.POST if submitted(request) else None)
        if submitted(request) and form.is_valid():
            assignee = form.cleaned_data["assignee"]
            outcome = each(queryset, lambda obj: obj.assign(assignee, request.user))
            tell(self, request, outcome, gettext("Assign"))
            return None
        return confirmation(
            self,
            request,
            queryset,
            action="assign_to_officer",
            title=title_for(gettext("Assign"), queryset.count()),
            form=form,
            notice=not_all_allowed(queryset, MOVES[Move.ASSIGN]),
        )

    @admin.action(description=_("Start work on the selected requests"), permissions=["change"])
    def start_requests(self, request: HttpRequest, queryset: QuerySet[PrivacyRequest]) -> None:
        outcome = each(queryset, lambda obj: obj.start(request.user))
        tell(self, request, outcome, gettext("Start work"))

    @admin.action(
        description=_("Close the selected unconfirmed requests as spam (no e-mail)"),
        permissions=["change"],
    )
    def close_as_spam(self, request: HttpRequest, queryset: QuerySet[PrivacyRequest]) -> None:
        outcome = each(queryset, lambda obj: obj.close_as_spam(request.user))
        tell(self, request, outcome, gettext("Close as spam"))

    @admin.action(
        description=_("Refuse the selected requests as manifestly unfounded or excessive…"),
        permissions=["change"],
    )
    def refuse_as_unfounded(self, request: HttpRequest, queryset: QuerySet[PrivacyRequest]):
        """One explanation for all; the officer confirms on a page listing each request, as
        GDPR Art. 12(5) asks the reason to be shown for each."""
        form = admin_forms.UnfoundedForm(request.POST if submitted(request) else None)
        if submitted(request) and form.is_valid():
            explanation = form.cleaned_data["explanation"]
            outcome = each(
                queryset,
                lambda obj: services.refuse(
                    obj, RefusalReason.UNFOUNDED, explanation, request.user
                ),
            )
            tell(self, request, outcome, gettext("Refuse"))
            return None
        return confirmation(
            self,
            request,
            queryset,
            action="refuse_as_unfounded",
            title=title_for(gettext("Refuse"), queryset.count()),
            form=form,
            notice=not_all_allowed(queryset, MOVES[Move.REFUSE]),
            reason=RefusalReason.UNFOUNDED.label,
        )

    @admin.action(description=_("Export the selected requests as CSV"), permissions=["view"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[PrivacyRequest]):
        return csv_download(queryset.order_by("due_on", "pk"), "privacy-requests.csv")
