"""The forms of the back office (admin): the officer's steps on a request page, and a system
of the register with its tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app import report
from requests_app.connectors import datamap
from requests_app.forms import EmailAddressField, MultiLineTextField, SingleLineTextField
from requests_app.models import (
    DataSystem,
    IdentityCheck,
    Message,
    PrivacyRequest,
    RefusalReason,
    RequestType,
    WaitReason,
)


class ConfirmForm(forms.Form):
    """A step that needs nothing but the press of a button."""


class RequestStepForm(forms.Form):
    """A step's form whose choices depend on the request it is taken on."""

    def __init__(self, privacy_request: PrivacyRequest, *args: Any, **kwargs: Any) -> None:
        self.privacy_request = privacy_request
        super().__init__(*args, **kwargs)


class DuplicateForm(RequestStepForm):
    """Close the request as a duplicate of an earlier one of the same address and type."""

    original = forms.ModelChoiceField(
        label=_("The request that goes on"),
        queryset=PrivacyRequest.objects.none(),
        to_field_name="reference",
        help_text=_(
            "An open, confirmed request from the same e-mail address, of the same type, received "
            "before this one. This one is closed, and its requester is told to follow that one."
        ),
        error_messages={
            "invalid_choice": _(
                "Choose an open, confirmed request from the same e-mail address, of the same "
                "type, received before this one."
            )
        },
    )

    def __init__(self, privacy_request: PrivacyRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(privacy_request, *args, **kwargs)
        field = self.fields["original"]
        field.queryset = privacy_request.earlier_duplicates()
        field.label_from_instance = duplicate_label


def duplicate_label(privacy_request: PrivacyRequest) -> str:
    return gettext("%(reference)s, received %(date)s: %(status)s") % {
        "reference": privacy_request.reference,
        "date": privacy_request.local_date(privacy_request.received_at).isoformat(),
        "status": privacy_request.get_status_display(),
    }


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        required=False,
        empty_label=_("nobody"),
    )


class UnfoundedForm(forms.Form):
    explanation = MultiLineTextField(
        label=_("Why the requests are manifestly unfounded or excessive"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "Sent to each requester with the reason (GDPR Art. 12(5)) and their right to "
            "complain and to go to court, in the language of their request."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have read the list above: each of these requests is refused for this reason."),
    )


class PeriodForm(forms.Form):
    """The period of the figures: one of the last six years, the whole year or a quarter."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", _("the whole year")),
            (1, _("Q1: January to March")),
            (2, _("Q2: April to June")),
            (3, _("Q3: July to September")),
            (4, _("Q4: October to December")),
        ],
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].choices = [(y, y) for y in range(today.year, today.year - 6, -1)]

    def period(self) -> report.Period:
        """The period chosen, or this year when nothing (valid) was."""
        if self.is_bound and self.is_valid():
            return report.Period(self.cleaned_data["year"], self.cleaned_data["quarter"])
        return report.Period(self.today.year)


class AskForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[c for c in WaitReason.choices if c[0] != WaitReason.EMAIL],
    )
    question = MultiLineTextField(
        label=_("Your question to the requester"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Ask only for what you need. Never ask for a copy of an identity document."),
    )


class IdentityForm(forms.Form):
    method = forms.ChoiceField(label=_("How was identity checked?"), choices=IdentityCheck.Method)
    confirmed = forms.BooleanField(label=_("Identity confirmed"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, as the requester will read it"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    extended_to = forms.DateField(
        label=_("New due date"),
        required=False,
        help_text=_("Only outside the EU/EEA and the UK, where the extension runs to a date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern Django's documentation gives)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    body = MultiLineTextField(
        label=_("The answer, as the requester will read it on the status page"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
    )
    open_tasks_reason = forms.CharField(
        label=_("Why answer while a system's task is open?"),
        required=False,
        max_length=2000,
    )
    files = MultipleFileField(
        label=_("Files (e.g. the copy of the data)"),
        required=False,
        help_text=_("The requester downloads them from the status page, never by e-mail."),
    )
    attach_package = forms.BooleanField(
        label=_("Attach the answer package of the latest access run"),
        required=False,
        help_text=_("Build it on the run's page first."),
    )


class ReplyForm(forms.Form):
    """What a processor (or a system asked by hand) answered, recorded by the officer."""

    reply = MultiLineTextField(
        label=_("Their reply"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("What they hold, or what they erased and what they keep, and why."),
    )
    files = MultipleFileField(label=_("Files that came with it"), required=False)


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    in_part = forms.BooleanField(
        label=_("Refused in part only (the rest of the request is answered)"), required=False
    )
    explanation = MultiLineTextField(
        label=_("Explanation, as the requester will read it"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )


class TaskForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    recipient_told = forms.BooleanField(
        label=_("The recipient was told of the change (GDPR Art. 19)"), required=False
    )
    not_told_reason = forms.CharField(
        label=_("Or: why telling the recipient is impossible or disproportionate"),
        required=False,
        max_length=2000,
    )


class LoggedRequestForm(forms.ModelForm):
    """A request that came by e-mail or letter, logged by hand with its real received date."""

    received_at = forms.DateTimeField(
        label=_("Received"),
        help_text=_("When the e-mail or letter arrived: the clock starts then."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    email = EmailAddressField(
        label=capfirst(PrivacyRequest._meta.get_field("email").verbose_name), max_length=254
    )
    field_order = ["request_type", "full_name", "email", "country", "details", "received_at"]

    class Meta:
        model = PrivacyRequest
        # Not the address: declared above, it is checked as the intake checks it, and the model
        # field's own check (ASCII only) does not run on it.
        fields = ["request_type", "full_name", "country", "details", "received_at"]
        field_classes = {"full_name": SingleLineTextField, "details": MultiLineTextField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request_type"].choices = RequestType.choices

    def clean_received_at(self) -> datetime:
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError(
                _("A request cannot be received in the future: give when it arrived."),
                code="future",
            )
        return received_at


class TeamMessageForm(forms.ModelForm):
    """A message from the privacy team, written on the request's page."""

    class Meta:
        model = Message
        fields = ["body"]
        field_classes = {"body": MultiLineTextField}


class TablesField(forms.CharField):
    """A database system's tables, edited as YAML and read by the data map file's own rules."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", AdminTextareaWidget(attrs={"rows": 16, "spellcheck": "false"}))
        # Kept as typed: stripping leading blank lines would shift the lines errors name.
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return datamap.dump_tables(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        text = super().to_python(value)
        if not text.strip():
            return []
        try:
            tables = datamap.parse_tables(text)
        except datamap.DatamapError as error:
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        gettext("line %(line)d: %(message)s") % {"line": line, "message": message},
                        code="invalid",
                    )
                    for line, message in error.problems
                ]
            ) from None
        return [table.to_json() for table in tables]


class DataSystemForm(forms.ModelForm):
    """A system of the register; its tables as in the data map file (docs/CONNECTORS.md)."""

    tables = TablesField(
        label=capfirst(DataSystem._meta.get_field("tables").verbose_name),
        required=False,
        help_text=_(
            "Database only. One entry per table, as under “tables:” in the data map: name, "
            "identity (the e-mail column) or via (column -> table.column), and erase (delete, "
            "keep, {keep: reason}, {mask: [columns]} or {null: [columns]})."
        ),
    )

    # An address typed without a scheme gets https:// (Django 6's default, chosen now).
    url = DataSystem._meta.get_field("url").formfield(assume_scheme="https")

    class Meta:
        model = DataSystem
        fields = ["name", "kind", "contact", "active", "connector", "url_env", "url"]
        fields += ["secret_env", "require_identity_check", "tables"]
        fields += ["holds", "purpose", "retention", "source"]
