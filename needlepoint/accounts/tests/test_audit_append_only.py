"""The audit trail is append-only: save() and the database refuse an update; the retention purge
deletes what is older than AUDIT_RETENTION_DAYS and nothing else."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


def event(**overrides: object) -> AuditEvent:
    user = User.objects.create_user(
        f"p{User.objects.count()}@x.test", "x" * 12, role=Role.PRACTITIONER
    )
    made = audit.record(audit.READ, "chart", 7, client_id=None, clinic_id=None, user=user)
    assert made is not None
    if overrides:
        AuditEvent.objects.filter(pk=made.pk).delete()
        made = AuditEvent.objects.create(**{**_fields(made), **overrides})
    return made


def _fields(made: AuditEvent) -> dict[str, object]:
    names = ("user", "actor", "role", "action", "object_type", "object_id", "route", "method")
    return {name: getattr(made, name) for name in names}


def test_outside_a_request_the_event_names_the_user_and_no_route() -> None:
    made = event()
    assert (made.actor, made.role, made.action, made.object_id) == (
        made.user.email,  # type: ignore[union-attr]
        "practitioner",
        "read",
        "7",
    )
    assert (made.route, made.method, made.ip_address) == ("", "", None)


def test_save_refuses_to_change_an_event() -> None:
    made = event()
    made.object_id = "8"
    with pytest.raises(ValueError, match="append-only"):
        made.save()


@pytest.mark.parametrize(
    "change", [{"object_id": "8"}, {"actor": "someone@else.test"}, {"at": timezone.now()}]
)
def test_the_database_refuses_an_update_whatever_code_runs_it(change: dict[str, object]) -> None:
    made = event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=made.pk).update(**change)
    made.refresh_from_db()
    assert made.object_id == "7"


def test_the_database_refuses_pointing_an_event_at_another_user() -> None:
    made = event()
    other = User.objects.create_user("o@x.test", "x" * 12)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=made.pk).update(user=other)


def test_deleting_a_user_forgets_the_link_and_keeps_the_event() -> None:
    made = event()
    email = made.actor
    User.objects.filter(pk=made.user_id).delete()
    made.refresh_from_db()
    assert (made.user_id, made.actor) == (None, email)


def test_purge_deletes_only_events_past_the_retention(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old = event(at=now - dt.timedelta(days=31))
    kept = event(at=now - dt.timedelta(days=29))
    out = StringIO()
    call_command("purge_audit_trail", stdout=out)
    assert "Deleted 1 audit events older than 30 days" in out.getvalue()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    again = StringIO()
    call_command("purge_audit_trail", stdout=again)
    assert "Deleted 0 audit events" in again.getvalue()


def test_the_default_retention_is_six_years() -> None:
    from django.conf import settings

    assert settings.AUDIT_RETENTION_DAYS == 6 * 365 + 2
