from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.forms import MultiLineTextField


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
        help_text=_("Such complaints go to the data protection authorities, not to JAMS."),
        required=False,
    )
