"""The connectors' runs in the admin: started from a request's page, previewed, approved.

Starting a run, approving an erasure and building the package need `run_connectors`; the
list and a run's page (its parts, their counts and the first rows found) need only view.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from requests_app import admin_forms, answer_package, runs
from requests_app.connectors.base import Outcome
from requests_app.models import PrivacyRequest, TransitionNotAllowed, private_storage
from requests_app.models.runs import RunPart, SystemRun

PERMISSION = "requests_app.run_connectors"


class RunPartInline(admin.TabularInline):
    model = RunPart
    extra = 0
    can_delete = False
    fields = ("system", "state", "waiting_for", "attempts", "rows", "error", "finished_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SystemRun)
class SystemRunAdmin(admin.ModelAdmin):
    list_display = ("request", "label", "started_at", "started_by", "state")
    list_filter = ("action", "dry_run")
    list_select_related = ("request", "started_by")
    search_fields = ("request__reference",)
    search_help_text = _("Search by the request's reference.")
    readonly_fields = ("request", "action", "dry_run", "started_by", "started_at")
    fields = readonly_fields
    inlines = [RunPartInline]
    date_hierarchy = "started_at"

    @admin.display(description=_("run"))
    def label(self, obj: SystemRun) -> str:
        return obj.label

    @admin.display(description=_("state"))
    def state(self, obj: SystemRun) -> str:
        return obj.summary

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parts")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        if run is not None:
            parts = run.parts.select_related("system").order_by("system__name")
            extra_context = {
                **(extra_context or {}),
                "parts": parts,
                "may_run": request.user.has_perm(PERMISSION),
                "may_approve": run.dry_run and run.finished and not run.failed,
                "may_build": run.action == SystemRun.Action.ACCESS and run.finished,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(name, function):
            return self.admin_site.admin_view(require_POST(function))

        return [
            path("start/<int:request_id>/<str:action>/", view("start", self.start_view),
                 name="requests_app_systemrun_start"),
            path("<int:run_id>/approve/", view("approve", self.approve_view),
                 name="requests_app_systemrun_approve"),
            path("<int:run_id>/package/", view("package", self.package_view),
                 name="requests_app_systemrun_package"),
            path("<int:run_id>/part/<int:part_id>/reply/",
                 self.admin_site.admin_view(self.reply_view),
                 name="requests_app_systemrun_reply"),
            path("<int:run_id>/package.zip",
                 self.admin_site.admin_view(self.download_view),
                 name="requests_app_systemrun_download"),
            *super().get_urls(),
        ]  # fmt: skip

    def start_view(self, request: HttpRequest, request_id: int, action: str) -> HttpResponse:
        """Start an access run or an erasure dry run from the request's page."""
        if not request.user.has_perm(PERMISSION) or action not in ("access", "erasure"):
            raise PermissionDenied
        privacy_request = get_object_or_404(PrivacyRequest, pk=request_id)
        dry_run = action == SystemRun.Action.ERASURE
        try:
            run = runs.start(privacy_request, action, request.user, dry_run=dry_run)
        except TransitionNotAllowed as error:
            self.message_user(request, str(error), level="error")
            return HttpResponseRedirect(
                reverse("admin:requests_app_privacyrequest_change", args=[request_id])
            )
        self.message_user(request, gettext("%(run)s started.") % {"run": run.label})
        return self.to_run(run)

    def approve_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        """Approve the erasure a finished dry run counted: a new run that changes the systems."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        dry = get_object_or_404(SystemRun, pk=run_id, dry_run=True)
        if not dry.finished or dry.failed:
            self.message_user(
                request, gettext("Approve once every system has counted."), level="error"
            )
            return self.to_run(dry)
        try:
            run = runs.start(dry.request, SystemRun.Action.ERASURE, request.user)
        except TransitionNotAllowed as error:
            self.message_user(request, str(error), level="error")
            return self.to_run(dry)
        self.message_user(request, gettext("Erasure approved and started."))
        return self.to_run(run)

    def package_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        run = get_object_or_404(SystemRun, pk=run_id)
        try:
            answer_package.build(run, request.user)
        except TransitionNotAllowed as error:
            self.message_user(request, str(error), level="error")
        else:
            self.message_user(
                request,
                gettext("The answer package is ready: attach it to the answer."),
            )
        return self.to_run(run)

    def download_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(SystemRun, pk=run_id)
        if not run.package:
            raise PermissionDenied
        return FileResponse(
            run.package.open("rb"),
            as_attachment=True,
            filename=f"{run.request.reference}.zip",
        )

    def reply_view(self, request: HttpRequest, run_id: int, part_id: int) -> HttpResponse:
        """Record what a processor answered: the part is done, its reply the evidence."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        part = get_object_or_404(
            RunPart.objects.select_related("run__request", "system"),
            pk=part_id,
            run_id=run_id,
            state=RunPart.State.WAITING,
            waiting_for=RunPart.WaitingFor.REPLY,
        )
        form = admin_forms.ReplyForm(
            *([request.POST, request.FILES] if request.method == "POST" else [])
        )
        if request.method == "POST" and form.is_valid():
            outcome = Outcome(
                reply=form.cleaned_data["reply"],
                files=[kept(part, upload) for upload in form.cleaned_data["files"]],
            )
            if runs.answered(part, RunPart.WaitingFor.REPLY, outcome, request.user):
                self.message_user(request, gettext("The reply was recorded."))
            else:
                self.message_user(request, gettext("A reply was recorded already."), "warning")
            return self.to_run(part.run)
        context = {
            **self.admin_site.each_context(request),
            "opts": PrivacyRequest._meta,
            "original": part.run.request,
            "title": f"{part.run.request.reference}: {part.system.name}",
            "step_label": gettext("Record the reply"),
            "form": form,
        }
        return TemplateResponse(request, "admin/requests_app/privacyrequest/step.html", context)

    def to_run(self, run: SystemRun) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:requests_app_systemrun_change", args=[run.pk]))


def kept(part: RunPart, upload) -> dict[str, str]:
    """A file of the reply, in the private storage beside the part's results."""
    folder = f"connectors/{part.run.request.reference}/run-{part.run_id}/part-{part.pk}"
    path = private_storage().save(f"{folder}/{upload.name}", upload)
    return {"path": path, "name": upload.name}
