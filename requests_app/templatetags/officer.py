from django import template
from django.utils.safestring import SafeString, mark_safe

from requests_app import dashboard, hooks

register = template.Library()


@register.inclusion_tag("admin/requests_app/dashboard.html")
def officer_dashboard() -> dict:
    return {"tiles": dashboard.tiles()}


@register.simple_tag(takes_context=True)
def dashboard_sections(context: template.Context) -> SafeString:
    """What other apps add to the dashboard (requests_app.hooks); each section is HTML it
    rendered and escaped itself, shown to staff who may see it."""
    http_request = context["request"]
    return mark_safe(  # noqa: S308
        "".join(section(http_request) for section in hooks.dashboard_sections)
    )
