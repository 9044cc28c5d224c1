"""Screening writes: evaluate answers and, for a signed-in client, keep the result."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import User

from . import questions, rules
from .models import ScreeningRecord


def screen(
    *, client: User | None, raw_answers: Mapping[str, Any]
) -> tuple[rules.Screening, ScreeningRecord | None]:
    """Validates and evaluates the answers (AnswerError names a bad question). A signed-in
    client's screening is stored; an anonymous visitor's is answered and not kept, so no health
    data is held for someone without an account."""
    today = timezone.localdate()
    answers = questions.validate_answers(raw_answers, today)
    screening = rules.evaluate(answers, today)
    if client is None:
        return screening, None
    with transaction.atomic():
        record = ScreeningRecord.objects.create(
            client=client,
            evaluated_on=screening.evaluated_on,
            ruleset_version=screening.ruleset_version,
            answers=screening.answers.as_json(),
            outcome=screening.outcome.value,
            result=screening.as_json(),
            defer_until=screening.defer_until,
            bookable_from=screening.bookable_from,
        )
    return screening, record
