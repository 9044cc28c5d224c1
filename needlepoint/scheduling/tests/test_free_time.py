"""The kept first free slots (free_time.py) never answer differently from computing them: after
bookings, cancellations, time off, changed hours and time passing, in any order."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import free_time, services
from needlepoint.scheduling.models import NextFreeSlots, TimeOff, WorkingHours
from needlepoint.scheduling.selectors import Slot, next_free_slots

from .factories import bookable, client_user

pytestmark = pytest.mark.django_db

WINDOWS = (1, 7, 14, free_time.DAYS)


def plain(found: dict[int, list[Slot]]) -> dict[int, list[tuple[dt.datetime, dt.datetime, int]]]:
    return {pk: [(s.start, s.end, s.location.pk) for s in slots] for pk, slots in found.items()}


def agree(practitioners: list[Practitioner], now: dt.datetime) -> None:
    """Kept and computed answers are the same for every window (the practitioners read
    afresh, as a search reads them)."""
    fresh = list(Practitioner.objects.filter(pk__in=[p.pk for p in practitioners]))
    for days in WINDOWS:
        kept = free_time.first_free_slots([p.pk for p in fresh], now=now, days=days)
        computed = next_free_slots(fresh, now=now, days=days, count=free_time.SLOTS)
        assert plain(kept) == plain(computed), days


def test_a_booked_first_slot_is_no_longer_offered() -> None:
    practitioner = bookable()
    client = client_user()
    now = timezone.now()
    (first, *_) = free_time.first_free_slots([practitioner.pk], now=now, days=7)[practitioner.pk]
    assert NextFreeSlots.objects.filter(practitioner=practitioner).exists()
    services.book_appointment(client=client, practitioner_id=practitioner.pk, start=first.start)
    practitioner.refresh_from_db()
    after = free_time.first_free_slots([practitioner.pk], now=now, days=7)[practitioner.pk]
    assert first.start not in [s.start for s in after]
    agree([practitioner], now)


def test_a_row_is_not_trusted_once_its_first_slot_is_too_soon() -> None:
    practitioner = bookable(min_notice_minutes=60)
    now = timezone.now()
    (first, *_) = free_time.first_free_slots([practitioner.pk], now=now, days=7)[practitioner.pk]
    later = first.start - dt.timedelta(minutes=59)  # within the notice of the kept first slot
    after = free_time.first_free_slots([practitioner.pk], now=later, days=7)[practitioner.pk]
    assert after[0].start > first.start
    agree([practitioner], later)


def test_someone_with_no_hours_has_no_slots_and_gets_them_with_hours() -> None:
    practitioner = bookable(weekdays=range(0))
    now = timezone.now()
    assert free_time.first_free_slots([practitioner.pk], now=now, days=14)[practitioner.pk] == []
    WorkingHours.objects.create(
        practitioner=practitioner,
        location=practitioner.locations.get(),
        weekday=(now + dt.timedelta(days=2)).weekday(),
        start=dt.time(10),
        end=dt.time(12),
    )
    practitioner.refresh_from_db()
    assert (
        len(free_time.first_free_slots([practitioner.pk], now=now, days=14)[practitioner.pk]) == 3
    )
    agree([practitioner], now)


def test_the_sweep_computes_what_is_due_and_nothing_twice() -> None:
    practitioners = [bookable(), bookable(weekdays=range(2))]
    now = timezone.now()
    assert free_time.sweep(now) == len(practitioners)
    assert free_time.sweep(now, ahead=dt.timedelta(0)) == 0
    TimeOff.objects.create(
        practitioner=practitioners[0],
        start=now,
        end=now + dt.timedelta(days=3),
        reason="Training",
    )
    assert free_time.due(now, ahead=dt.timedelta(0)) == [practitioners[0].pk]
    call_command("refresh_free_slots", verbosity=0)
    assert free_time.due(timezone.now(), ahead=dt.timedelta(0)) == []
    agree(practitioners, now)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["book", "cancel", "time_off", "drop_day", "wait"]),
        st.integers(min_value=0, max_value=10_000),
    ),
    max_size=10,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS, weekdays=st.sampled_from([range(7), range(5), range(2, 3)]))
def test_kept_slots_agree_with_computed_ones_whatever_happens(
    operations: list[tuple[str, int]], weekdays: range
) -> None:
    practitioner = bookable(
        weekdays=weekdays, hours=(dt.time(9), dt.time(11)), cancellation_notice_hours=0
    )
    client = client_user()
    now = timezone.now()
    booked = []
    for operation, n in operations:
        agree([practitioner], now)
        free = next_free_slots([practitioner], now=now, days=14, count=8)[practitioner.pk]
        if operation == "book" and free:
            start = free[n % len(free)].start
            booked.append(
                services.book_appointment(
                    client=client, practitioner_id=practitioner.pk, start=start, now=now
                )
            )
        elif operation == "cancel" and (ahead := [a for a in booked if a.start > now]):
            # only a session that has not started may be cancelled ("wait" may have passed it)
            appointment = ahead[n % len(ahead)]
            booked.remove(appointment)
            services.cancel_appointment(by=client, appointment_id=appointment.pk, now=now)
        elif operation == "time_off":
            start = now + dt.timedelta(minutes=n)
            TimeOff.objects.create(
                practitioner=practitioner, start=start, end=start + dt.timedelta(hours=5)
            )
        elif operation == "drop_day":
            WorkingHours.objects.filter(practitioner=practitioner, weekday=n % 7).delete()
        elif operation == "wait":
            now += dt.timedelta(minutes=n)
    agree([practitioner], now)
