from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("screening/", views.start, name="start"),
    path("screening/keep/", views.keep, name="keep"),
    path("screening/options/", views.compare, name="compare"),
    path("me/screenings/", views.mine, name="mine"),
    path("me/screenings/<id:screening_id>/", views.result, name="result"),
]
