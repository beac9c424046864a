from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from requests_app import views as request_views
from requests_app.connectors import views as connector_views

urlpatterns = [
    path("", request_views.home, name="home"),
    path("requests/status/<str:token>/escalate/", include("disputes_app.urls")),
    path("requests/", include("requests_app.urls")),
    path(
        "connectors/callback/<str:token>/",
        connector_views.callback,
        name="connector_callback",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("requests_app.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/docs.html"),
        name="api_docs",
    ),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
