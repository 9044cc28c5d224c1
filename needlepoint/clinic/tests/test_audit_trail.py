"""A clinic manager reads the audit trail of their clinic (filtered, paged, as CSV) and who looked
at a chart; nobody else reaches it. Reads are recorded once per object per request."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import AuditEvent
from needlepoint.scheduling.tests.factories import bearer

from .factories import Setting, charted_session, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> Setting:
    return make_setting()


def browser(user: object, **extra: str) -> Client:
    c = Client(**extra)
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_a_manager_reads_who_looked_at_a_chart(setting: Setting) -> None:
    chart = reverse("clinic:chart", args=[setting.client.pk])
    assert browser(setting.practitioner).get(chart).status_code == 200
    page = browser(setting.manager).get(chart)
    assert b"Who looked at this chart" in page.content
    assert setting.practitioner.email.encode() in page.content
    assert b"Who looked at this chart" not in browser(setting.practitioner).get(chart).content


def test_a_page_reading_one_object_many_times_records_it_once(setting: Setting) -> None:
    session = charted_session(setting)
    browser(setting.practitioner).get(reverse("clinic:session", args=[session.pk]))
    reads = AuditEvent.objects.filter(user=setting.practitioner, action="read")
    assert sorted(reads.values_list("object_type", flat=True)) == ["chart", "session"]


def test_the_api_records_its_route(setting: Setting) -> None:
    session = charted_session(setting)
    response = Client().get(f"/api/v1/clinic/sessions/{session.pk}", **bearer(setting.manager))
    assert response.status_code == 200
    event = AuditEvent.objects.get(object_type="session", user=setting.manager)
    assert event.route == "api:get_session"
    assert event.method == "GET"


def test_x_forwarded_for_counts_only_behind_trusted_proxies(setting: Setting, settings) -> None:  # type: ignore[no-untyped-def]
    chart = reverse("clinic:chart", args=[setting.client.pk])
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    browser(setting.manager, **forwarded).get(chart)
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1
    browser(setting.practitioner, **forwarded).get(chart)
    by_user = dict(AuditEvent.objects.values_list("user__email", "ip_address"))
    assert by_user[setting.manager.email] == "10.0.0.2"
    assert by_user[setting.practitioner.email] == "198.51.100.7"


@pytest.mark.parametrize("role", ["practitioner", "other_manager", "staff", "client"])
def test_only_the_clinics_managers_reach_its_trail(setting: Setting, role: str) -> None:
    for name in ("clinic:audit", "clinic:audit-csv"):
        url = reverse(name, args=[setting.clinic.pk])
        assert browser(setting.user(role)).get(url).status_code == 404
        assert browser(setting.manager).get(url).status_code == 200


def test_another_clinics_events_never_show(setting: Setting) -> None:
    audit.record(
        audit.READ,
        "chart",
        1,
        client_id=None,
        clinic_id=setting.other_clinic.pk,
        user=setting.other_manager,
    )
    page = browser(setting.manager).get(reverse("clinic:audit", args=[setting.clinic.pk]))
    assert setting.other_manager.email.encode() not in page.content


def test_the_trail_filters_by_client_user_action_and_dates(setting: Setting) -> None:
    browser(setting.practitioner).get(reverse("clinic:chart", args=[setting.client.pk]))
    charted_session(setting)
    old = audit.record(
        audit.CREATE,
        "session",
        99,
        client_id=setting.client.pk,
        clinic_id=setting.clinic.pk,
        user=setting.manager,
    )
    assert old is not None
    AuditEvent.objects.filter(pk=old.pk).delete()
    AuditEvent.objects.create(
        at=timezone.now() - dt.timedelta(days=10),
        user=setting.manager,
        actor=setting.manager.email,
        role="manager",
        action="create",
        object_type="session",
        object_id="99",
        client=setting.client,
        clinic=setting.clinic,
    )
    url = reverse("clinic:audit", args=[setting.clinic.pk])
    manager = browser(setting.manager)

    def shown(**query: str) -> set[str]:
        return {e.actor for e in manager.get(url, query).context["page"]}

    assert shown(user="prac") == {setting.practitioner.email}
    assert shown(action="create") == {setting.manager.email}
    assert shown(client=setting.client.email) >= {setting.practitioner.email, setting.manager.email}
    assert shown(client=str(setting.other_client.pk)) == set()
    since = (timezone.now() - dt.timedelta(days=1)).date().isoformat()
    assert setting.manager.email not in shown(since=since, action="create")
    until = (timezone.now() - dt.timedelta(days=5)).date().isoformat()
    assert shown(until=until) == {setting.manager.email}


def test_the_trail_pages_by_fifty(setting: Setting) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor="a@x.test",
            role="manager",
            action="read",
            object_type="chart",
            object_id=str(i),
            clinic=setting.clinic,
        )
        for i in range(60)
    )
    url = reverse("clinic:audit", args=[setting.clinic.pk])
    manager = browser(setting.manager)
    assert len(manager.get(url).context["page"]) == 50
    assert len(manager.get(url, {"page": 2}).context["page"]) == 10


def test_the_csv_holds_the_filtered_rows_and_its_export_is_audited(setting: Setting) -> None:
    browser(setting.practitioner, REMOTE_ADDR="192.0.2.4").get(
        reverse("clinic:chart", args=[setting.client.pk])
    )
    AuditEvent.objects.create(
        actor="=HYPERLINK(1)",
        role="manager",
        action="read",
        object_type="chart",
        object_id="1",
        clinic=setting.clinic,
    )
    response = browser(setting.manager).get(
        reverse("clinic:audit-csv", args=[setting.clinic.pk]), {"action": "read"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    mine = [r for r in rows if r["actor"] == setting.practitioner.email]
    assert [(r["object_type"], r["ip_address"], r["route"], r["client"]) for r in mine] == [
        ("chart", "192.0.2.4", "clinic:chart", setting.client.email)
    ]
    assert "'=HYPERLINK(1)" in {r["actor"] for r in rows}
    assert AuditEvent.objects.filter(
        action="export", object_type="audit_trail", user=setting.manager
    ).exists()
