"""The organisation's own e-mail texts in the admin: written per e-mail and language, checked
when saved (models/email_texts.py), previewed on a sample request, every version kept.

Officers (who have change_emailtext) write them; other staff may look. The admin's log says
which of subject and text changed; the versions under the form keep what they said before.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app import email_kinds
from requests_app.email_kinds import EmailKind
from requests_app.models import EmailText

SYNTAX_EXAMPLES = (
    '{{ request.reference }}, {{ request.due_on|date:"j F Y" }}, '
    "{% if escalate_url %}…{% endif %}, {% for item in items %}…{% endfor %}"
)
VERSIONS_SHOWN = 50


class TemplateField(forms.CharField):
    """Line breaks as "\\n" whatever the browser sends: an unchanged text stays unchanged."""

    def to_python(self, value: Any) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class EmailTextForm(forms.ModelForm):
    class Meta:
        model = EmailText
        fields = ["kind", "language", "subject", "text"]
        field_classes = {"subject": TemplateField, "text": TemplateField}
        widgets = {"text": forms.Textarea(attrs={"rows": 14, "cols": 90})}
        help_texts = {"subject": _("On one line. The text's variables work here too.")}


def syntax_help() -> str:
    return gettext(
        "Plain text in Django's template language, as in %(examples)s. The e-mail's HTML part "
        "is this text in the e-mail's layout, its links made clickable."
    ) % {"examples": SYNTAX_EXAMPLES}


def variables_help(kind: EmailKind | None) -> SafeString:
    """The text field's help: the syntax, and the variables this e-mail may use."""
    if kind is None:
        return format_html(
            "{} {}", syntax_help(), gettext("Each e-mail's variables are listed below the form.")
        )
    return format_html(
        "{} {}<ul>{}</ul>",
        syntax_help(),
        gettext("This e-mail may use:"),
        format_html_join(
            "",
            "<li><code>{}</code>: {}</li>",
            ((variable.tag, variable.description) for variable in kind.all_variables),
        ),
    )


@admin.register(EmailText)
class EmailTextAdmin(admin.ModelAdmin):
    form = EmailTextForm
    list_display = ("kind", "language", "subject", "updated_at")
    list_filter = ("language",)
    search_fields = ("subject", "text")
    search_help_text = _("Search in the subjects and texts.")

    def get_fields(self, request: HttpRequest, obj: EmailText | None = None) -> list[str]:
        fields = ["kind", "language", "subject", "text"]
        return [*fields, "updated_at"] if obj is not None else fields

    def get_readonly_fields(self, request: HttpRequest, obj: EmailText | None = None):
        # A text is written for one e-mail and language: another needs a text of its own.
        return ("kind", "language", "updated_at") if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "text" in form.base_fields:
            chosen = obj.kind if obj else request.POST.get("kind") or request.GET.get("kind")
            form.base_fields["text"].help_text = variables_help(email_kinds.find(chosen or ""))
        return form

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "kinds": list(email_kinds.all_kinds().values()),
            "may_save": self.has_add_permission(request),
        }
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_or_change_permission(request, obj):
            versions = obj.history().select_related("changed_by")[:VERSIONS_SHOWN]
            extra_context = {
                **(extra_context or {}),
                "preview": obj.preview(),
                "versions": versions,
                "may_save": self.has_change_permission(request, obj),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj: EmailText, form, change) -> None:
        obj.save_by(request.user)

    def delete_model(self, request, obj: EmailText) -> None:
        obj.delete_by(request.user)

    def delete_queryset(self, request, queryset) -> None:
        for text in queryset:
            text.delete_by(request.user)

    def response_add(self, request, obj, post_url_continue=None) -> HttpResponse:
        if "_preview" in request.POST:
            return self.to_preview(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj) -> HttpResponse:
        if "_preview" in request.POST:
            return self.to_preview(request, obj)
        return super().response_change(request, obj)

    def to_preview(self, request: HttpRequest, obj: EmailText) -> HttpResponse:
        self.message_user(request, gettext("Saved: the preview is below the form."))
        url = reverse("admin:requests_app_emailtext_change", args=[obj.pk])
        return HttpResponseRedirect(f"{url}#preview")
