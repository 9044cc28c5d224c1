from django.urls import path

from . import appointment_views, clinic_views, views

app_name = "scheduling"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("practitioners/<id:practitioner_id>/", views.practitioner_page, name="practitioner"),
    path("practitioners/<id:practitioner_id>/book/", views.book_page, name="book"),
    path("practitioners/<id:practitioner_id>/waitlist/", views.join_waitlist, name="waitlist"),
    path(
        "appointments/<id:appointment_id>.ics",
        appointment_views.appointment_ics,
        name="appointment-ics",
    ),
    path("courses/<id:course_id>.ics", appointment_views.course_ics, name="course-ics"),
    path("me/appointments/", appointment_views.my_appointments, name="my-appointments"),
    path(
        "me/appointments/<id:appointment_id>/",
        appointment_views.appointment_page,
        name="appointment",
    ),
    path(
        "me/appointments/<id:appointment_id>/cancel/",
        appointment_views.cancel_appointment,
        name="cancel",
    ),
    path(
        "me/appointments/<id:appointment_id>/move/",
        appointment_views.move_appointment,
        name="move",
    ),
    path("me/courses/<id:course_id>/", appointment_views.course_page, name="course"),
    path("clinic/", clinic_views.clinic_home, name="clinic"),
    path("clinic/calendar/", clinic_views.practitioner_calendar, name="calendar"),
    path("clinic/locations/<id:location_id>/", clinic_views.location_page, name="location"),
]
