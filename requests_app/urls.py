from django.urls import path

from requests_app import views

app_name = "requests"

urlpatterns = [
    path("new/", views.new_request, name="new"),
    path("filed/", views.filed, name="filed"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("status/", views.lost_link, name="lost_link"),
    path("status/<str:token>/", views.status, name="status"),
    path("status/<str:token>/messages/", views.post_message, name="post_message"),
    path("status/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("status/<str:token>/files/<int:file_id>/", views.download, name="file"),
]
