"""Sections other apps add to the requester's status page (disputes), so that this app
never imports them. Each panel renders its own template to safe HTML."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from requests_app.models import PrivacyRequest

Panel = Callable[[HttpRequest, PrivacyRequest, str], SafeString]
registered: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in registered:
        registered.append(panel)
    return panel


def render_all(
    request: HttpRequest, privacy_request: PrivacyRequest, token: str
) -> list[SafeString]:
    return [panel(request, privacy_request, token) for panel in registered]
