"""Forms of the public pages: every field validated here, with a message by the field."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.models import Message, PrivacyRequest, RequestType


class AccessibleFormMixin:
    """Ties each error message to its field (aria-describedby) and marks invalid fields."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}_help")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            described = [f"id_{name}_error"]
            if self.fields[name].help_text:
                described.append(f"id_{name}_help")
            widget.attrs["aria-describedby"] = " ".join(described)


def stripped_text(value: str) -> str:
    return value.strip()


class IntakeForm(AccessibleFormMixin, forms.ModelForm):
    consent = forms.BooleanField(
        label=_("I agree that the data I give here is used to handle my request."),
        error_messages={"required": _("Please agree so that we can handle your request.")},
    )
    # Filled by the form itself: posting the same form twice files one request.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = PrivacyRequest
        fields = ["request_type", "full_name", "email", "country", "details"]
        labels = {
            "request_type": _("What would you like to do?"),
            "full_name": _("Your full name"),
            "email": _("Your e-mail address"),
            "country": _("Country where you live"),
            "details": _("Your request"),
        }
        help_texts = {
            "email": _("We send a link to this address to confirm that it is yours."),
            "country": _("It decides which law applies and when the answer is due."),
            "details": _(
                "Tell us what you are asking for and, if you can, which of our websites or "
                "products you used. At most 5,000 characters."
            ),
        }
        widgets = {
            "request_type": forms.RadioSelect,
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "details": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "request_type": {
                "required": _("Choose what you would like to do."),
                "invalid_choice": _("Choose one of the listed kinds of request."),
            },
            "full_name": {
                "required": _("Enter your full name."),
                "max_length": _("Your name can have at most 200 characters."),
            },
            "email": {
                "required": _("Enter your e-mail address."),
                "invalid": _("Enter an e-mail address such as name@example.com."),
            },
            "country": {
                "required": _("Choose the country where you live."),
                "invalid_choice": _("Choose a country from the list."),
            },
            "details": {
                "required": _("Describe your request."),
                "max_length": _("Your request can have at most 5,000 characters."),
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request_type"].choices = RequestType.choices
        self.fields["country"].choices = [("", _("Choose a country")), *self.country_choices()]
        if not self.is_bound:
            self.initial.setdefault("form_token", secrets.token_urlsafe(16))

    def country_choices(self) -> list[tuple[str, str]]:
        return [c for c in self.fields["country"].choices if c[0]]

    def clean_full_name(self) -> str:
        return self._required_text("full_name", _("Enter your full name."))

    def clean_details(self) -> str:
        return self._required_text("details", _("Describe your request."))

    def _required_text(self, name: str, message: str) -> str:
        value = stripped_text(self.cleaned_data.get(name, ""))
        if not value:
            raise forms.ValidationError(message, code="required")
        return value

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


class MessageForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Message
        fields = ["body"]
        labels = {"body": _("Your message to the privacy team")}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "body": {
                "required": _("Write a message before sending it."),
                "max_length": _("A message can have at most 5,000 characters."),
            }
        }

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message before sending it."), code="required")
        return body


class LostLinkForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address you gave when you filed your request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address such as name@example.com."),
        },
    )
