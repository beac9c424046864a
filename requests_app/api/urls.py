from django.urls import path

from requests_app.api import views

app_name = "api"

urlpatterns = [
    path("requests/", views.RequestCollection.as_view(), name="requests"),
    path("requests/<str:reference>/", views.RequestDetail.as_view(), name="request"),
]
