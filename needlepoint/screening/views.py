"""Screening pages: the questionnaire, the outcome (stored for a signed-in client, or shown and
offered to keep), my screenings and the comparison of options."""

import json
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from needlepoint.accounts.models import User
from needlepoint.accounts.services import check_password_only, register_client
from needlepoint.errors import ApiError

from . import options, questions, selectors, services, wording
from .forms import (
    UNREADABLE,
    ComparisonForm,
    KeepForm,
    local_path,
    posted_answers,
    questionnaire,
    raw_answers,
)
from .rules import Outcome, Screening


def signed_in(request: HttpRequest) -> User:
    """The user of a request that login_required has let through."""
    return cast(User, request.user)


def continue_url(request: HttpRequest) -> str:
    """The booking page the client came from (`next`), if it is a path on this site."""
    return local_path(request.POST.get("next") or request.GET.get("next"), request.get_host())


def result_url(screening_id: int, next_url: str) -> str:
    url = reverse("screening:result", args=[screening_id])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """The questionnaire; a POST screens the answers: a signed-in user's are stored, an
    anonymous visitor's are shown and not kept."""
    if request.method != "POST":
        return _questionnaire(request, {}, None)
    raw = raw_answers(request.POST)
    client = signed_in(request) if request.user.is_authenticated else None
    try:
        screening, record = services.screen(client=client, raw_answers=raw)
    except questions.AnswerError as error:
        return _questionnaire(request, raw, error, status=422)
    if record is None:
        return _anonymous_outcome(request, screening, KeepForm())
    return redirect(result_url(record.pk, continue_url(request)))


@require_POST
@never_cache
def keep(request: HttpRequest) -> HttpResponse:
    """Signs in, or creates a client account, and stores the result just shown: the account
    and the screening are written together or not at all."""
    answers = posted_answers(request.POST)
    if answers is None:
        return _questionnaire(request, {}, UNREADABLE, status=400)
    try:  # screened again: what the page carried is the visitor's to change
        screening, _ = services.screen(client=None, raw_answers=answers)
    except questions.AnswerError as error:  # e.g. a date given yesterday as today
        return _questionnaire(request, answers, error, status=422)
    form = KeepForm(request.POST)
    if not form.is_valid():
        return _anonymous_outcome(request, screening, form, status=422)
    try:
        with transaction.atomic():
            user = _account(request, form.cleaned_data)
            _, record = services.screen(client=user, raw_answers=answers)
    except ApiError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _anonymous_outcome(request, screening, form, status=error.status)
    assert record is not None
    login(request, user)
    return redirect(result_url(record.pk, continue_url(request)))


def _account(request: HttpRequest, data: dict[str, Any]) -> User:
    if data["account"] == "new":
        return register_client(
            email=data["email"], password=data["password"], full_name=data["full_name"]
        )
    # Locked, throttled and refused for accounts that owe a second factor, like the login page.
    return check_password_only(request=request, email=data["email"], password=data["password"])


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My screenings, newest first."""
    records = [
        (record, wording.headline(Outcome(record.outcome), record.bookable_from))
        for record in signed_in(request).screenings.all()
    ]
    return render(request, "screening/mine.html", {"records": records})


@login_required
@never_cache
def result(request: HttpRequest, screening_id: int) -> HttpResponse:
    """A stored screening as it was evaluated, with its own answers and date."""
    record = selectors.screening_for(signed_in(request), screening_id)
    try:
        answers = questions.validate_answers(record.answers, record.evaluated_on)
    except questions.AnswerError:  # the questionnaire has changed since: reasons only
        answers = None
    page = wording.outcome_page(record.result, answers, continue_url=continue_url(request))
    return render(request, "screening/outcome.html", {"page": page, "record": record})


def compare(request: HttpRequest) -> HttpResponse:
    """Micro-needling and the alternatives for one concern and skin type, every cell sourced."""
    if not request.GET:
        return render(request, "screening/compare.html", {"form": ComparisonForm()})
    form = ComparisonForm(request.GET)
    if not form.is_valid():
        return render(request, "screening/compare.html", {"form": form}, status=422)
    comparison = options.compare(**form.cleaned_data)
    context = {
        "form": form,
        "comparison": comparison,
        "table": wording.comparison_table(comparison),
        "statement": wording.NOT_A_DIAGNOSIS,
        "reliability": wording.RELIABILITY,
    }
    return render(request, "screening/compare.html", context)


def _questionnaire(
    request: HttpRequest,
    raw: dict[str, Any],
    error: questions.AnswerError | None,
    status: int = 200,
) -> HttpResponse:
    sections = questionnaire(raw, error)
    context = {
        "sections": sections,
        "error": error,
        "error_field": next((f for s in sections for f in s.fields if f.error), None),
        "error_topic": next((s.topic.id for s in sections if s.has_error), ""),
        "today": timezone.localdate(),
        "next": continue_url(request),
    }
    return render(request, "screening/questionnaire.html", context, status=status)


def _anonymous_outcome(
    request: HttpRequest, screening: Screening, form: KeepForm, status: int = 200
) -> HttpResponse:
    next_url = continue_url(request)
    page = wording.outcome_page(screening.as_json(), screening.answers, continue_url=next_url)
    context = {
        "page": page,
        "keep_form": form,
        "answers_json": json.dumps(screening.answers.as_json()),
        "next": next_url,
    }
    return render(request, "screening/outcome.html", context, status=status)
