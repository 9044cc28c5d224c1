"""propose_course_starts: the later sessions the booking page proposes, DST days included."""

import datetime as dt

import pytest

from needlepoint.scheduling import selectors, services
from needlepoint.scheduling.models import TimeOff, WorkingHours

from .factories import LONDON, bookable, client_user

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


# A Monday a fortnight before the spring clock change of 2027 (28 March, 01:00 UTC).
FIRST_DAY = dt.date(2027, 3, 8)
NOW = at(dt.date(2027, 3, 1), 8)


@pytest.fixture
def practitioner():
    practitioner = bookable()
    policy = practitioner.clinic.booking_policy
    policy.horizon_days = 366
    policy.screening_valid_days = 365  # NOW is months after the clients' screening
    policy.save()
    return practitioner


def propose(practitioner, first: dt.datetime, sessions: int = 3, gaps=(28, 42)):
    return selectors.propose_course_starts(
        practitioner,
        first,
        sessions=sessions,
        min_gap_days=gaps[0],
        max_gap_days=gaps[1],
        now=NOW,
    )


def test_later_sessions_keep_the_local_time_across_the_clock_change(practitioner) -> None:
    first = at(FIRST_DAY, 10)
    proposal = propose(practitioner, first)
    assert [s.local_start for s in proposal] == [
        at(FIRST_DAY + dt.timedelta(days=28), 10),
        at(FIRST_DAY + dt.timedelta(days=56), 10),
    ]
    # 10:00 GMT to 10:00 BST is 28 days less an hour of elapsed time, which the rule allows.
    assert proposal[0].start - first == dt.timedelta(days=28, hours=-1)
    starts = [first, *(s.start for s in proposal)]
    assert services.spacing_ok(starts, dt.timedelta(days=28), dt.timedelta(days=42))


def test_a_taken_time_of_day_moves_to_the_next_day_at_that_time(practitioner) -> None:
    first = at(FIRST_DAY, 10)
    services.book_appointment(
        client=client_user(),
        practitioner_id=practitioner.pk,
        start=at(FIRST_DAY + dt.timedelta(days=28), 10),
        now=NOW,
    )
    proposal = propose(practitioner, first, sessions=2)
    assert [s.local_start for s in proposal] == [at(FIRST_DAY + dt.timedelta(days=29), 10)]


def test_without_that_time_of_day_the_first_free_slot_is_proposed(practitioner) -> None:
    first = at(FIRST_DAY, 10)
    WorkingHours.objects.filter(practitioner=practitioner).update(
        start=dt.time(13), end=dt.time(17)
    )
    proposal = propose(practitioner, first, sessions=2)
    assert [s.local_start for s in proposal] == [at(FIRST_DAY + dt.timedelta(days=28), 13)]


def test_a_window_with_no_free_time_ends_the_proposal(practitioner) -> None:
    first = at(FIRST_DAY, 10)
    TimeOff.objects.create(
        practitioner=practitioner,
        start=at(FIRST_DAY + dt.timedelta(days=50), 0),
        end=at(FIRST_DAY + dt.timedelta(days=100), 0),
    )
    proposal = propose(practitioner, first, sessions=4)
    assert len(proposal) == 1
    plan = selectors.plan_course(
        practitioner, first, sessions=4, min_gap_days=28, max_gap_days=42, now=NOW
    )
    assert [p.number for p in plan] == [2, 3]
    assert plan[1].chosen is None
    assert plan[1].options == []


def test_every_option_of_a_window_respects_the_spacing(practitioner) -> None:
    first = at(FIRST_DAY, 10)
    plan = selectors.plan_course(
        practitioner, first, sessions=2, min_gap_days=28, max_gap_days=42, now=NOW
    )
    options = plan[0].options
    assert options
    assert all(
        services.spacing_ok([first, o.start], dt.timedelta(days=28), dt.timedelta(days=42))
        for o in options
    )
    # From 28 days less an hour of elapsed time (10:00 BST is 09:00 UTC) to 42 days and an
    # hour, which the clock change makes 12:00 BST.
    assert options[0].local_start == at(FIRST_DAY + dt.timedelta(days=28), 10)
    assert options[-1].local_start == at(FIRST_DAY + dt.timedelta(days=42), 12)


def test_the_clients_own_pick_is_kept_while_it_is_free(practitioner) -> None:
    first = at(FIRST_DAY, 10)
    pick = at(FIRST_DAY + dt.timedelta(days=33), 15, 30)
    plan = selectors.plan_course(
        practitioner,
        first,
        sessions=3,
        min_gap_days=28,
        max_gap_days=42,
        now=NOW,
        chosen={2: pick},
    )
    assert plan[0].chosen is not None
    assert plan[0].chosen.start == pick
    assert plan[1].chosen is not None
    # 28 days after 15:30 the 10:00 slot is too early by 5.5 hours: the next day, at 10:00.
    assert plan[1].chosen.local_start == at(pick.date() + dt.timedelta(days=29), 10)
