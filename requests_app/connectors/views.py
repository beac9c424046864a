"""The webhook connector's callback: where a system that answered 202 posts its result."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from requests_app.connectors import webhook


@csrf_exempt  # a machine's signed POST: the Standard Webhooks signature stands in for CSRF
@require_POST
def callback(request: HttpRequest, token: str) -> JsonResponse:
    status, message = webhook.receive(token, request.body, dict(request.headers))
    return JsonResponse({"detail": message}, status=status)
