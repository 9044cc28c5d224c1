"""Named reads of screenings, through the one access function for them."""

import datetime as dt
from dataclasses import dataclass

from django.http import Http404

from needlepoint.accounts import audit
from needlepoint.accounts.models import User

from . import clearance, plans, questions
from .models import ScreeningOverride, ScreeningRecord
from .rules import Outcome


def screening_for(user: User, screening_id: int) -> ScreeningRecord:
    """A client's own screening; anyone else gets 404. (Clinic staff read screenings on the
    client's chart, through the chart's access function.)"""
    record = ScreeningRecord.objects.filter(pk=screening_id, client_id=user.pk).first()
    if record is None or not user.is_authenticated:
        raise Http404("No such screening.")
    audit.record(audit.READ, "screening", record.pk, client_id=user.pk, clinic_id=None, user=user)
    return record


def latest_screening(client_id: int) -> ScreeningRecord | None:
    return ScreeningRecord.objects.filter(client_id=client_id).first()


def booking_clearance(
    client_id: int, clinic_id: int, *, valid_days: int, today: dt.date
) -> clearance.Clearance:
    """Whether the client's latest screening lets them book online with this clinic."""
    record = latest_screening(client_id)
    facts = None
    if record is not None:
        facts = clearance.Facts(
            screening_id=record.pk,
            outcome=Outcome(record.outcome),
            evaluated_on=record.evaluated_on,
            bookable_from=record.bookable_from,
            override_id=ScreeningOverride.objects.filter(screening=record, clinic_id=clinic_id)
            .values_list("pk", flat=True)
            .first(),
        )
    return clearance.decide(facts, valid_days=valid_days, today=today)


def screenings_with_overrides(client_id: int) -> list[ScreeningRecord]:
    """A client's screenings, newest first, each with its overrides and their authors: what
    the chart shows."""
    return list(
        ScreeningRecord.objects.filter(client_id=client_id).prefetch_related(
            "overrides__practitioner", "overrides__clinic"
        )
    )


@dataclass(frozen=True)
class CourseDefaults:
    """The course a booking proposes for a client: the plan of their screening's first concern
    that micro-needling suits (CLINICAL-FACTS §3), for the practitioner to adjust."""

    concern: str
    sessions: int
    min_gap_days: int
    max_gap_days: int
    plan_row: str
    citations: tuple[str, ...]


def course_defaults(client_id: int) -> CourseDefaults | None:
    """None when the client has no screening or none of their concerns has a plan with
    figures (their practitioner sets the course)."""
    record = latest_screening(client_id)
    if record is None:
        return None
    try:
        answers = questions.validate_answers(record.answers, record.evaluated_on)
    except questions.AnswerError:  # a question set since changed: no default, no guess
        return None
    for triage in plans.triage(answers):
        plan = triage.plan
        if triage.suitability is plans.Suitability.SEE_A_DOCTOR or plan is None:
            continue
        if plan.default_sessions is None or plan.min_gap_days is None or not plan.max_gap_days:
            continue
        return CourseDefaults(
            concern=triage.concern,
            sessions=plan.default_sessions,
            min_gap_days=plan.min_gap_days,
            max_gap_days=plan.max_gap_days,
            plan_row=plan.row,
            citations=tuple(
                dict.fromkeys(s.citation for s in (*plan.sessions.sources, *plan.interval.sources))
            ),
        )
    return None
