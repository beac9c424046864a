"""The requester's forms about a dispute: escalating, and saying whether it goes on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.forms import CountryField, MultiLineTextField, country_choices


class EscalateForm(forms.Form):
    reason = MultiLineTextField(
        label=_("Why do you take your complaint further?"),
        help_text=_("A few sentences are enough. They go into your case file."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={
            "required": _("Tell us in a few words why you escalate."),
            "max_length": _("At most 5,000 characters."),
        },
    )
    employment_data = forms.BooleanField(
        label=_("My complaint is about data from my employment (human-resources data)."),
        help_text=_(
            "Such complaints go to the data protection authority of the country where you "
            "work, instead of the usual body."
        ),
        required=False,
    )
    employment_country = CountryField(
        label=_("The country where you work"),
        help_text=_("Only for a complaint about employment data: its authority takes it up."),
        choices=country_choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )

    def __init__(self, *args, country: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employment_country"].initial = country

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("employment_data"):
            data["employment_country"] = ""
        return data


class GoesOnForm(forms.Form):
    """After a late answer: the complaint goes on, or the requester withdraws it."""

    choice = forms.ChoiceField(
        choices=[
            ("goes_on", _("My complaint goes on")),
            ("withdraw", _("I withdraw my complaint")),
        ],
        error_messages={"required": _("Choose whether your complaint goes on.")},
    )
