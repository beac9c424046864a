"""Outbound webhooks in the admin: the endpoints, their secret, and each one's delivery log."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app import webhooks
from requests_app.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this endpoint is told of."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "active"]


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    can_delete = False
    max_num = 0
    fields = ("created_at", "event", "state", "attempts", "response_status", "last_error")
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    verbose_name_plural = _("latest deliveries")

    def get_queryset(self, request):
        latest = super().get_queryset(request).order_by("-created_at", "-id")
        ids = list(latest.values_list("pk", flat=True)[:20])
        return super().get_queryset(request).filter(pk__in=ids)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("__str__", "url", "active", "created_at")
    list_filter = ("active",)
    readonly_fields = ("secret", "created_at")
    inlines = [DeliveryInline]
    actions = ["send_test_event"]

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "active"]
        return [*fields, "secret", "created_at"] if obj is not None else fields

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            webhooks.send_test(endpoint)
        self.message_user(
            request, gettext("Test events queued: the delivery log shows how they went.")
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "endpoint", "event", "state", "attempts", "response_status")
    list_filter = ("state", "event", "endpoint")
    list_select_related = ("endpoint",)
    readonly_fields = (
        "endpoint",
        "event",
        "message_id",
        "state",
        "attempts",
        "next_attempt_at",
        "response_status",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    )
    fields = readonly_fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
