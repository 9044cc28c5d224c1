"""Reads of outcomes, check-ins and adverse events, each behind an access function: a check-in
and a session's rating are the client's own; an adverse event goes through the chart's access."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import mark_safe

from needlepoint.accounts import audit
from needlepoint.accounts.models import Role, User
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.screening import selectors as screening_selectors

from . import checkins, outcomes, progress
from .models import AdverseEvent, CheckIn, ClientRating, OutcomeScore, TreatmentSession
from .record_selectors import session_for
from .selectors import Chart

CLIENT_COLOUR = "#9a5b00"

# --- Access ----------------------------------------------------------------------------------


def check_in_for(user: User, check_in_id: int) -> CheckIn:
    """A check-in of the client's own signed session; 404 for everyone else."""
    check_in = (
        CheckIn.objects.select_related(
            "session__clinic", "session__practitioner", "session__appointment__location"
        )
        .filter(pk=check_in_id)
        .first()
    )
    if check_in is None or not user.is_authenticated:
        raise Http404("No such check-in.")
    if check_in.session.client_id != user.pk:
        raise Http404("No such check-in.")
    if check_in.session.signed_at is None:
        raise Http404("No such check-in.")
    audit.record(
        audit.READ,
        "check_in",
        check_in.pk,
        client_id=user.pk,
        clinic_id=check_in.session.clinic_id,
        user=user,
    )
    return check_in


def client_session_for(user: User, session_id: int) -> TreatmentSession:
    """One of the client's own signed sessions; 404 for everyone else."""
    session = TreatmentSession.objects.filter(pk=session_id, signed_at__isnull=False).first()
    if session is None or not user.is_authenticated:
        raise Http404("No such session.")
    if session.client_id != user.pk:
        raise Http404("No such session.")
    audit.record(
        audit.READ, "session", session.pk, client_id=user.pk, clinic_id=session.clinic_id, user=user
    )
    return session


def adverse_event_for(user: User, event_id: int) -> tuple[Chart, AdverseEvent]:
    """An adverse event of a session `user` may read on the chart; 404 otherwise."""
    event = (
        AdverseEvent.objects.select_related("raised_by", "closed_by", "check_in")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404("No such adverse event.")
    chart, session = session_for(user, event.session_id)  # 404 for anyone off the chart
    event.session = session
    audit.record(
        audit.READ,
        "adverse_event",
        event.pk,
        client_id=session.client_id,
        clinic_id=session.clinic_id,
        user=user,
    )
    return chart, event


def may_grade(user: User, session: TreatmentSession) -> bool:
    """Grading is clinical: practitioners of the session's clinic, not its managers."""
    if user.role != Role.PRACTITIONER:
        return False
    return session.clinic_id in set(member_clinic_ids(user, roles=(Role.PRACTITIONER,)))


# --- What the pages show ---------------------------------------------------------------------


def zone_of(session: TreatmentSession) -> str:
    """The time zone the session's times are shown in: its appointment's location's."""
    appointment = session.appointment
    if appointment is not None:
        return appointment.location.timezone
    location = session.clinic.locations.order_by("pk").first()
    return location.timezone if location is not None else "UTC"


def local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def client_concerns(client_id: int) -> list[str]:
    record = screening_selectors.latest_screening(client_id)
    concerns = record.answers.get("concerns") if record is not None else None
    return [str(c) for c in concerns] if isinstance(concerns, list) else []


@dataclass(frozen=True)
class ScoreCell:
    scale: outcomes.Scale
    score: OutcomeScore

    @property
    def shown(self) -> str:
        return self.scale.describe(self.score.score)


@dataclass(frozen=True)
class CheckInView:
    check_in: CheckIn
    status: str  # for people: "answered", "awaiting an answer", "due 5 Mar", "not answered"
    answered: bool

    @property
    def answers(self) -> list[tuple[str, str]]:
        return checkins.readable(self.check_in.answers)


def check_in_view(check_in: CheckIn, now: dt.datetime, zone: str) -> CheckInView:
    if check_in.answered_at is not None:
        return CheckInView(check_in, "answered", True)
    if now < check_in.due_at:
        due = local(check_in.due_at, zone)
        return CheckInView(check_in, f"due {due.day} {due:%b}", False)
    if now < check_in.session.performed_at + checkins.stale_after(check_in.day):
        return CheckInView(check_in, "awaiting an answer", False)
    return CheckInView(check_in, "not answered", False)


@dataclass(frozen=True)
class EventView:
    event: AdverseEvent
    label: str  # the kind, for people
    number: int  # the session's number in the course
    zone: str


def kind_label(kind: str) -> str:
    return checkins.KINDS.get(kind, kind.replace("_", " ").capitalize())


@dataclass
class SessionRow:
    number: int
    session: TreatmentSession
    zone: str
    scores: list[ScoreCell]
    rating: ClientRating | None
    check_ins: list[CheckInView]
    events: list[EventView] = field(default_factory=list)


def _sessions(queryset: QuerySet[TreatmentSession]) -> list[TreatmentSession]:
    return list(
        queryset.select_related(
            "clinic", "practitioner", "device", "cartridge_lot", "appointment__location"
        )
        .prefetch_related(
            Prefetch("outcome_scores", queryset=OutcomeScore.objects.select_related("assessed_by")),
            "check_ins",
            Prefetch("adverse_events", queryset=AdverseEvent.objects.select_related("raised_by")),
        )
        .order_by("performed_at", "pk")
    )


def _rating(session: TreatmentSession) -> ClientRating | None:
    try:
        return session.client_rating
    except ClientRating.DoesNotExist:
        return None


def session_rows(sessions: list[TreatmentSession]) -> list[SessionRow]:
    rows, now = [], timezone.now()
    for number, session in enumerate(sessions, start=1):
        zone = zone_of(session)
        cells = [
            ScoreCell(outcomes.BY_ID[s.scale], s)
            for s in session.outcome_scores.all()
            if s.scale in outcomes.BY_ID
        ]
        rows.append(
            SessionRow(
                number=number,
                session=session,
                zone=zone,
                scores=cells,
                rating=_rating(session),
                check_ins=[check_in_view(c, now, zone) for c in session.check_ins.all()],
                events=[
                    EventView(e, kind_label(e.kind), number, zone)
                    for e in session.adverse_events.all()
                ],
            )
        )
    return rows


def progress_charts(rows: list[SessionRow], *, for_client: bool) -> list[progress.Rendered]:
    """One chart per scale graded at least once, then the client's own 0–10 rating (worded
    for whoever reads it)."""

    def when(row: SessionRow) -> str:
        moment = local(row.session.performed_at, row.zone)
        return f"{moment.day} {moment:%b %Y}"

    series = []
    for scale in outcomes.SCALES:
        points = []
        for row in rows:
            cell = next((c for c in row.scores if c.scale.id == scale.id), None)
            points.append(
                progress.Point(
                    f"Session {row.number}",
                    when(row),
                    cell.score.score if cell else None,
                    cell.shown if cell else "",
                )
            )
        series.append(
            progress.Series(
                id=f"progress-{scale.id}",
                title=scale.name,
                axis=f"Grade {scale.minimum}–{scale.maximum}",
                minimum=scale.minimum,
                maximum=scale.maximum,
                lower_is_better=scale.lower_is_better,
                points=tuple(points),
            )
        )
    improvement = outcomes.IMPROVEMENT
    series.append(
        progress.Series(
            id="progress-client-rating",
            title=(
                "Your own rating of improvement"
                if for_client
                else "The client's own rating of improvement"
            ),
            axis=f"Rating {improvement.minimum}–{improvement.maximum}",
            minimum=improvement.minimum,
            maximum=improvement.maximum,
            lower_is_better=False,
            points=tuple(
                progress.Point(
                    f"Session {row.number}",
                    when(row),
                    row.rating.improvement if row.rating else None,
                )
                for row in rows
            ),
            colour=CLIENT_COLOUR,
        )
    )
    return [progress.render(s) for s in series if progress.has_values(s)]


def _charts_markup(rendered: list[progress.Rendered]) -> list[dict[str, Any]]:
    # The SVG is built from escaped text in progress.py: safe to insert as markup.
    return [{"chart": r, "svg": mark_safe(r.svg)} for r in rendered]


def followup_on_chart(user: User, chart: Chart) -> dict[str, Any]:
    """The progress charts, every adverse event (open first) and the grades, for sessions at
    the viewer's clinics."""
    sessions = _sessions(
        TreatmentSession.objects.filter(client=chart.client, clinic_id__in=chart.clinic_ids)
    )
    rows = session_rows(sessions)
    events = sorted(
        (view for row in rows for view in row.events),
        key=lambda view: view.event.raised_at,
        reverse=True,
    )
    open_events = [v for v in events if v.event.status == AdverseEvent.Status.OPEN]
    closed_events = [v for v in events if v.event.status == AdverseEvent.Status.CLOSED]
    return {
        "rows": rows,
        "charts": _charts_markup(progress_charts(rows, for_client=False)),
        "open_events": open_events,
        "closed_events": closed_events,
    }


@dataclass(frozen=True)
class GradeForm:
    scale: outcomes.Scale
    current: OutcomeScore | None
    fits: bool  # the scale fits one of the client's concerns

    @property
    def shown(self) -> str:
        return self.scale.describe(self.current.score) if self.current else ""


def followup_on_session(user: User, session: TreatmentSession) -> dict[str, Any]:
    """A grade form per scale fitting the client's concerns (and any other scale already
    graded), the session's check-ins, adverse events and the client's rating."""
    scores = {s.scale: s for s in session.outcome_scores.select_related("assessed_by")}
    fitting = outcomes.scales_for(client_concerns(session.client_id))
    forms = [
        GradeForm(scale, scores.get(scale.id), scale in fitting)
        for scale in outcomes.SCALES
        if scale in fitting or scale.id in scores
    ]
    zone, now = zone_of(session), timezone.now()
    return {
        "grade_forms": forms,
        "may_grade": may_grade(user, session),
        "check_ins": [check_in_view(c, now, zone) for c in session.check_ins.all()],
        "events": [
            EventView(e, kind_label(e.kind), 0, zone)
            for e in session.adverse_events.select_related("raised_by", "closed_by")
        ],
        "rating": ClientRating.objects.filter(session=session).first(),
        "kinds": checkins.KINDS,
        "zone": zone,
    }


def open_check_ins(client: User, now: dt.datetime) -> list[CheckIn]:
    """The client's check-ins to answer now: due, unanswered, and not yet past their window."""
    candidates = CheckIn.objects.filter(
        session__client=client,
        session__signed_at__isnull=False,
        due_at__lte=now,
        answered_at__isnull=True,
    ).select_related("session__clinic", "session__practitioner")
    return [c for c in candidates if now < c.session.performed_at + checkins.stale_after(c.day)]


def my_progress(client: User) -> dict[str, Any]:
    """The client's own signed sessions at every clinic, their grades and ratings, the charts,
    and the check-ins waiting for an answer."""
    sessions = _sessions(TreatmentSession.objects.filter(client=client, signed_at__isnull=False))
    rows = session_rows(sessions)
    return {
        "rows": rows,
        "charts": _charts_markup(progress_charts(rows, for_client=True)),
        "open_check_ins": open_check_ins(client, timezone.now()),
        "improvement": outcomes.IMPROVEMENT,
        "satisfaction": outcomes.SATISFACTION,
    }
