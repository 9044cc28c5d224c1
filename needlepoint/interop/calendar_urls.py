"""Routes of the iCalendar feeds: the feed a calendar app fetches, and the page that manages
its links."""

from django.urls import URLPattern, path

from . import calendar_views

urlpatterns: list[URLPattern] = [
    path("calendar/<str:token>.ics", calendar_views.feed, name="calendar-feed"),
    path("me/calendar/", calendar_views.my_calendar, name="my-calendar"),
]
