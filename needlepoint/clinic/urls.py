from django.urls import path

from . import views

app_name = "clinic"
urlpatterns = [
    path("clinic/clients/<int:client_id>/", views.chart, name="chart"),
    path(
        "clinic/clients/<int:client_id>/screenings/<int:screening_id>/override/",
        views.override,
        name="override",
    ),
    path(
        "clinic/clients/<int:client_id>/appointments/<int:appointment_id>/reviewed/",
        views.reviewed,
        name="reviewed",
    ),
]
