from django.urls import path

from requests_app.api import moves, views

app_name = "api"

urlpatterns = [
    path("requests/", views.RequestCollection.as_view(), name="requests"),
    path("requests/<str:reference>/", views.RequestDetail.as_view(), name="request"),
    path(
        "requests/<str:reference>/moves/<str:move>/",
        moves.RequestMove.as_view(),
        name="move",
    ),
]
