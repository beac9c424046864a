"""Who a request came from: the client's address, behind the proxies the deployment names.

The public forms' rate limits (requests_app.ratelimit) and the staff lockout (django-axes,
AXES_CLIENT_IP_CALLABLE) count by the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, as the outermost trusted proxy saw it.

    Without trusted proxies (TRUSTED_PROXY_COUNT=0) that is REMOTE_ADDR, and X-Forwarded-For,
    which anyone can send, is ignored. Behind N proxies each appends the address it got the
    request from, so the entry N from the right is the one the outermost proxy saw; entries
    left of it came from the client itself. A header too short for the chain (the request did
    not pass every proxy) or an entry that is not an address gives REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= proxies and (forwarded := ip_address(hops[-proxies])):
            return forwarded
    return ip_address(request.META.get("REMOTE_ADDR", ""))


def ip_address(value: str) -> str | None:
    """`value` as an IP address in its canonical spelling, or None if it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
