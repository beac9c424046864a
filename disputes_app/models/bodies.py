"""The recourse bodies a dispute goes to (docs/RULES.md section 4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The groups of countries a body takes employment-data complaints from.
EEA = "eea"


class RecourseBody(models.Model):
    """Where a dispute goes: JAMS by default, authorities for HR data, arbitration at last."""

    class Kind(models.TextChoices):
        IRM = "irm", _("independent recourse mechanism")
        DPA = "dpa", _("data protection authority")
        ARBITRATION = "arbitration", _("arbitration")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    claim_url = models.URLField(_("claim page"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    answer_days = models.PositiveSmallIntegerField(
        _("days the organisation has to answer the body"), default=30
    )
    remedy_days = models.PositiveSmallIntegerField(
        _("days to carry out the body's advice"),
        default=0,
        help_text=_(
            "When the body finds for the requester, the remedy is due this many days after "
            "its decision (25 for the EU DPA panel's advice); 0 when it sets no such time."
        ),
    )
    is_default = models.BooleanField(
        _("default for complaints"),
        default=False,
        help_text=_("The independent recourse mechanism named in the privacy notice."),
    )
    # For complaints about human-resources data: the route per country group (EU/EEA, GB, CH).
    employment_countries = models.CharField(
        _("employment-data complaints from"),
        max_length=20,
        blank=True,
        help_text=_("eea, GB, GI or CH: complaints about employment data from there go here."),
    )

    class Meta:
        verbose_name = _("recourse body")
        verbose_name_plural = _("recourse bodies")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_recourse_body",
            )
        ]

    def __str__(self) -> str:
        return self.name
