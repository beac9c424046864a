"""CORS for the public intake only: django-cors-headers, narrowed to the methods it allows."""

from __future__ import annotations

from corsheaders.conf import conf
from corsheaders.middleware import CorsMiddleware as LibraryCorsMiddleware
from django.http import HttpRequest


class CorsMiddleware(LibraryCorsMiddleware):
    """The library's middleware for CORS_URLS_REGEX, and there only for the methods in
    CORS_ALLOW_METHODS (a preflight by the method it asks for): a staff call on the same
    path is answered without any CORS header."""

    def is_enabled(self, request: HttpRequest) -> bool:
        method = request.method or ""
        if method == "OPTIONS":
            method = request.headers.get("Access-Control-Request-Method", "")
        return method.upper() in conf.CORS_ALLOW_METHODS and super().is_enabled(request)
