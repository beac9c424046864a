"""Every version of a dispute's case file, kept side by side (docs/RULES.md section 4)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.models import private_storage


class CaseFile(models.Model):
    """One version of the case file: the first when the dispute is filed, another each time
    the story changes (a late answer, a withdrawal, a step of the dispute)."""

    dispute = models.ForeignKey(
        "disputes_app.Dispute", on_delete=models.PROTECT, related_name="case_files"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    # What changed since the version before, as data (services.describe writes it in words):
    # {"kind": "late_answer", "on": "2026-05-02", ...}; empty for the first version.
    change = models.JSONField(_("what changed"), default=dict, blank=True)
    pdf = models.FileField(storage=private_storage, upload_to="case-files/%Y/")
    json = models.FileField(storage=private_storage, upload_to="case-files/%Y/")
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    sent_to_body = models.BooleanField(_("sent to the body"), default=False)

    class Meta:
        verbose_name = _("case file version")
        verbose_name_plural = _("case file versions")
        ordering = ["dispute", "version"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "version"], name="one_case_file_version")
        ]

    def __str__(self) -> str:
        return f"{self.dispute} v{self.version}"
