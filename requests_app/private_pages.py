"""The requester's private pages, behind a secret link: how every such page is served.

Apps that build on requests (the escalate page, say) serve their pages behind the same links
with these two pieces, so that each private page has the same headers, 404 and closed page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from requests_app.models import AccessLink, PrivacyRequest


def private_page(view: Callable) -> Callable:
    """Pages behind a secret link: never cached, never indexed, never leak the URL onwards.

    Under `Referrer-Policy: no-referrer` browsers send `Origin: null` with the page's own
    form posts, which Django's CSRF check refuses. The 256-bit token in the path is itself
    the secret a forged cross-site post cannot know, so these views need no CSRF token.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as error:
            # An unknown or tampered token: the portal's 404, with this page's headers.
            response = defaults.page_not_found(request, error)
        except StatusPageClosed as closed:
            context = {
                "reason": "closed",
                "privacy_request": closed.privacy_request,
                "status_link_days": settings.STATUS_LINK_DAYS_AFTER_CLOSE,
            }
            response = render(request, "requests/link_invalid.html", context, status=410)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return csrf_exempt(never_cache(wrapped))


class StatusPageClosed(Exception):
    """A private link to a request closed longer than STATUS_LINK_DAYS_AFTER_CLOSE ago."""

    def __init__(self, privacy_request: PrivacyRequest) -> None:
        super().__init__(privacy_request.reference)
        self.privacy_request = privacy_request


def link_or_404(token: str, purpose: str) -> AccessLink:
    link = AccessLink.find(token, purpose)
    if link is None:
        raise Http404
    if purpose == AccessLink.Purpose.STATUS and not link.request.status_page_open:
        raise StatusPageClosed(link.request)
    return link
