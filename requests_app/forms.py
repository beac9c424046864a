"""Forms of the public pages: every field validated here, with a message by the field."""

from __future__ import annotations

import functools
import secrets
import unicodedata

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from requests_app.models import Message, RequestType
from requests_app.validators import clean_text, validate_email_address


class SingleLineTextField(forms.CharField):
    """Text a person reads, on one line: no control characters, and something visible
    (`validators.clean_text`); text that shows nothing gets the field's "required" message."""

    multiline = False

    def clean(self, value: object) -> str:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return clean_text(value, self.error_messages["required"], multiline=self.multiline)


class MultiLineTextField(SingleLineTextField):
    """The same, over several lines: tabs and line breaks are kept."""

    multiline = True
    widget = forms.Textarea


class EmailAddressField(forms.EmailField):
    """An address the portal can write to, internationalised ones included where mail can
    reach them (`validators.validate_email_address`)."""

    default_validators = [validate_email_address]

    def to_python(self, value: object) -> str:
        # One spelling of each address (RFC 6530 asks for NFC): "é" typed as e and an accent
        # finds the same requests as "é" typed as one letter.
        return unicodedata.normalize("NFC", super().to_python(value))


@functools.lru_cache(maxsize=16)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    # django-countries sorts ~250 names by their translation: once per language, not per form.
    return tuple((code, str(name)) for code, name in countries)


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 countries in the reader's language, after an empty first choice."""
    return [("", gettext("Choose a country")), *_countries(get_language() or "en")]


@functools.lru_cache(maxsize=64)
def _country_options(language: str, selected: str) -> str:
    return format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        (
            (code, mark_safe(" selected") if code == selected else "", name)  # noqa: S308
            for code, name in country_choices()
        ),
    )


class CountrySelect(forms.Select):
    """The ~250 options, written once per language (and choice) and kept.

    Django's Select builds a dictionary and renders a template for each option: the form
    page took 26 ms of CPU with it, 5 ms with this.
    """

    template_name = "requests/widgets/country_select.html"

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        # The base widget's context: the options come from the cache, not from optgroups().
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = context["widget"]["value"]
        context["widget"]["options"] = _country_options(
            get_language() or "en", chosen[0] if chosen else ""
        )
        return context


class CountryField(forms.ChoiceField):
    """The country select; a posted code is checked against a set, not the ~250 choices."""

    widget = CountrySelect

    def valid_value(self, value: str) -> bool:
        return value in _country_codes()


class IntakeForm(forms.Form):
    """The intake fields, which other tools post by name; the service builds the request."""

    request_type = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=RequestType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you would like to do."),
            "invalid_choice": _("Choose one of the listed kinds of request."),
        },
    )
    full_name = SingleLineTextField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Enter your full name."),
            "max_length": _("Your name can have at most 200 characters."),
        },
    )
    email = EmailAddressField(
        label=_("Your e-mail address"),
        help_text=_("We send a link to this address to confirm that it is yours."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address such as name@example.com."),
        },
    )
    # Choices as a callable: read when validating or rendering, not copied into every form.
    country = CountryField(
        label=_("Country where you live"),
        help_text=_("It decides which law applies and when the answer is due."),
        choices=country_choices,
        error_messages={
            "required": _("Choose the country where you live."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    details = MultiLineTextField(
        label=_("Your request"),
        help_text=_(
            "Tell us what you are asking for and, if you can, which of our websites or "
            "products you used. At most 5,000 characters."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Describe your request."),
            "max_length": _("Your request can have at most 5,000 characters."),
        },
    )
    consent = forms.BooleanField(
        label=_("I agree that the data I give here is used to handle my request."),
        error_messages={"required": _("Please agree so that we can handle your request.")},
    )
    # Filled by the form itself: posting the same form twice files one request.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", secrets.token_urlsafe(16))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["body"]
        labels = {"body": _("Your message to the privacy team")}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"body": MultiLineTextField}
        error_messages = {
            "body": {
                "required": _("Write a message before sending it."),
                "max_length": _("A message can have at most 5,000 characters."),
            }
        }


class LostLinkForm(forms.Form):
    email = EmailAddressField(
        label=_("Your e-mail address"),
        help_text=_("The address you gave when you filed your request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address such as name@example.com."),
        },
    )
