"""A clinic manager's grant lets one platform staff member read one client's chart for a while,
never write; before, after expiry and after revocation staff get 404; every step is audited."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from needlepoint.accounts.models import AuditEvent, ChartGrant

from .factories import Setting, charted_session, make_setting

pytestmark = pytest.mark.django_db
REASON = "Ticket 1234: the client asks why a session is missing."


@pytest.fixture
def setting() -> Setting:
    return make_setting()


def browser(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def grant(setting: Setting, days: int = 1) -> ChartGrant:
    response = browser(setting.manager).post(
        reverse("clinic:grants", args=[setting.clinic.pk]),
        {
            "staff": setting.staff.email,
            "client": setting.client.email,
            "reason": REASON,
            "days": days,
        },
    )
    assert response.status_code == 302, response.content
    return ChartGrant.objects.get()


def chart_status(setting: Setting) -> int:
    url = reverse("clinic:chart", args=[setting.client.pk])
    return browser(setting.staff).get(url).status_code


def test_staff_read_a_chart_only_while_a_grant_is_active(setting: Setting) -> None:
    assert chart_status(setting) == 404
    made = grant(setting)
    assert made.expires_at - made.created_at == dt.timedelta(days=1)
    assert chart_status(setting) == 200
    ChartGrant.objects.filter(pk=made.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert chart_status(setting) == 404


def test_a_revoked_grant_ends_access_and_both_steps_are_audited(setting: Setting) -> None:
    made = grant(setting)
    session = charted_session(setting)
    staff = browser(setting.staff)
    assert staff.get(reverse("clinic:session", args=[session.pk])).status_code == 200
    revoke = reverse("clinic:grant-revoke", args=[setting.clinic.pk, made.pk])
    assert browser(setting.manager).post(revoke).status_code == 302
    assert chart_status(setting) == 404
    assert staff.get(reverse("clinic:session", args=[session.pk])).status_code == 404
    steps = AuditEvent.objects.filter(action="grant", user=setting.manager).order_by("pk")
    assert [(e.object_type, e.object_id, e.client_id, e.clinic_id) for e in steps] == [
        ("chart_grant", str(made.pk), setting.client.pk, setting.clinic.pk),
        ("chart_grant_revocation", str(made.pk), setting.client.pk, setting.clinic.pk),
    ]
    reads = AuditEvent.objects.filter(user=setting.staff, role="staff", action="read")
    assert {(e.object_type, e.object_id) for e in reads} == {
        ("chart", str(setting.client.pk)),
        ("session", str(session.pk)),
    }
    assert browser(setting.manager).post(revoke).status_code == 409


def test_a_grant_is_read_only(setting: Setting) -> None:
    grant(setting)
    session = charted_session(setting, signed=False)
    staff = browser(setting.staff)
    for url, data in (
        (reverse("clinic:session-sign", args=[session.pk]), {}),
        (
            reverse("clinic:raise-adverse-event", args=[session.pk]),
            {"kind": "other", "description": "x"},
        ),
        (reverse("clinic:consent-on-device", args=[setting.client.pk]), {"kind": "treatment"}),
    ):
        assert staff.post(url, data).status_code == 404, url
    session.refresh_from_db()
    assert session.signed_at is None
    assert not AuditEvent.objects.filter(user=setting.staff).exclude(action="read").exists()


def test_a_grant_opens_one_client_only(setting: Setting) -> None:
    grant(setting)
    url = reverse("clinic:chart", args=[setting.other_client.pk])
    assert browser(setting.staff).get(url).status_code == 404


@pytest.mark.parametrize("role", ["practitioner", "other_manager", "staff", "client"])
def test_only_the_clinics_managers_reach_the_grants_page(setting: Setting, role: str) -> None:
    url = reverse("clinic:grants", args=[setting.clinic.pk])
    assert browser(setting.user(role)).get(url).status_code == 404
    assert browser(setting.manager).get(url).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("days", 8),
        ("days", 0),
        ("reason", "because"),
        ("staff", "mana@x.test"),
        ("client", "other@example.test"),
    ],
)
def test_a_grant_needs_staff_a_client_of_the_clinic_a_reason_and_at_most_a_week(
    setting: Setting, field: str, value: object
) -> None:
    data = {
        "staff": setting.staff.email,
        "client": setting.client.email,
        "reason": REASON,
        "days": 1,
    }
    data[field] = value  # type: ignore[assignment]
    url = reverse("clinic:grants", args=[setting.clinic.pk])
    assert browser(setting.manager).post(url, data).status_code == 422
    assert not ChartGrant.objects.exists()
    assert not AuditEvent.objects.filter(action="grant").exists()
