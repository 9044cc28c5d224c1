"""Writes of outcomes, check-ins and adverse events: scheduling the check-ins of a signed session,
the client's answers (which may raise adverse events) and rating, the practitioner's grades,
and an adverse event's follow-up and closing. Each is one transaction; access goes through
followup_selectors / record_selectors first, so a stranger gets 404 before any check."""

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import User
from needlepoint.errors import ApiError

from . import checkins, outcomes, tasks
from .followup_selectors import (
    adverse_event_for,
    check_in_for,
    client_session_for,
    local,
    may_grade,
    zone_of,
)
from .models import AdverseEvent, CheckIn, ClientRating, OutcomeScore, TreatmentSession
from .record_selectors import session_for

TEXT_MAX = 5000


def on_session_signed(session: TreatmentSession) -> None:
    """Called in the transaction that signs `session`: writes its day-1, -3 and -7 check-ins
    there (so a signed session never lacks them; the sweep sends any whose job is lost) and
    queues each, once that transaction commits, to be sent when due. Running it again changes
    nothing."""
    with transaction.atomic():
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    session=session, day=day, due_at=session.performed_at + checkins.due_after(day)
                )
                for day in checkins.DAYS
            ],
            ignore_conflicts=True,  # the unique (session, day) keeps a second call harmless
        )
        due = list(
            CheckIn.objects.filter(session=session, sent_at__isnull=True).values_list(
                "pk", "due_at"
            )
        )

    def enqueue() -> None:
        for pk, at in due:
            tasks.enqueue_at(tasks.send_check_in, pk, run_after=at)

    transaction.on_commit(enqueue)


def _invalid(error: checkins.AnswerError | outcomes.OutcomeError) -> ApiError:
    return ApiError(422, "invalid", error.message, error.field)


def _text(raw: object, field: str, what: str, *, required: bool) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise ApiError(422, "invalid", f"Please write the {what}.", field)
    if len(text) > TEXT_MAX:
        raise ApiError(
            422, "invalid", f"Please keep the {what} under {TEXT_MAX:,} characters.", field
        )
    return text


def answer_check_in(
    *, by: User, check_in_id: int, raw: Mapping[str, object]
) -> tuple[CheckIn, list[AdverseEvent]]:
    """The client's answers, once; the adverse events they raise, linked to the check-in (and
    so to the session, its device and cartridge lot)."""
    check_in_for(by, check_in_id)  # 404 for anyone but the client
    now = timezone.now()
    with transaction.atomic():
        check_in = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(pk=check_in_id)
        )
        if check_in.answered_at is not None:
            raise ApiError(409, "already_answered", "You have already answered this check-in.")
        if now < check_in.due_at:
            raise ApiError(409, "not_due", "This check-in is not open yet.")
        try:
            answers = checkins.validate_answers(check_in.day, raw)
        except checkins.AnswerError as error:
            raise _invalid(error) from error
        # "Past 72 hours" is about the skin now: a late answer counts the days since the session.
        days = max(check_in.day, (now - check_in.session.performed_at).days)
        check_in.answers = answers
        check_in.answered_at = now
        check_in.save(update_fields=["answers", "answered_at"])
        audit.record(
            audit.UPDATE,
            "check_in",
            check_in.pk,
            client_id=by.pk,
            clinic_id=check_in.session.clinic_id,
            user=by,
        )
        events = [
            AdverseEvent.objects.create(
                session=check_in.session,
                check_in=check_in,
                kind=raised.kind,
                description=raised.description,
                raised_at=now,
            )
            for raised in checkins.evaluate(days, answers)
        ]
        for event in events:
            audit.record(
                audit.CREATE,
                "adverse_event",
                event.pk,
                client_id=by.pk,
                clinic_id=check_in.session.clinic_id,
                user=by,
            )
    return check_in, events


def rate_session(
    *, by: User, session_id: int, improvement: object, satisfaction: object, comment: object
) -> ClientRating:
    """The client's own rating of one signed session; rating again replaces it."""
    session = client_session_for(by, session_id)
    try:
        improved, satisfied = outcomes.validate_rating(improvement, satisfaction)
    except outcomes.OutcomeError as error:
        raise _invalid(error) from error
    text = _text(comment, "comment", "comment", required=False)
    with transaction.atomic():
        rating, _ = ClientRating.objects.update_or_create(
            session=session,
            defaults={
                "improvement": improved,
                "satisfaction": satisfied,
                "comment": text,
                "rated_at": timezone.now(),
            },
        )
        audit.record(
            audit.UPDATE,
            "session_rating",
            session.pk,
            client_id=by.pk,
            clinic_id=session.clinic_id,
            user=by,
        )
    return rating


def record_score(
    *, by: User, session_id: int, scale: str, raw_score: object, note: object
) -> OutcomeScore:
    """A practitioner's grade of a session on one scale. A second grade on the same scale is a
    correction: it replaces the first and the note keeps what it was, by whom and when."""
    _, session = session_for(by, session_id)  # 404 for anyone off the chart
    if not may_grade(by, session):
        raise ApiError(403, "forbidden", "Only a practitioner of this clinic can grade a session.")
    try:
        score = outcomes.validate_score(scale, raw_score)
    except outcomes.OutcomeError as error:
        raise _invalid(error) from error
    text = _text(note, "note", "note", required=False)
    now = timezone.now()
    with transaction.atomic():
        earlier = (
            OutcomeScore.objects.select_for_update(of=("self",))
            .select_related("assessed_by")
            .filter(session=session, scale=scale)
            .first()
        )
        audit.record(
            audit.UPDATE,
            "session_grades",
            session.pk,
            client_id=session.client_id,
            clinic_id=session.clinic_id,
            user=by,
        )
        if earlier is None:
            return OutcomeScore.objects.create(
                session=session,
                scale=scale,
                score=score,
                note=text,
                assessed_by=by,
                assessed_at=now,
            )
        when = local(earlier.assessed_at, zone_of(session))
        who = earlier.assessed_by.full_name or earlier.assessed_by.email
        history = f"Corrected from {earlier.score} ({who}, {when:%Y-%m-%d %H:%M})."
        earlier.note = "\n".join(part for part in (text, history, earlier.note) if part)
        earlier.score, earlier.assessed_by, earlier.assessed_at = score, by, now
        earlier.save(update_fields=["score", "note", "assessed_by", "assessed_at"])
        return earlier


def raise_adverse_event(
    *, by: User, session_id: int, kind: str, description: object
) -> AdverseEvent:
    """An adverse event the clinic raises itself (a call from the client, something seen)."""
    _, session = session_for(by, session_id)
    if kind not in checkins.KINDS:
        raise ApiError(422, "invalid", "Choose what kind of event this is.", "kind")
    text = _text(description, "description", "description of what happened", required=True)
    with transaction.atomic():
        event = AdverseEvent.objects.create(
            session_id=session_id, kind=kind, description=text, raised_by=by
        )
        audit.record(
            audit.CREATE,
            "adverse_event",
            event.pk,
            client_id=session.client_id,
            clinic_id=session.clinic_id,
            user=by,
        )
        return event


def _stamp(by: User, event: AdverseEvent, text: str) -> str:
    when = local(timezone.now(), zone_of(event.session))
    return f"{when:%Y-%m-%d %H:%M} {by.full_name or by.email}: {text}"


def add_follow_up(*, by: User, event_id: int, note: object) -> AdverseEvent:
    """A dated, signed follow-up note added below the earlier ones."""
    _, event = adverse_event_for(by, event_id)
    text = _text(note, "follow_up", "follow-up note", required=True)
    with transaction.atomic():
        locked = AdverseEvent.objects.select_for_update(of=("self",)).get(pk=event_id)
        if locked.status == AdverseEvent.Status.CLOSED:
            raise ApiError(409, "closed", "This event is closed; its record no longer changes.")
        line = _stamp(by, event, text)
        locked.follow_up = f"{locked.follow_up}\n{line}" if locked.follow_up else line
        locked.save(update_fields=["follow_up"])
        audit.record(
            audit.UPDATE,
            "adverse_event",
            event.pk,
            client_id=event.session.client_id,
            clinic_id=event.session.clinic_id,
            user=by,
        )
    return locked


def close_adverse_event(*, by: User, event_id: int, outcome: object) -> AdverseEvent:
    """Closes the event with its outcome (the database refuses a close without one)."""
    _, event = adverse_event_for(by, event_id)
    text = _text(outcome, "outcome", "outcome", required=True)
    with transaction.atomic():
        locked = AdverseEvent.objects.select_for_update(of=("self",)).get(pk=event_id)
        if locked.status == AdverseEvent.Status.CLOSED:
            raise ApiError(409, "closed", "This event is already closed.")
        locked.status = AdverseEvent.Status.CLOSED
        locked.outcome, locked.closed_by, locked.closed_at = text, by, timezone.now()
        locked.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
        audit.record(
            audit.UPDATE,
            "adverse_event",
            event.pk,
            client_id=event.session.client_id,
            clinic_id=event.session.clinic_id,
            user=by,
        )
    locked.session = event.session
    return locked
