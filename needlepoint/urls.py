"""Every URL: the pages of each app, the admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from .api import api
from .converters import IdConverter

register_converter(IdConverter, "id")

handler404 = "needlepoint.web.views.not_found"

urlpatterns = [
    path("", include("needlepoint.web.urls")),
    path("", include("needlepoint.directory.urls")),
    path("", include("needlepoint.screening.urls")),
    path("", include("needlepoint.scheduling.urls")),
    path("", include("needlepoint.clinic.urls")),
    path("", include("needlepoint.interop.urls")),
    path("accounts/", include("needlepoint.accounts.urls")),
    # The admin's own login would skip the second factor and the lockout: ours serves it.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
