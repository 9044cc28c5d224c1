"""Screening writes: evaluate answers and, for a signed-in client, keep the result; a
practitioner's override of a screening that blocks online booking."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import Role, User
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.errors import ApiError

from . import questions, rules, selectors
from .models import ScreeningOverride, ScreeningRecord
from .signals import screening_recorded

MIN_OVERRIDE_REASON = 20  # characters: a reason someone else can follow, not "ok"


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
        previous = selectors.latest_screening(client.pk)
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
        audit.record(
            audit.CREATE, "screening", record.pk, client_id=client.pk, clinic_id=None, user=client
        )
        screening_recorded.send(sender=ScreeningRecord, record=record, previous=previous)
    return screening, record


def override_screening(
    *, by: User, screening: ScreeningRecord, clinic_id: int, reason: str
) -> ScreeningOverride:
    """Records a practitioner's written decision that the client may book with their clinic
    although the screening blocks online booking. The caller has checked that `by` may see
    the client's chart."""
    reason = reason.strip()
    if by.role != Role.PRACTITIONER or clinic_id not in set(
        member_clinic_ids(by, roles=(Role.PRACTITIONER,))
    ):
        raise ApiError(403, "forbidden", "Only a practitioner of this clinic may override.")
    if len(reason) < MIN_OVERRIDE_REASON:
        raise ApiError(
            422,
            "reason_too_short",
            f"Write the reason in at least {MIN_OVERRIDE_REASON} characters: it stays on the "
            "chart for anyone who treats this client.",
            "reason",
        )
    if rules.Outcome(screening.outcome) <= rules.Outcome.PRECAUTIONS:
        raise ApiError(409, "nothing_to_override", "This screening already allows booking.")
    with transaction.atomic():
        latest = selectors.latest_screening(screening.client_id)
        if latest is None or latest.pk != screening.pk:
            raise ApiError(
                409,
                "superseded",
                "The client has a newer screening: read it before deciding.",
            )
        if ScreeningOverride.objects.filter(screening=screening, clinic_id=clinic_id).exists():
            raise ApiError(409, "already_overridden", "This screening is already overridden.")
        override = ScreeningOverride.objects.create(
            screening=screening, clinic_id=clinic_id, practitioner=by, reason=reason
        )
        audit.record(
            audit.CREATE,
            "screening_override",
            override.pk,
            client_id=screening.client_id,
            clinic_id=clinic_id,
            user=by,
        )
        return override
