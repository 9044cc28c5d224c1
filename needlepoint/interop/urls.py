"""Open standards: the FHIR R4 API (directory, scheduling, the client's record), the SMART
Scheduling Links feed and the iCalendar feeds. Each part keeps its routes in its own module."""

from django.urls import include, path

app_name = "interop"

urlpatterns = [
    path("", include("needlepoint.interop.directory_urls")),
    path("", include("needlepoint.interop.record_urls")),
    path("", include("needlepoint.interop.calendar_urls")),
]
