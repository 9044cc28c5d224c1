from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("practitioners/<int:practitioner_id>/", views.practitioner_page, name="practitioner"),
    path(
        "credentials/<int:credential_id>/evidence/",
        views.credential_evidence,
        name="credential-evidence",
    ),
]
