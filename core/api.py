"""The API's authentication and permissions: a Bearer token acts as its user, and may do what
the user may in the admin (a read-only token only reads)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core.models import ApiToken


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` with a token from `manage.py create_api_token`."""

    keyword = "bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        scheme, _space, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.keyword:
            # No credentials (or another scheme's): the permissions answer 401 with the challenge.
            return None
        found = ApiToken.find(token.strip())
        if found is None or not found.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is unknown or was revoked."))
        found.mark_used()
        return found.user, found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenScope(BasePermission):
    """A read-only token may only read."""

    message = _("This token is read-only.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        return not (isinstance(token, ApiToken) and token.read_only) or (
            request.method in SAFE_METHODS
        )


class AdminPermissions(BasePermission):
    """The user's permissions on the view's model, read as the admin reads them: an active
    staff member; to read, permission to view or change; otherwise the method's own."""

    message = _("Your account may not do this.")
    method_actions = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        opts = view.get_queryset().model._meta
        if request.method in SAFE_METHODS:
            actions = ["view", "change"]
        else:
            # A view may name the permission its writes need (a step on a request: change).
            actions = [
                getattr(view, "permission_action", None)
                or self.method_actions.get(request.method, "change")
            ]
        return any(
            user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in actions
        )


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema names the token (drf-spectacular finds this class by its target)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "A staff member's token from `python manage.py create_api_token USER "
                    "[--read-only]`, as `Authorization: Bearer pp_…`. It may do what its user "
                    "may in the admin; a read-only token only reads."
                )
            ),
        }
