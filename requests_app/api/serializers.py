"""What the API sends, and the shapes the schema shows. The intake's fields are read from
the intake form, which alone validates them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from requests_app.forms import CountryField, IntakeForm
from requests_app.models import (
    Message,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    SystemTask,
    Wait,
)

USERNAME_HELP = _("The staff member's user name; null if none.")
FORM_TOKEN_HELP = _(
    "Optional: a key of your own for this filing (at most 64 characters). Posting the same "
    "filing with the same key again files it once and answers with the same reference."
)


def schema_field(form_field: forms.Field) -> serializers.Field:
    """How the schema shows one of the intake form's fields: its kind, limits and help."""
    common = {
        "required": form_field.required,
        "label": form_field.label,
        "help_text": form_field.help_text or None,
    }
    if isinstance(form_field, forms.BooleanField):
        if form_field.required:  # a box that must be ticked: only true is accepted
            return serializers.ChoiceField(choices=[(True, "true")], **common)
        return serializers.BooleanField(**common)
    if isinstance(form_field, CountryField):
        # The ISO codes django-countries knows (test_api_schema.py notices when they change).
        return serializers.ChoiceField(choices=sorted(code for code, _name in countries), **common)
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(choices=form_field.choices, **common)
    if isinstance(form_field, forms.EmailField):
        return serializers.EmailField(max_length=form_field.max_length, **common)
    return serializers.CharField(
        max_length=form_field.max_length, min_length=1 if form_field.required else None, **common
    )


class IntakeSerializer(serializers.Serializer):
    """The intake form's fields, as JSON; `consent` must be true."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {name: schema_field(field) for name, field in IntakeForm.base_fields.items()}
        fields["form_token"].help_text = FORM_TOKEN_HELP
        return fields


class FiledSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text=_("The request's reference, e.g. DSR-2026-000123."))


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457 problem details)."""

    type = serializers.CharField(help_text=_("Always “about:blank”: the status says it all."))
    title = serializers.CharField(help_text=_("The HTTP status's phrase."))
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text=_("What went wrong, in the reader's language."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For bad input: each bad field or parameter with its messages."),
    )


class RequestRowSerializer(serializers.ModelSerializer):
    """A request in the list: no name, address or text of the requester's."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:request", lookup_field="reference", lookup_url_kwarg="reference"
    )
    country = serializers.CharField(source="country.code")
    overdue = serializers.BooleanField(
        source="is_overdue", help_text=_("Awaits its answer, and the day it was due has passed.")
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=USERNAME_HELP
    )

    class Meta:
        model = PrivacyRequest
        fields = [
            "reference",
            "url",
            "request_type",
            "status",
            "country",
            "language",
            "received_at",
            "due_on",
            "overdue",
            "assignee",
        ]
        read_only_fields = fields


class RequestPageSerializer(serializers.Serializer):
    """One page of the list; follow `next` (and `previous`) as they are."""

    next = serializers.URLField(allow_null=True, help_text=_("The next page; null on the last."))
    previous = serializers.URLField(
        allow_null=True, help_text=_("The page before; null on the first.")
    )
    results = RequestRowSerializer(many=True)


class EventSerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at")
    user = serializers.SlugRelatedField(
        source="staff_user",
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=USERNAME_HELP,
    )
    data = serializers.JSONField()

    class Meta:
        model = RequestEvent
        fields = ["kind", "actor", "user", "at", "data"]
        read_only_fields = fields


class WaitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Wait
        fields = ["reason", "started_at", "ended_at"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    system = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = SystemTask
        fields = ["system", "done_at", "outcome"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Message
        fields = ["author", "body", "at"]
        read_only_fields = fields


class RequestDetailSerializer(RequestRowSerializer):
    """A request with what the requester gave, and its record: events, waits, tasks of each
    system, messages."""

    # Empty once the retention purge has removed the personal data (purged_at).
    email = serializers.CharField(read_only=True)
    refusal_reason = serializers.ChoiceField(
        choices=RefusalReason.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Why it was refused, in full or in part; empty if it was not."),
    )
    events = EventSerializer(many=True)
    waits = WaitSerializer(many=True)
    tasks = TaskSerializer(many=True)
    messages = MessageSerializer(many=True)

    class Meta(RequestRowSerializer.Meta):
        fields = [
            *RequestRowSerializer.Meta.fields,
            "full_name",
            "email",
            "details",
            "due_rule",
            "email_confirmed_at",
            "extended_to",
            "answered_at",
            "refusal_reason",
            "refused_in_part",
            "closed_at",
            "purged_at",
            "events",
            "waits",
            "tasks",
            "messages",
        ]
        read_only_fields = fields
