from django.urls import path

from disputes_app import views

app_name = "disputes"

urlpatterns = [
    path("", views.escalate, name="escalate"),
    path("<int:dispute_id>/case-file.<str:fmt>", views.case_file, name="case_file"),
    path("<int:dispute_id>/respond/", views.respond, name="respond"),
]
