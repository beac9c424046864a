"""The request list's own pages: the figures (and each table as CSV), the export of the list
as filtered, and each officer's exports. Mixed into PrivacyRequestAdmin, whose URLs they get."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from requests_app import admin_forms, exports, report
from requests_app.admin import bulk
from requests_app.admin.filters import today
from requests_app.models import Export, private_storage


class ListPages:
    """The figures and the exports, beside the request list (`list_page_urls`)."""

    def list_page_urls(self) -> list:
        routes = [
            ("report/", self.report_view, "report"),
            ("report/recount/", self.report_recount_view, "report_recount"),
            ("report/<slug:table>.csv", self.report_csv_view, "report_csv"),
            ("export.csv", self.export_view, "export"),
            ("exports/", self.exports_view, "exports"),
            ("exports/<int:export_id>/download/", self.export_download_view, "export_download"),
        ]
        prefix = "requests_app_privacyrequest"
        return [
            path(route, self.admin_site.admin_view(view), name=f"{prefix}_{name}")
            for route, view, name in routes
        ]

    def report_view(self, request: HttpRequest) -> TemplateResponse:
        """The figures for the record, for a year or a quarter."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = admin_forms.PeriodForm(request.GET or None, today=today())
        period = form.period()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Figures for %(period)s") % {"period": period.label},
            "form": form,
            "figures": report.figures(period, today()),
        }
        return TemplateResponse(request, "admin/requests_app/privacyrequest/report.html", context)

    def report_recount_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """Count the figures again now (POST), then show the same period."""
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        report.forget()
        period = admin_forms.PeriodForm(request.POST, today=today()).period()
        url = reverse("admin:requests_app_privacyrequest_report")
        return HttpResponseRedirect(f"{url}?{period.query}")

    def report_csv_view(self, request: HttpRequest, table: str) -> HttpResponse:
        """One table of the figures as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = admin_forms.PeriodForm(request.GET or None, today=today()).period()
        found = report.figures(period, today()).table(table)
        if found is None:
            raise Http404
        response = HttpResponse(found.csv(), content_type="text/csv")
        name = f"{table}-{period.label.replace(' ', '-')}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The list as filtered on screen, as CSV: at once when short, else by a worker."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        if not exports.is_long(queryset):
            return bulk.csv_download(queryset, "privacy-requests.csv")
        exports.start(request.user, request.GET.urlencode())
        self.message_user(
            request,
            gettext(
                "The list is long: it is being written to a file. It appears here to download "
                "when it is ready; reload the page to see."
            ),
        )
        return HttpResponseRedirect(reverse("admin:requests_app_privacyrequest_exports"))

    def exports_view(self, request: HttpRequest) -> TemplateResponse:
        """The officer's own exports of the last days, newest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Your exports"),
            "exports": Export.objects.filter(requested_by=request.user),
            "keep_days": exports.KEEP_DAYS,
        }
        return TemplateResponse(request, "admin/requests_app/privacyrequest/exports.html", context)

    def export_download_view(self, request: HttpRequest, export_id: int) -> FileResponse:
        """An export's file, for the officer who asked for it and no one else."""
        export = get_object_or_404(
            Export, pk=export_id, requested_by=request.user, state=Export.State.DONE
        )
        return FileResponse(
            private_storage().open(export.path, "rb"),
            as_attachment=True,
            filename=f"privacy-requests-{export.created_at:%Y-%m-%d}.csv",
            content_type="text/csv",
        )
