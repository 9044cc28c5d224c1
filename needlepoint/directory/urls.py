from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path(
        "credentials/<id:credential_id>/evidence/",
        views.credential_evidence,
        name="credential-evidence",
    ),
]
