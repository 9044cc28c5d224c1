"""Recalling a cartridge lot: the list of every client and session it touched is complete
(a property over random histories), shown as a page and a CSV, the lot can no longer be
recorded, and each client gets one notice through the real task worker."""

import csv
import io

import pytest
from django.core import mail
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needlepoint.scheduling.models import Message
from needlepoint.scheduling.tests.factories import bearer, client_user, text

from .. import services
from ..models import CartridgeLot, RecallNotice, TreatmentSession
from ..record_selectors import sessions_using_lot
from ..tasks import send_pending_recall_notices, send_recall_notice
from .factories import charted_session, lot, make_setting

REASON = "The maker reports that the sterile seal of this batch may be faulty."


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    browser = Client()
    browser.force_login(user)
    return browser


def run_worker() -> None:
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=50, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


HISTORY = st.lists(
    st.tuples(
        st.integers(0, 3),  # which client
        st.integers(0, 2),  # which lot
        st.booleans(),  # signed
        st.integers(0, 90),  # days ago
    ),
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=HISTORY, recalled=st.integers(0, 2))
def test_the_recall_list_is_every_session_of_the_lot_and_nothing_else(
    history, recalled, recall_world
) -> None:
    setting, clients, lots = recall_world
    TreatmentSession.objects.all().delete()
    for who, which, signed, days_ago in history:
        charted_session(
            setting, client=clients[who], lot=lots[which], signed=signed, days_ago=days_ago
        )
    rows = sessions_using_lot(lots[recalled].pk)
    expected = [
        s
        for s in TreatmentSession.objects.order_by("performed_at", "pk")
        if s.cartridge_lot_id == lots[recalled].pk
    ]
    assert [r.session_id for r in rows] == [s.pk for s in expected]
    assert [r.client_id for r in rows] == [s.client_id for s in expected]
    assert all(r.client_email == clients_by_id(clients)[r.client_id].email for r in rows)
    assert [r.signed for r in rows] == [s.signed_at is not None for s in expected]


def clients_by_id(clients):  # type: ignore[no-untyped-def]
    return {c.pk: c for c in clients}


@pytest.fixture
def recall_world():  # type: ignore[no-untyped-def]
    setting = make_setting()
    lots = [setting.lot, lot(setting.clinic, quantity=500), lot(setting.clinic, quantity=500)]
    CartridgeLot.objects.filter(pk=setting.lot.pk).update(quantity_received=500)
    clients = [setting.client] + [client_user(f"c{n}@example.test") for n in range(3)]
    return setting, clients, lots


@pytest.mark.django_db(transaction=True)
def test_a_manager_recalls_a_lot_and_every_client_is_told_once() -> None:
    setting = make_setting()
    second = client_user("second@example.test")
    other_lot = lot(setting.clinic)
    first = charted_session(setting, days_ago=30)
    charted_session(setting, days_ago=2)
    theirs = charted_session(setting, client=second, days_ago=10)
    untouched = charted_session(setting, lot=other_lot)
    run_worker()  # the booking confirmations of the setting
    mail.outbox.clear()

    browser = as_user(setting.manager)
    response = browser.post(
        f"/clinic/{setting.clinic.pk}/lots/{setting.lot.pk}/recall/",
        {"reason": REASON},
        follow=True,
    )
    assert response.status_code == 200
    page = text(response)
    assert "3 sessions, 2 clients" in page
    assert "+44 113 496 0000" in page
    assert untouched.pk not in [r.session_id for r in sessions_using_lot(setting.lot.pk)]

    csv_response = browser.get(f"/clinic/{setting.clinic.pk}/lots/{setting.lot.pk}/sessions.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert [int(r["session_id"]) for r in rows] == [first.pk, theirs.pk, first.pk + 1]
    assert {r["email"] for r in rows} == {"client@example.test", "second@example.test"}
    assert rows[0]["phone"] == "'+44 113 496 0000"  # no formula in a spreadsheet

    run_worker()
    notices = Message.objects.filter(kind=Message.Kind.RECALL)
    assert sorted(n.client.email for n in notices) == ["client@example.test", "second@example.test"]
    assert sorted(m.to[0] for m in mail.outbox) == ["client@example.test", "second@example.test"]
    assert REASON in mail.outbox[0].body
    assert setting.lot.lot_number in mail.outbox[0].subject
    for notice in RecallNotice.objects.all():  # a repeated job sends nothing new
        assert notice.sent_at is not None
        send_recall_notice.call(notice.pk)
    assert notices.count() == 2
    assert send_pending_recall_notices() == 0

    again = browser.post(
        f"/clinic/{setting.clinic.pk}/lots/{setting.lot.pk}/recall/", {"reason": REASON}
    )
    assert again.status_code == 409


@pytest.mark.django_db
def test_recall_needs_a_reason_and_a_manager_of_that_clinic() -> None:
    setting = make_setting()
    url = f"/clinic/{setting.clinic.pk}/lots/{setting.lot.pk}/recall/"
    short = as_user(setting.manager).post(url, {"reason": "bad"})
    assert short.status_code == 422
    assert "Say why the lot is recalled" in text(short)
    for who in ("practitioner", "other_manager", "client", "staff"):
        assert as_user(setting.user(who)).post(url, {"reason": REASON}).status_code == 404, who
    assert CartridgeLot.objects.get(pk=setting.lot.pk).recalled_at is None


@pytest.mark.django_db
def test_the_api_recalls_and_lists_with_contact_details() -> None:
    setting = make_setting()
    session = charted_session(setting)
    url = f"/api/v1/clinic/{setting.clinic.pk}/lots/{setting.lot.pk}"
    listed = Client().get(f"{url}/sessions", **bearer(setting.manager))
    assert listed.status_code == 200
    (row,) = listed.json()["sessions"]
    assert row["session_id"] == session.pk
    assert row["client_phone"] == "+44 113 496 0000"
    recalled = Client().post(
        f"{url}/recall",
        {"reason": REASON},
        content_type="application/json",
        **bearer(setting.manager),
    )
    assert recalled.status_code == 200
    assert recalled.json()["recalled_at"] is not None
    assert Client().get(f"{url}/sessions", **bearer(setting.other_manager)).status_code == 404


@pytest.mark.django_db
def test_the_inventory_adds_devices_and_lots_and_refuses_bad_ones() -> None:
    setting = make_setting()
    browser = as_user(setting.manager)
    url = f"/clinic/{setting.clinic.pk}/inventory/"
    ok = browser.post(
        url,
        {
            "what": "lot",
            "brand": "Nano 36",
            "lot_number": "N36-1",
            "expires_on": "2099-01-01",
            "needle_count": "36",
            "quantity_received": "50",
        },
    )
    assert ok.status_code == 302
    for bad, says in [
        (
            {
                "what": "lot",
                "brand": "Nano 36",
                "lot_number": "N36-1",
                "expires_on": "2099-01-01",
                "needle_count": "36",
                "quantity_received": "50",
            },
            "listed already",
        ),
        (
            {
                "what": "lot",
                "brand": "X",
                "lot_number": "Y",
                "expires_on": "2001-01-01",
                "needle_count": "12",
                "quantity_received": "5",
            },
            "expired already",
        ),
        (
            {
                "what": "lot",
                "brand": "X",
                "lot_number": "Y",
                "expires_on": "soon",
                "needle_count": "12",
                "quantity_received": "5",
            },
            "YYYY-MM-DD",
        ),
        ({"what": "device", "model": "Pen", "serial": "S1", "max_depth_mm": "-1"}, "more than 0"),
        ({"what": "device", "model": "Pen", "serial": "S1", "max_depth_mm": "7"}, "5 mm at most"),
    ]:
        response = browser.post(url, bad)
        assert response.status_code in (409, 422), bad
        assert says in text(response), bad
    assert CartridgeLot.objects.filter(clinic=setting.clinic).count() == 2
    assert as_user(setting.practitioner).get(url).status_code == 404


@pytest.mark.django_db
def test_a_lost_notice_job_is_sent_by_the_sweep() -> None:
    from django.core.management import call_command

    setting = make_setting()
    charted_session(setting)
    services.recall_lot(
        by=setting.manager, clinic_id=setting.clinic.pk, lot_id=setting.lot.pk, reason=REASON
    )  # in a test transaction: on_commit never queues the job
    (notice,) = RecallNotice.objects.all()
    assert notice.sent_at is None
    call_command("send_due_check_ins", verbosity=0)
    notice.refresh_from_db()
    assert notice.sent_at is not None
    assert Message.objects.filter(client=setting.client, kind=Message.Kind.RECALL).count() == 1


@pytest.mark.django_db
def test_a_lot_number_is_one_line_of_text() -> None:
    setting = make_setting()
    response = as_user(setting.manager).post(
        f"/clinic/{setting.clinic.pk}/inventory/",
        {
            "what": "lot",
            "brand": "Nano",
            "lot_number": "A1\nContent-Type: text/html",
            "expires_on": "2099-01-01",
            "needle_count": "12",
            "quantity_received": "5",
        },
    )
    assert response.status_code == 422
    assert "one line" in text(response)
