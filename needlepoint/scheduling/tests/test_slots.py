"""Free slots from weekly hours: DST in both directions and hemispheres, overrides, time off,
buffers, notice, horizon, the local grid, and properties checked against brute force."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.scheduling.slots import (
    Interval,
    Rules,
    WeeklyHours,
    course_dates_ok,
    free_slots,
    merge,
    next_free,
    slot_problem,
    subtract,
    working_intervals,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # its clocks change by half an hour

MINUTE = timedelta(minutes=1)
HALF_HOUR = timedelta(minutes=30)
DAY = timedelta(days=1)

# (zone, Sunday of the change, hours of real time between 00:30 and 03:30 local that night)
CHANGE_NIGHTS = [
    pytest.param(LONDON, date(2026, 3, 29), 2, id="london-spring"),
    pytest.param(LONDON, date(2026, 10, 25), 4, id="london-autumn"),
    pytest.param(NEW_YORK, date(2026, 3, 8), 2, id="new-york-spring"),
    pytest.param(NEW_YORK, date(2026, 11, 1), 4, id="new-york-autumn"),
    pytest.param(SYDNEY, date(2026, 4, 5), 4, id="sydney-autumn"),
    pytest.param(SYDNEY, date(2026, 10, 4), 2, id="sydney-spring"),
]


def local(zone: ZoneInfo, day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).replace(fold=fold)


def every_day(start: time, end: time) -> tuple[WeeklyHours, ...]:
    return tuple(WeeklyHours(weekday, start, end) for weekday in range(7))


def weekdays(start: time, end: time) -> tuple[WeeklyHours, ...]:
    return tuple(WeeklyHours(weekday, start, end) for weekday in range(5))


def walls(zone: ZoneInfo, found: list[Interval]) -> list[str]:
    return [s.astimezone(zone).strftime("%H:%M") for s, _ in found]


def day_slots(rules: Rules, day: date, busy: list[Interval] | None = None) -> list[Interval]:
    """The free slots of one local day, asked for well inside notice and horizon."""
    start = local(rules.zone, day, 0)
    return free_slots(
        rules, busy=busy or [], now=start - 3 * DAY, start=start, end=local(rules.zone, day, 23)
    )


# --- DST ------------------------------------------------------------------------------------


def test_a_monday_nine_to_five_stays_nine_to_five_local_across_the_spring_change() -> None:
    rules = Rules(zone=LONDON, weekly=(WeeklyHours(0, time(9), time(17)),))
    found = working_intervals(
        rules, datetime(2026, 3, 22, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert found == [
        (datetime(2026, 3, 23, 9, tzinfo=UTC), datetime(2026, 3, 23, 17, tzinfo=UTC)),
        (datetime(2026, 3, 30, 8, tzinfo=UTC), datetime(2026, 3, 30, 16, tzinfo=UTC)),
    ]


def test_a_monday_nine_to_five_stays_nine_to_five_local_across_the_autumn_change() -> None:
    rules = Rules(zone=NEW_YORK, weekly=(WeeklyHours(0, time(9), time(17)),))
    found = working_intervals(
        rules, datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)
    )
    assert found == [
        (datetime(2026, 10, 26, 13, tzinfo=UTC), datetime(2026, 10, 26, 21, tzinfo=UTC)),
        (datetime(2026, 11, 2, 14, tzinfo=UTC), datetime(2026, 11, 2, 22, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(("zone", "change", "hours"), CHANGE_NIGHTS)
def test_the_nine_oclock_slot_is_nine_local_on_the_days_either_side_of_a_change(
    zone: ZoneInfo, change: date, hours: int
) -> None:
    rules = Rules(zone=zone, weekly=every_day(time(9), time(17)))
    before, after = day_slots(rules, change - DAY), day_slots(rules, change + DAY)
    assert before[0][0].astimezone(zone).time() == time(9)
    assert after[0][0].astimezone(zone).time() == time(9)
    assert before[-1][1].astimezone(zone).time() == time(17)
    assert after[-1][1].astimezone(zone).time() == time(17)
    assert len(before) == len(after) == 16
    # Not vacuous: the two nines really are a different number of hours from UTC midnight.
    assert before[0][0].astimezone(zone).utcoffset() != after[0][0].astimezone(zone).utcoffset()


@pytest.mark.parametrize(("zone", "change", "hours"), CHANGE_NIGHTS)
def test_a_night_range_spanning_the_change_holds_one_slot_per_real_half_hour(
    zone: ZoneInfo, change: date, hours: int
) -> None:
    rules = Rules(zone=zone, weekly=(WeeklyHours(6, time(0, 30), time(3, 30)),))
    found = day_slots(rules, change)
    assert len(found) == hours * 2
    assert found[-1][1] - found[0][0] == timedelta(hours=hours)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(found))
    assert [s.astimezone(zone).time().minute in (0, 30) for s, _ in found] == [True] * len(found)


def test_the_change_nights_show_the_wall_clock_the_client_will_see() -> None:
    autumn = day_slots(
        Rules(zone=LONDON, weekly=(WeeklyHours(6, time(0, 30), time(3, 30)),)), date(2026, 10, 25)
    )
    assert walls(LONDON, autumn) == [
        "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00"
    ]  # fmt: skip
    spring = day_slots(
        Rules(zone=SYDNEY, weekly=(WeeklyHours(6, time(0, 30), time(3, 30)),)), date(2026, 10, 4)
    )
    assert walls(SYDNEY, spring) == ["00:30", "01:00", "01:30", "03:00"]
    sydney_autumn = day_slots(
        Rules(zone=SYDNEY, weekly=(WeeklyHours(6, time(0, 30), time(3, 30)),)), date(2026, 4, 5)
    )
    assert walls(SYDNEY, sydney_autumn) == [
        "00:30", "01:00", "01:30", "02:00", "02:30", "02:00", "02:30", "03:00"
    ]  # fmt: skip


def test_hours_starting_inside_the_spring_gap_start_when_the_gap_ends() -> None:
    rules = Rules(zone=LONDON, weekly=(WeeklyHours(6, time(1, 30), time(4)),))
    night = (datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert working_intervals(rules, *night) == [
        (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC))
    ]
    new_york = Rules(zone=NEW_YORK, weekly=(WeeklyHours(6, time(2, 30), time(4)),))
    assert working_intervals(
        new_york, datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    ) == [(datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 8, 8, tzinfo=UTC))]


def test_hours_ending_inside_the_spring_gap_end_when_the_gap_begins() -> None:
    rules = Rules(zone=LONDON, weekly=(WeeklyHours(6, time(0), time(1, 30)),))
    night = (datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert working_intervals(rules, *night) == [
        (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, tzinfo=UTC))
    ]


def test_a_repeated_autumn_time_as_a_boundary_means_its_first_occurrence() -> None:
    night = (datetime(2026, 10, 24, 12, tzinfo=UTC), datetime(2026, 10, 25, 12, tzinfo=UTC))
    starts = Rules(zone=LONDON, weekly=(WeeklyHours(6, time(1, 30), time(3)),))
    assert working_intervals(starts, *night) == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC))
    ]
    ends = Rules(zone=LONDON, weekly=(WeeklyHours(6, time(0), time(1, 30)),))
    assert working_intervals(ends, *night) == [
        (datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    ]


def test_a_booking_made_before_the_change_blocks_its_own_instant_after_it() -> None:
    # cal.com #1092: bookings moved by an hour around DST. Ours are instants and stay put.
    rules = Rules(zone=LONDON, weekly=weekdays(time(9), time(12)))
    monday = date(2026, 3, 30)
    booking = (local(LONDON, monday, 10), local(LONDON, monday, 10, 30))
    now = datetime(2026, 3, 25, 12, tzinfo=UTC)  # still GMT when it is made
    found = day_slots(rules, monday, [booking])
    assert walls(LONDON, found) == ["09:00", "09:30", "10:30", "11:00", "11:30"]
    assert slot_problem(rules, busy=[booking], now=now, slot_start=booking[0]) == "taken"
    assert slot_problem(rules, busy=[booking], now=now, slot_start=local(LONDON, monday, 9)) is None


def test_a_45_minute_grid_counts_from_local_midnight_through_the_spring_gap() -> None:
    step = timedelta(minutes=45)
    rules = Rules(zone=LONDON, weekly=(WeeklyHours(6, time(0), time(6)),), duration=step, step=step)
    # 01:30 does not exist that night; the walk must not carry the GMT grid into BST.
    assert walls(LONDON, day_slots(rules, date(2026, 3, 29))) == [
        "00:00", "00:45", "02:15", "03:00", "03:45", "04:30", "05:15"
    ]  # fmt: skip


# --- overrides, time off, buffer, notice, horizon, grid --------------------------------------


def test_adjacent_ranges_join_so_a_slot_may_straddle_them() -> None:
    quarter = timedelta(minutes=15)
    rules = Rules(
        zone=LONDON,
        weekly=(WeeklyHours(2, time(12), time(13)), WeeklyHours(2, time(11), time(12))),
        step=quarter,
    )
    day = date(2026, 6, 3)
    assert working_intervals(rules, local(LONDON, day, 0), local(LONDON, day, 23)) == [
        (datetime(2026, 6, 3, 10, tzinfo=UTC), datetime(2026, 6, 3, 12, tzinfo=UTC))
    ]
    assert "11:45" in walls(LONDON, day_slots(rules, day))


def test_merge_joins_touching_and_overlapping_intervals_and_drops_empty_ones() -> None:
    t = [datetime(2026, 6, 1, h, tzinfo=UTC) for h in range(8)]
    assert merge([(t[2], t[3]), (t[0], t[1]), (t[1], t[2]), (t[5], t[5]), (t[6], t[4])]) == [
        (t[0], t[3])
    ]
    assert merge([(t[0], t[4]), (t[1], t[2]), (t[4].astimezone(SYDNEY), t[6])]) == [(t[0], t[6])]
    assert subtract([(t[0], t[6])], [(t[1], t[2]), (t[2], t[3]), (t[5], t[7])]) == [
        (t[0], t[1]),
        (t[3], t[5]),
    ]


def test_a_closed_override_removes_the_whole_day() -> None:
    rules = Rules(zone=LONDON, weekly=weekdays(time(9), time(17)), overrides={date(2026, 6, 3): ()})
    assert day_slots(rules, date(2026, 6, 3)) == []
    assert len(day_slots(rules, date(2026, 6, 4))) == 16


def test_an_override_replaces_the_weekly_hours_rather_than_adding_to_them() -> None:
    hours = ((time(7), time(8)), (time(18), time(19)))
    rules = Rules(
        zone=LONDON, weekly=weekdays(time(9), time(17)), overrides={date(2026, 6, 3): hours}
    )
    assert walls(LONDON, day_slots(rules, date(2026, 6, 3))) == ["07:00", "07:30", "18:00", "18:30"]


def test_an_override_opens_a_day_without_weekly_hours_on_its_local_date() -> None:
    # Sunday 07 June in Sydney begins on Saturday in UTC: the key is the local date.
    rules = Rules(
        zone=SYDNEY,
        weekly=weekdays(time(9), time(17)),
        overrides={date(2026, 6, 7): ((time(6), time(7)),)},
    )
    assert day_slots(rules, date(2026, 6, 7)) == [
        (datetime(2026, 6, 6, 20, tzinfo=UTC), datetime(2026, 6, 6, 20, 30, tzinfo=UTC)),
        (datetime(2026, 6, 6, 20, 30, tzinfo=UTC), datetime(2026, 6, 6, 21, tzinfo=UTC)),
    ]


def test_time_off_spanning_days_removes_all_of_them() -> None:
    rules = Rules(zone=NEW_YORK, weekly=weekdays(time(9), time(17)))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    holiday = (local(NEW_YORK, date(2026, 6, 9), 0), local(NEW_YORK, date(2026, 6, 11), 13))
    found = free_slots(
        rules, busy=[holiday], now=now, start=now, end=datetime(2026, 6, 13, tzinfo=UTC)
    )
    days = {s.astimezone(NEW_YORK).date() for s, _ in found}
    assert days == {date(2026, 6, d) for d in (1, 2, 3, 4, 5, 8, 11, 12)}
    assert min(s for s, _ in found if s.astimezone(NEW_YORK).day == 11) == holiday[1]


def test_time_off_in_the_middle_of_a_day_splits_it() -> None:
    rules = Rules(zone=KOLKATA, weekly=weekdays(time(9), time(13)))
    day = date(2026, 6, 3)
    lunch = (local(KOLKATA, day, 10, 15), local(KOLKATA, day, 11, 45))
    assert walls(KOLKATA, day_slots(rules, day, [lunch])) == [
        "09:00", "09:30", "12:00", "12:30"
    ]  # fmt: skip


def test_the_buffer_is_kept_both_before_and_after_a_booking() -> None:
    quarter = timedelta(minutes=15)
    rules = Rules(zone=LONDON, weekly=weekdays(time(9), time(14)), step=quarter, buffer=quarter)
    day = date(2026, 6, 3)
    booking = (local(LONDON, day, 11), local(LONDON, day, 12))
    starts = walls(LONDON, day_slots(rules, day, [booking]))
    assert "10:15" in starts  # ends 10:45, exactly where the buffer begins
    assert "10:30" not in starts  # would end inside the buffer before the booking
    assert "12:00" not in starts  # would start inside the buffer after it
    assert "12:15" in starts  # starts exactly where the buffer ends


def test_without_a_buffer_slots_may_touch_a_booking() -> None:
    rules = Rules(zone=LONDON, weekly=weekdays(time(9), time(14)))
    day = date(2026, 6, 3)
    booking = (local(LONDON, day, 11), local(LONDON, day, 12))
    starts = walls(LONDON, day_slots(rules, day, [booking]))
    assert "10:30" in starts
    assert "12:00" in starts
    assert "11:00" not in starts
    assert "11:30" not in starts


def test_no_slot_starts_sooner_than_the_minimum_notice() -> None:
    rules = Rules(zone=LONDON, weekly=weekdays(time(9), time(17)))
    now = local(LONDON, date(2026, 6, 3), 9)
    found = free_slots(rules, busy=[], now=now, start=now, end=now + 6 * HALF_HOUR)
    assert walls(LONDON, found) == ["11:00", "11:30"]
    just_after = now + MINUTE
    found = free_slots(rules, busy=[], now=just_after, start=now, end=now + 6 * HALF_HOUR)
    assert walls(LONDON, found) == ["11:30"]


def test_a_slot_exactly_at_the_horizon_is_offered_and_the_next_is_not() -> None:
    rules = Rules(zone=LONDON, weekly=weekdays(time(9), time(17)), horizon=timedelta(days=7))
    now = local(LONDON, date(2026, 6, 3), 10)
    found = free_slots(rules, busy=[], now=now, start=now, end=now + 30 * DAY)
    assert found[-1][0] == now + timedelta(days=7)


def test_the_grid_is_the_local_wall_clock_in_half_and_quarter_hour_zones() -> None:
    for zone, utc_minutes in ((KOLKATA, {0, 30}), (KATHMANDU, {15, 45})):
        found = day_slots(Rules(zone=zone, weekly=weekdays(time(9), time(12))), date(2026, 6, 3))
        assert walls(zone, found) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
        assert {s.minute for s, _ in found} == utc_minutes
        assert all(s.tzinfo is UTC for s, _ in found)


def test_a_45_minute_step_counts_from_local_midnight_not_from_opening_time() -> None:
    step = timedelta(minutes=45)
    rules = Rules(zone=KATHMANDU, weekly=weekdays(time(9, 10), time(12)), step=step)
    assert walls(KATHMANDU, day_slots(rules, date(2026, 6, 3))) == ["09:45", "10:30", "11:15"]


# --- slot_problem and next_free --------------------------------------------------------------

MONDAY = date(2026, 6, 1)
NOW = local(LONDON, MONDAY, 8)
PROBLEM_RULES = Rules(
    zone=LONDON,
    weekly=weekdays(time(9), time(17)),
    buffer=timedelta(minutes=10),
    horizon=timedelta(days=30),
)
BOOKED = (local(LONDON, MONDAY, 13), local(LONDON, MONDAY, 13, 30))


@pytest.mark.parametrize(
    ("slot_start", "problem"),
    [
        pytest.param(datetime(2026, 6, 1, 12), "naive_time", id="naive"),
        pytest.param(local(LONDON, MONDAY, 7, 15), "in_the_past", id="past-and-off-grid"),
        pytest.param(local(LONDON, MONDAY, 9, 30), "too_soon", id="too-soon"),
        pytest.param(local(LONDON, date(2026, 7, 2), 10), "beyond_horizon", id="horizon"),
        pytest.param(local(LONDON, MONDAY, 12, 15), "off_grid", id="off-grid"),
        pytest.param(local(LONDON, MONDAY, 16, 45), "off_grid", id="off-grid-in-hours"),
        pytest.param(local(LONDON, MONDAY, 17), "outside_hours", id="after-closing"),
        pytest.param(local(LONDON, date(2026, 6, 6), 10), "outside_hours", id="saturday"),
        pytest.param(local(LONDON, MONDAY, 12, 30), "taken", id="buffer-before"),
        pytest.param(local(LONDON, MONDAY, 13, 30), "taken", id="buffer-after"),
        pytest.param(local(LONDON, MONDAY, 12), None, id="free"),
        pytest.param(local(LONDON, MONDAY, 16, 30), None, id="last-of-the-day"),
    ],
)
def test_slot_problem_names_the_first_reason_a_start_is_not_bookable(
    slot_start: datetime, problem: str | None
) -> None:
    assert slot_problem(PROBLEM_RULES, busy=[BOOKED], now=NOW, slot_start=slot_start) == problem


def test_next_free_returns_the_first_slots_in_order_even_across_a_weekend() -> None:
    rules = Rules(zone=LONDON, weekly=(WeeklyHours(4, time(16), time(17)),))  # Fridays only
    now = local(LONDON, MONDAY, 8)
    found = next_free(rules, busy=[], now=now, count=3, search_days=14)
    assert walls(LONDON, found) == ["16:00", "16:30", "16:00"]
    assert [s.date() for s, _ in found] == [date(2026, 6, 5), date(2026, 6, 5), date(2026, 6, 12)]
    assert next_free(rules, busy=[], now=now, count=3, search_days=4) == []
    everything = free_slots(rules, busy=[], now=now, start=now, end=now + 14 * DAY)
    for count in range(6):
        assert next_free(rules, busy=[], now=now, count=count) == everything[:count]


def test_next_free_reads_a_generator_of_busy_time_more_than_once() -> None:
    rules = Rules(zone=LONDON, weekly=(WeeklyHours(4, time(16), time(17)),))
    friday = (local(LONDON, date(2026, 6, 5), 16), local(LONDON, date(2026, 6, 5), 17))
    found = next_free(rules, busy=(b for b in [friday]), now=NOW, count=1)
    assert found[0][0] == local(LONDON, date(2026, 6, 12), 16)


def test_free_slots_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        free_slots(PROBLEM_RULES, busy=[], now=datetime(2026, 6, 1), start=NOW, end=NOW + DAY)


def test_sixty_days_with_five_hundred_bookings_leave_the_gaps_between_them() -> None:
    rules = Rules(zone=NEW_YORK, weekly=weekdays(time(8), time(20)), buffer=timedelta(minutes=10))
    now = datetime(2026, 2, 20, tzinfo=UTC)  # the window spans the March change
    busy = [
        (
            now + i * timedelta(hours=2, minutes=53),
            now + i * timedelta(hours=2, minutes=53) + HALF_HOUR,
        )
        for i in range(500)
    ]
    # Speed is the benchmark's business (about 1.8 ms here); this checks the answer.
    found = free_slots(rules, busy=busy, now=now, start=now, end=now + 60 * DAY)
    assert len(found) > 500
    widened = [(s - timedelta(minutes=10), e + timedelta(minutes=10)) for s, e in busy]
    assert not any(s < b_end and b_start < e for s, e in found for b_start, b_end in widened)


# --- course spacing --------------------------------------------------------------------------


def test_course_gaps_are_inclusive_at_both_ends() -> None:
    first = datetime(2026, 6, 1, 10, tzinfo=UTC)
    gaps = {"min_gap": timedelta(days=21), "max_gap": timedelta(days=42)}
    assert course_dates_ok([first, first + 21 * DAY], **gaps)
    assert course_dates_ok([first, first + 42 * DAY], **gaps)
    assert course_dates_ok([first, first + 21 * DAY, first + 63 * DAY], **gaps)
    assert not course_dates_ok([first, first + 20 * DAY], **gaps)
    assert not course_dates_ok([first, first + 43 * DAY], **gaps)
    assert not course_dates_ok([first, first + 21 * DAY, first + 64 * DAY], **gaps)
    assert not course_dates_ok([first + 21 * DAY, first], **gaps)  # out of order
    assert course_dates_ok([first], **gaps)
    assert course_dates_ok([], **gaps)


def test_course_gaps_are_real_elapsed_time_across_a_change() -> None:
    # The same ZoneInfo on both sides would make Python subtract by wall clock (7 days).
    before, after = local(LONDON, date(2026, 3, 22), 10), local(LONDON, date(2026, 3, 29), 10)
    assert not course_dates_ok([before, after], min_gap=7 * DAY, max_gap=8 * DAY)
    assert course_dates_ok(
        [before, after], min_gap=7 * DAY - timedelta(hours=1), max_gap=7 * DAY - timedelta(hours=1)
    )


# --- properties ------------------------------------------------------------------------------

# (zone, a date near which it changes its clocks, or any date for zones that do not)
PLACES = [
    (LONDON, date(2026, 3, 29)),
    (LONDON, date(2026, 10, 25)),
    (NEW_YORK, date(2026, 3, 8)),
    (NEW_YORK, date(2026, 11, 1)),
    (SYDNEY, date(2026, 4, 5)),
    (SYDNEY, date(2026, 10, 4)),
    (LORD_HOWE, date(2026, 4, 5)),
    (LORD_HOWE, date(2026, 10, 4)),
    (KOLKATA, date(2026, 6, 7)),
    (KATHMANDU, date(2026, 6, 7)),
]
FIVE = timedelta(minutes=5)
WINDOW = 2 * DAY


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


@st.composite
def wall_ranges(draw: st.DrawFn) -> tuple[time, time]:
    # Five-minute wall times from 00:00 to 23:55, so that every start and end is reachable.
    begin = draw(st.integers(0, 286))
    finish = draw(st.integers(begin + 1, 287))
    return time(begin * 5 // 60, begin * 5 % 60), time(finish * 5 // 60, finish * 5 % 60)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Rules, list[Interval], datetime, datetime]:
    """Rules, busy time, now, and the start of a two-day window around a clock change."""
    zone, near = draw(st.sampled_from(PLACES))
    ranges = draw(st.lists(wall_ranges(), min_size=1, max_size=3))
    days = range(7) if draw(st.booleans()) else draw(st.sets(st.integers(0, 6), min_size=1))
    override_days = draw(st.sets(st.integers(-1, 1), max_size=2))
    overrides = {
        near + d * DAY: tuple(draw(st.lists(wall_ranges(), max_size=2))) for d in override_days
    }
    rules = Rules(
        zone=zone,
        weekly=tuple(WeeklyHours(d, a, b) for d in days for a, b in ranges),
        overrides=overrides,
        duration=minutes(draw(st.sampled_from([15, 30, 45, 60, 90]))),
        step=minutes(draw(st.sampled_from([15, 20, 30, 45, 60]))),
        buffer=minutes(draw(st.sampled_from([0, 5, 15, 30, 60]))),
        min_notice=minutes(draw(st.sampled_from([0, 30, 120, 360]))),
        horizon=minutes(draw(st.sampled_from([60, 600, 1440, 4320]))),
    )
    start = datetime.combine(near - DAY, time(), tzinfo=UTC)
    busy = [
        (start + minutes(5 * a), start + minutes(5 * a + 5 * length))
        for a, length in draw(
            st.lists(st.tuples(st.integers(-100, 700), st.integers(0, 50)), max_size=8)
        )
    ]
    now = start + minutes(5 * draw(st.integers(-300, 600)))
    return rules, busy, now, start


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_slot_problem_is_none_exactly_for_the_starts_free_slots_offers(
    scenario: tuple[Rules, list[Interval], datetime, datetime],
) -> None:
    rules, busy, now, start = scenario
    offered = [s for s, _ in free_slots(rules, busy=busy, now=now, start=start, end=start + WINDOW)]
    # Every zone here is a whole number of quarter hours from UTC and every step a multiple of
    # five minutes, so every possible slot start is one of these candidates.
    candidates = (start + i * FIVE for i in range(WINDOW // FIVE))
    bookable = [
        s for s in candidates if slot_problem(rules, busy=busy, now=now, slot_start=s) is None
    ]
    assert offered == bookable


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_free_slots_are_sorted_on_the_grid_in_hours_and_clear_of_busy_time_and_buffers(
    scenario: tuple[Rules, list[Interval], datetime, datetime],
) -> None:
    rules, busy, now, start = scenario
    found = free_slots(rules, busy=busy, now=now, start=start, end=start + WINDOW)
    work = working_intervals(rules, start - DAY, start + WINDOW + DAY)
    starts = [s for s, _ in found]
    assert starts == sorted(set(starts))
    for s, e in found:
        assert e - s == rules.duration
        assert s.tzinfo is UTC
        assert now + rules.min_notice <= s <= now + rules.horizon
        wall = s.astimezone(rules.zone)
        since_midnight = timedelta(hours=wall.hour, minutes=wall.minute, seconds=wall.second)
        assert since_midnight % rules.step == timedelta(0)
        assert any(a <= s and e <= b for a, b in work)
        for a, b in busy:
            if a < b:
                assert e <= a - rules.buffer or s >= b + rules.buffer


def minute_set(intervals: list[Interval], origin: datetime) -> set[int]:
    return {m for a, b in intervals for m in range((a - origin) // MINUTE, (b - origin) // MINUTE)}


# Small numbers, so that touching and identical endpoints come up often.
interval_lists = st.lists(st.tuples(st.integers(0, 60), st.integers(-5, 30)), max_size=8)


@settings(max_examples=300)
@given(interval_lists, interval_lists)
def test_merge_and_subtract_agree_with_sets_of_minutes(
    raw_a: list[tuple[int, int]], raw_b: list[tuple[int, int]]
) -> None:
    origin = datetime(2026, 3, 29, tzinfo=UTC)
    a = [(origin + minutes(s), origin + minutes(s + n)) for s, n in raw_a]
    # The same kind of instants in another zone: the algebra is about instants.
    b = [((origin + minutes(s)).astimezone(SYDNEY), origin + minutes(s + n)) for s, n in raw_b]
    merged = merge(a)
    assert minute_set(merged, origin) == minute_set(a, origin)
    assert all(x[0] < x[1] < y[0] for x, y in itertools.pairwise(merged))
    left = subtract(a, b)
    assert minute_set(left, origin) == minute_set(a, origin) - minute_set(b, origin)
    measure = sum((y - x for x, y in left), timedelta(0))
    overlap = len(minute_set(a, origin) & minute_set(b, origin))
    assert measure == sum((y - x for x, y in merged), timedelta(0)) - overlap * MINUTE
    assert left == merge(left)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_working_intervals_match_a_minute_by_minute_reading_of_the_wall_clock(
    scenario: tuple[Rules, list[Interval], datetime, datetime],
) -> None:
    rules, _, _, start = scenario
    origin = start - DAY
    clock_face = [
        (origin + i * MINUTE).astimezone(rules.zone).replace(tzinfo=None)
        for i in range(4 * 24 * 60)
    ]

    def first_minute_reading(day: date, t: time) -> int:
        # The first moment the clock shows t or later: the first of a repeated time, and the
        # end of the gap for a time the clock skips.
        target = datetime.combine(day, t)
        return next((i for i, wall in enumerate(clock_face) if wall >= target), len(clock_face))

    expected: set[int] = set()
    for day in (start.date() + n * DAY for n in range(-1, 3)):
        if day in rules.overrides:
            ranges = list(rules.overrides[day])
        else:
            ranges = [(h.start, h.end) for h in rules.weekly if h.weekday == day.weekday()]
        for t0, t1 in ranges:
            expected |= set(range(first_minute_reading(day, t0), first_minute_reading(day, t1)))
    in_window = set(range(24 * 60, 24 * 60 + WINDOW // MINUTE))
    found = working_intervals(rules, start, start + WINDOW)
    assert minute_set(found, origin) == expected & in_window
