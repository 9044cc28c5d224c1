"""Forms of the booking pages: they parse and explain; the services decide what may be booked."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from needlepoint.screening.selectors import CourseDefaults

from . import services

MIN_COURSE_SESSIONS = 2
MAX_COURSE_SESSIONS = 6
DEFAULT_COURSE_SESSIONS = 3


def parse_aware(value: str) -> dt.datetime:
    """An ISO 8601 time with its UTC offset. A "+" in an unencoded query string arrives as a
    space, so one is read back as "+"."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        raise ValidationError("That is not a time we understand.", code="invalid") from None
    if moment.tzinfo is None:
        raise ValidationError(services.PROBLEM_MESSAGES["naive_time"], code="naive_time")
    return moment


class AwareDateTimeField(forms.CharField):
    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        return parse_aware(text) if text else None


class BookingForm(forms.Form):
    """The booking page's one form: the first session, one session or a course, and each
    later session's time as `session_<n>` (the proposal, or the client's own pick)."""

    start = AwareDateTimeField()
    kind = forms.ChoiceField(
        choices=[("one", "One session"), ("course", "A course")], required=False
    )
    sessions = forms.TypedChoiceField(
        choices=[(n, n) for n in range(MIN_COURSE_SESSIONS, MAX_COURSE_SESSIONS + 1)],
        coerce=int,
        required=False,
    )
    min_gap_days = forms.IntegerField(min_value=1, max_value=180, required=False)
    max_gap_days = forms.IntegerField(min_value=1, max_value=180, required=False)

    def __init__(self, data: Any, *, plan: CourseDefaults | None = None) -> None:
        """`plan`: the course the client's screening suggests, used where the client has not
        chosen (else four-weekly sessions, the usual spacing)."""
        super().__init__(data)
        self.plan = plan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = self.plan
        sessions = plan.sessions if plan else DEFAULT_COURSE_SESSIONS
        data["kind"] = data.get("kind") or "one"
        data["concern"] = plan.concern if plan else None
        data["sessions"] = data.get("sessions") or min(
            max(sessions, MIN_COURSE_SESSIONS), MAX_COURSE_SESSIONS
        )
        data["min_gap_days"] = data.get("min_gap_days") or (
            plan.min_gap_days if plan else services.DEFAULT_MIN_GAP_DAYS
        )
        data["max_gap_days"] = data.get("max_gap_days") or (
            plan.max_gap_days if plan else services.DEFAULT_MAX_GAP_DAYS
        )
        if data["max_gap_days"] < data["min_gap_days"]:
            self.add_error("max_gap_days", "The longest gap must not be shorter than the shortest.")
        data["chosen"] = self._later_starts(data["sessions"])
        return data

    def _later_starts(self, sessions: int) -> dict[int, dt.datetime]:
        chosen: dict[int, dt.datetime] = {}
        for number in range(2, sessions + 1):
            raw = self.data.get(f"session_{number}")
            if not raw:
                continue
            try:
                chosen[number] = parse_aware(raw)
            except ValidationError as error:
                self.add_error(None, f"Session {number}: {error.messages[0]}")
        return chosen


class WaitlistForm(forms.Form):
    earliest = forms.DateField(label="From")
    latest = forms.DateField(label="Until")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False)


class MoveForm(forms.Form):
    """A new start for one session; `also` carries later sessions of its course to move with
    it, each as "<appointment id>=<ISO time>" (the proposal after a spacing conflict)."""

    start = AwareDateTimeField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        also: dict[int, dt.datetime] = {}
        for item in self.data.getlist("also") if hasattr(self.data, "getlist") else []:
            appointment_id, _, when = item.partition("=")
            try:
                also[int(appointment_id)] = parse_aware(when)
            except (ValueError, ValidationError):
                self.add_error(None, "A proposed session could not be read; please try again.")
        data["also"] = also
        return data
