"""When: working hours, time off, appointments and courses, the waitlist and client messages.

Double booking is made impossible by the database: on PostgreSQL an exclusion constraint over
(practitioner, [start, blocked_until)) for booked appointments (migration 0002, btree_gist); on
SQLite every transaction begins IMMEDIATE (settings), so the overlap check and the insert in
services.py run under the one write lock."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from needlepoint.screening.clearance import DEFAULT_VALID_DAYS


class BookingPolicy(models.Model):
    """A clinic's booking rules. Clinics without a row get the defaults."""

    clinic = models.OneToOneField(
        "directory.Clinic", on_delete=models.CASCADE, related_name="booking_policy"
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)], help_text="Kept free after each session"
    )
    min_notice_minutes = models.PositiveIntegerField(default=120)
    horizon_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Clients may cancel or move a session up to this long before it"
    )
    screening_valid_days = models.PositiveSmallIntegerField(
        default=DEFAULT_VALID_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Online booking needs a suitability screening no older than this",
    )

    def __str__(self) -> str:
        return f"Booking policy of {self.clinic}"


DEFAULT_POLICY = BookingPolicy(
    buffer_minutes=0,
    min_notice_minutes=120,
    horizon_days=90,
    cancellation_notice_hours=24,
    screening_valid_days=DEFAULT_VALID_DAYS,
)


class WorkingHours(models.Model):
    """A weekly range a practitioner works at a location, in the location's local time."""

    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.CASCADE, related_name="working_hours"
    )
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(6)], help_text="0 = Monday … 6 = Sunday"
    )
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_range"),
        ]
        indexes = [models.Index(fields=["practitioner", "weekday"])]

    def __str__(self) -> str:
        return f"{self.practitioner} {self.weekday} {self.start}–{self.end}"


class DayOverride(models.Model):
    """One local date whose hours replace the weekly ones: a range, or closed (no times)."""

    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.CASCADE, related_name="day_overrides"
    )
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, end__gt=F("start")),
                name="override_closed_or_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} {self.date}: {self.start or 'closed'}–{self.end or ''}"


class TimeOff(models.Model):
    """A stretch a practitioner cannot be booked (holiday, training), any length."""

    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="time_off_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} off {self.start:%Y-%m-%d}"


class Course(models.Model):
    """Several sessions of one treatment, weeks apart, booked whole."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="courses"
    )
    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.PROTECT, related_name="courses"
    )
    concern = models.ForeignKey(
        "directory.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    min_gap_days = models.PositiveSmallIntegerField()
    max_gap_days = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(max_gap_days__gte=F("min_gap_days")), name="course_gap_bounds"
            )
        ]

    def __str__(self) -> str:
        return f"Course of {self.sessions} with {self.practitioner}"

    @property
    def min_gap(self) -> dt.timedelta:
        return dt.timedelta(days=self.min_gap_days)

    @property
    def max_gap(self) -> dt.timedelta:
        return dt.timedelta(days=self.max_gap_days)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def booked(self) -> "AppointmentQuerySet":
        return self.filter(status=Appointment.Status.BOOKED)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> "AppointmentQuerySet":
        """Booked appointments whose blocked time [start, blocked_until) meets [start, end)."""
        return self.booked().filter(start__lt=end, blocked_until__gt=start)


class Appointment(models.Model):
    """One session booked by a client with a practitioner at a location."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "Did not attend"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.PROTECT, related_name="appointments"
    )
    location = models.ForeignKey("directory.Location", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="appointments"
    )
    sequence = models.PositiveSmallIntegerField(default=1, help_text="Session number in a course")
    start = models.DateTimeField()
    end = models.DateTimeField()
    blocked_until = models.DateTimeField(help_text="end plus the clinic's buffer at booking time")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    aftercare_sent_at = models.DateTimeField(null=True, blank=True)
    # The screening the booking relied on, and the override that cleared it if one did.
    screening = models.ForeignKey(
        "screening.ScreeningRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    screening_override = models.ForeignKey(
        "screening.ScreeningOverride",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A newer screening whose answers differ from the one above: the practitioner reviews it.
    rescreen = models.ForeignKey(
        "screening.ScreeningRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rescreen_reviewed_at = models.DateTimeField(null=True, blank=True)
    rescreen_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="appointment_positive"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("end")), name="appointment_blocks_its_time"
            ),
        ]
        indexes = [
            # Availability reads one practitioner's booked appointments in a time range.
            models.Index(fields=["practitioner", "status", "start"]),
            models.Index(fields=["client", "start"]),
            models.Index(fields=["status", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def needs_screening_review(self) -> bool:
        return self.rescreen_id is not None and self.rescreen_reviewed_at is None


class WaitlistEntry(models.Model):
    """A client waiting for an earlier slot with a practitioner between two dates."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a slot"
        CLOSED = "closed", "Closed"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.CASCADE, related_name="waitlist"
    )
    earliest = models.DateField()
    latest = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    offered_start = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(latest__gte=F("earliest")), name="waitlist_window")
        ]

    def __str__(self) -> str:
        return f"{self.client} waiting for {self.practitioner}"


class Message(models.Model):
    """What Needlepoint told a client (and e-mailed), listed in their account."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Booking confirmation"
        REMINDER = "reminder", "Reminder"
        AFTERCARE = "aftercare", "Aftercare"
        NEXT_SESSION = "next_session", "Next session due"
        CANCELLATION = "cancellation", "Cancellation"
        RESCHEDULE = "reschedule", "Rescheduled"
        WAITLIST_OFFER = "waitlist_offer", "A slot came free"
        CHECK_IN = "check_in", "Check-in after a session"
        RECALL = "recall", "Cartridge lot recall"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class NextFreeSlots(models.Model):
    """A practitioner's first free slots, kept so that "near me, free within N days" reads one
    row per candidate instead of computing their free time (scheduling/free_time.py).

    A cache the search checks before trusting: it holds only while the practitioner's
    `availability_changed_at` still equals `basis` (every write that changes free time stamps
    it: interop/change_tracking.py), and while enough of its slots are still bookable or, when
    fewer were found than kept, while the window asked ends by `known_until`. `fresh_until`
    is when it stops holding for the default search: what the sweep looks at."""

    practitioner = models.OneToOneField(
        "directory.Practitioner",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="next_free",
    )
    basis = models.DateTimeField(help_text="The practitioner's availability_changed_at read")
    computed_at = models.DateTimeField()
    fresh_until = models.DateTimeField(db_index=True)
    known_until = models.DateTimeField(
        null=True, blank=True, help_text="Free time is known up to here; empty when complete"
    )
    notice_minutes = models.PositiveIntegerField(help_text="The booking notice they were for")
    slots = models.JSONField(default=list, help_text="[[start, end, location id], …] in UTC")

    def __str__(self) -> str:
        return f"Next free slots of practitioner {self.practitioner_id}"
