"""Pages of outcomes, check-ins and adverse events: the client's progress and ratings, answering a
check-in, a session's grades and events, and an adverse event's follow-up and closing.

Bad input re-renders the page with the message beside the form and the error's 4xx status."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import checkins, followup_selectors, followup_services
from .record_selectors import session_for


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the page the form was on (`next`, this site only), else to `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# --- The client ------------------------------------------------------------------------------


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    return _render_progress(request)


def _render_progress(
    request: HttpRequest,
    *,
    error: ApiError | None = None,
    session_id: int | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "followup": followup_selectors.my_progress(signed_in(request)),
        "error": error,
        "error_session_id": session_id,
        "posted": request.POST if error else {},
    }
    status = error.status if error else 200
    return render(request, "clinic/followup_progress.html", context, status=status)


@login_required
@require_POST
def rate_session(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        followup_services.rate_session(
            by=signed_in(request),
            session_id=session_id,
            improvement=request.POST.get("improvement"),
            satisfaction=request.POST.get("satisfaction"),
            comment=request.POST.get("comment"),
        )
    except ApiError as error:
        return _render_progress(request, error=error, session_id=session_id)
    messages.success(request, "Thank you: your rating is saved.")
    return redirect(reverse("clinic:my-progress") + f"#session-{session_id}")


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, check_in_id: int) -> HttpResponse:
    user = signed_in(request)
    found = followup_selectors.check_in_for(user, check_in_id)
    error = None
    if request.method == "POST":
        try:
            followup_services.answer_check_in(by=user, check_in_id=check_in_id, raw=request.POST)
        except ApiError as problem:
            error = problem
        else:
            messages.success(request, "Thank you: your answers went to your clinic.")
            return redirect("clinic:check-in", check_in_id)
    context = {
        "check_in": found,
        "questions": checkins.questions_for(found.day),
        "answers": checkins.readable(found.answers),
        "note_question": checkins.NOTE,
        "is_open": found.answered_at is None and found.due_at <= timezone.now(),
        "zone": followup_selectors.zone_of(found.session),
        "error": error,
        "posted": request.POST if error else {},
    }
    return render(
        request, "clinic/followup_check_in.html", context, status=error.status if error else 200
    )


# --- The clinic: a session's grades and events -----------------------------------------------


@login_required
def session_followup(request: HttpRequest, session_id: int) -> HttpResponse:
    return _render_session(request, session_id)


def _render_session(
    request: HttpRequest, session_id: int, *, error: ApiError | None = None, form: str = ""
) -> HttpResponse:
    user = signed_in(request)
    chart, session = session_for(user, session_id)
    followup = followup_selectors.followup_on_session(user, session)
    followup |= {"error": error, "error_form": form, "posted": request.POST if error else {}}
    context = {"chart": chart, "session": session, "followup": followup}
    status = error.status if error else 200
    return render(request, "clinic/followup_session.html", context, status=status)


@login_required
@require_POST
def grade_session(request: HttpRequest, session_id: int) -> HttpResponse:
    scale = request.POST.get("scale", "")
    try:
        followup_services.record_score(
            by=signed_in(request),
            session_id=session_id,
            scale=scale,
            raw_score=request.POST.get("score"),
            note=request.POST.get("note"),
        )
    except ApiError as error:
        return _render_session(request, session_id, error=error, form=f"grade-{scale}")
    messages.success(request, "Grade saved.")
    return _back(request, reverse("clinic:session", args=[session_id]))


@login_required
@require_POST
def raise_adverse_event(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        event = followup_services.raise_adverse_event(
            by=signed_in(request),
            session_id=session_id,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description"),
        )
    except ApiError as error:
        return _render_session(request, session_id, error=error, form="raise")
    messages.success(request, "Adverse event recorded: follow it up on its page.")
    return redirect("clinic:adverse-event", event.pk)


# --- The clinic: one adverse event -----------------------------------------------------------


@login_required
def adverse_event(request: HttpRequest, event_id: int) -> HttpResponse:
    return _render_event(request, event_id)


def _render_event(
    request: HttpRequest, event_id: int, *, error: ApiError | None = None, form: str = ""
) -> HttpResponse:
    chart, event = followup_selectors.adverse_event_for(signed_in(request), event_id)
    context = {
        "chart": chart,
        "event": event,
        "session": event.session,
        "kind": followup_selectors.kind_label(event.kind),
        "answers": checkins.readable(event.check_in.answers) if event.check_in else [],
        "zone": followup_selectors.zone_of(event.session),
        "error": error,
        "error_form": form,
        "posted": request.POST if error else {},
    }
    status = error.status if error else 200
    return render(request, "clinic/followup_adverse_event.html", context, status=status)


@login_required
@require_POST
def follow_up(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        followup_services.add_follow_up(
            by=signed_in(request), event_id=event_id, note=request.POST.get("follow_up")
        )
    except ApiError as error:
        return _render_event(request, event_id, error=error, form="follow-up")
    messages.success(request, "Follow-up note added.")
    return redirect("clinic:adverse-event", event_id)


@login_required
@require_POST
def close_adverse_event(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        followup_services.close_adverse_event(
            by=signed_in(request), event_id=event_id, outcome=request.POST.get("outcome")
        )
    except ApiError as error:
        return _render_event(request, event_id, error=error, form="close")
    messages.success(request, "Adverse event closed.")
    return redirect("clinic:adverse-event", event_id)
