"""Availability settings for platform staff: booking policies, hours, overrides, time off."""

from django.contrib import admin

from .models import BookingPolicy, DayOverride, TimeOff, WorkingHours

# Appointments, courses, the waitlist and messages are clients' data: platform staff do not see
# them here (ARCHITECTURE: staff read no client record unless a clinic grants it).


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    list_display = ["clinic", "buffer_minutes", "min_notice_minutes", "horizon_days"]
    raw_id_fields = ["clinic"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "location", "weekday", "start", "end"]
    list_filter = ["weekday"]
    raw_id_fields = ["practitioner", "location"]
    search_fields = ["practitioner__full_name"]


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "location", "date", "start", "end"]
    raw_id_fields = ["practitioner", "location"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "start", "end", "reason"]
    raw_id_fields = ["practitioner"]
