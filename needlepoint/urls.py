"""Every URL: the pages of each app, the admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path, register_converter

from .api import api
from .converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("needlepoint.web.urls")),
    path("", include("needlepoint.directory.urls")),
    path("", include("needlepoint.screening.urls")),
    path("", include("needlepoint.scheduling.urls")),
    path("", include("needlepoint.clinic.urls")),
    path("accounts/", include("needlepoint.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
