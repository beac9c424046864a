"""The officer's form for what a recourse body did, on the day it did it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes_app.models import ArbitrationBar, BodyDeadline, Outcome
from requests_app import localtime

STEPS = [
    ("acknowledge", _("The body acknowledged the claim")),
    ("request_answer", _("The body asked for our answer")),
    ("answer", _("We answered the body")),
    ("decide", _("The body decided")),
    ("remedy_done", _("The remedy was carried out")),
    ("close", _("The dispute is closed")),
    ("deadline", _("The body set a date")),
    ("authority", _("The requester's data protection authority took the matter up")),
    ("arbitration_bar", _("Arbitration is closed to the claim")),
]


class DisputeStepForm(forms.Form):
    step = forms.ChoiceField(label=_("What happened"), choices=STEPS)
    acted_on = forms.DateField(
        label=_("On"),
        help_text=_("The day the body acted (or set the date), as its letter says: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=[("", "—"), *Outcome.choices], required=False
    )
    deadline_kind = forms.ChoiceField(
        label=_("The date is for"), choices=[("", "—"), *BodyDeadline.Kind.choices], required=False
    )
    due_on = forms.DateField(
        label=_("Due on"),
        help_text=_(
            "For a date the body set, and for its deadline for our answer; after a decision "
            "for the requester, the day the remedy is due (empty: the body's usual time)."
        ),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    arbitration_bar = forms.ChoiceField(
        label=_("Why arbitration is closed"),
        choices=[("", "—"), *ArbitrationBar.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acted_on"].initial = localtime.today()

    def clean_acted_on(self):
        acted_on = self.cleaned_data["acted_on"]
        if acted_on > localtime.today():
            raise forms.ValidationError(_("This day is still to come: give the day it happened."))
        return acted_on

    def clean(self) -> dict:
        data = super().clean()
        step = data.get("step")
        if step == "decide" and not data.get("outcome"):
            self.add_error("outcome", _("Choose the body's decision."))
        if step == "deadline":
            if not data.get("deadline_kind"):
                self.add_error("deadline_kind", _("Choose what the date is for."))
            if not data.get("due_on"):
                self.add_error("due_on", _("Give the day the body set."))
        if step == "arbitration_bar" and not data.get("arbitration_bar"):
            self.add_error("arbitration_bar", _("Choose why arbitration is closed."))
        due_on, acted_on = data.get("due_on"), data.get("acted_on")
        if step in {"deadline", "request_answer", "decide"} and due_on and acted_on:
            if due_on < acted_on:
                self.add_error(
                    "due_on", _("A date the body set cannot come before the day it set it.")
                )
        return data
