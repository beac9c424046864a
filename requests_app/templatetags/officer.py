from django import template

from requests_app import dashboard

register = template.Library()


@register.inclusion_tag("admin/requests_app/dashboard.html")
def officer_dashboard() -> dict:
    return {"tiles": dashboard.tiles()}
