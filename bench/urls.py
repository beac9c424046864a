"""The portal's URLs plus /bench/floor/: the cheapest POST that writes a row, for comparison."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.views.decorators.http import require_POST

from core.together import cursor_binding_on_server


@require_POST
def floor_view(request: HttpRequest) -> HttpResponse:
    """One INSERT and a 302, behind the same middleware and CSRF check as the intake; its
    statement prepared, as a filing's is (the cheaper way for PostgreSQL)."""
    with cursor_binding_on_server() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (payload) VALUES (%s)", [request.POST.get("details", "")]
        )
    return redirect("/bench/floor/done/")


urlpatterns = [
    path("", include("privacyportal.urls")),
    path("bench/floor/", floor_view, name="bench_floor"),
]
