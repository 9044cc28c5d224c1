"""May this client book online now? The screening's answer to that, as pure logic.

Booking asks for a screening no older than the clinic's limit whose outcome is proceed or
proceed with precautions. A dated defer lets sessions be booked from its date; an undated one
("until it has healed"), a refer and a not-suitable block online booking. A practitioner's
written override for this clinic clears that one screening for that clinic; a newer screening
needs a new override, so the practitioner always decides on the answers they read."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from needlepoint.screening.rules import Outcome

DEFAULT_VALID_DAYS = 30  # issue 4: "a clinic-set number of days (default 30)"


class Verdict(StrEnum):
    CLEARED = "cleared"
    OVERRIDDEN = "overridden"  # blocked by the outcome, cleared by a practitioner
    NO_SCREENING = "screening_required"
    EXPIRED = "screening_expired"
    WAIT_UNTIL = "screening_defer"  # bookable from a date
    WAIT_UNTIL_HEALED = "screening_defer_undated"
    REFER = "screening_refer"
    NOT_SUITABLE = "screening_not_suitable"


@dataclass(frozen=True)
class Facts:
    """What clearance needs to know of the client's latest screening."""

    screening_id: int
    outcome: Outcome
    evaluated_on: dt.date
    bookable_from: dt.date | None
    override_id: int | None  # a practitioner of this clinic has cleared this screening


@dataclass(frozen=True)
class Clearance:
    verdict: Verdict
    message: str
    screening_id: int | None = None
    valid_until: dt.date | None = None  # the last day the screening counts for booking
    bookable_from: dt.date | None = None
    outcome: Outcome | None = None
    override_id: int | None = None

    @property
    def allows_booking(self) -> bool:
        return self.verdict in (Verdict.CLEARED, Verdict.OVERRIDDEN, Verdict.WAIT_UNTIL)

    def allows(self, day: dt.date) -> bool:
        """May a session on local date `day` be booked?"""
        if not self.allows_booking:
            return False
        return self.bookable_from is None or day >= self.bookable_from


MESSAGES = {
    Verdict.NO_SCREENING: (
        "Before you book, please take the suitability check: about 20 short questions on your "
        "skin and health. It tells you whether micro-needling suits you now."
    ),
    Verdict.EXPIRED: (
        "Your suitability check is from {evaluated_on}; this clinic asks for one "
        "from the last {valid_days} days. Please take it again: your health may have changed."
    ),
    Verdict.WAIT_UNTIL: (
        "Your suitability check says to wait until {bookable_from}. You can book "
        "sessions from that day."
    ),
    Verdict.WAIT_UNTIL_HEALED: (
        "Your suitability check says to wait until your skin has healed. Take the check again "
        "once it has, and you can book."
    ),
    Verdict.REFER: (
        "Your suitability check says to see a doctor before micro-needling, so we can't book "
        "online. Show your doctor your result; if they say go ahead, the clinic can clear "
        "your booking, or take the check again if your answers change."
    ),
    Verdict.NOT_SUITABLE: (
        "Your suitability check says micro-needling isn't suitable in the area you chose, so "
        "we can't book online. You could choose another area, or take the check again once "
        "the condition has cleared; the clinic can advise."
    ),
    Verdict.CLEARED: "Your suitability check allows booking.",
    Verdict.OVERRIDDEN: "A practitioner of this clinic has cleared your booking.",
}


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def decide(facts: Facts | None, *, valid_days: int, today: dt.date) -> Clearance:
    """The clearance for booking with one clinic, `today` in the clinic's terms."""
    if facts is None:
        return Clearance(Verdict.NO_SCREENING, MESSAGES[Verdict.NO_SCREENING])
    valid_until = facts.evaluated_on + dt.timedelta(days=valid_days)

    def clearance(verdict: Verdict, bookable_from: dt.date | None = None) -> Clearance:
        message = MESSAGES[verdict].format(
            evaluated_on=long_date(facts.evaluated_on),
            valid_days=valid_days,
            bookable_from=long_date(bookable_from),
        )
        return Clearance(
            verdict,
            message,
            screening_id=facts.screening_id,
            valid_until=valid_until,
            bookable_from=bookable_from,
            outcome=facts.outcome,
            override_id=facts.override_id if verdict is Verdict.OVERRIDDEN else None,
        )

    if today > valid_until:
        return clearance(Verdict.EXPIRED)
    if facts.outcome <= Outcome.PRECAUTIONS:
        return clearance(Verdict.CLEARED)
    if facts.override_id is not None:
        return clearance(Verdict.OVERRIDDEN)
    if facts.outcome is Outcome.DEFER:
        if facts.bookable_from is None:
            return clearance(Verdict.WAIT_UNTIL_HEALED)
        if facts.bookable_from <= today:
            return clearance(Verdict.CLEARED)
        return clearance(Verdict.WAIT_UNTIL, facts.bookable_from)
    if facts.outcome is Outcome.REFER:
        return clearance(Verdict.REFER)
    return clearance(Verdict.NOT_SUITABLE)
