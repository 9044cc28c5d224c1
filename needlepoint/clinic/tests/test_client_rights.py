"""A client's rights: download everything as JSON (page and API), and erasure — everything
erased at once when there is no clinical record, otherwise the account closed, personal data
erased and the treatment records kept until the retention ends, with the reason shown."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.models import ErasureRequest, User
from needlepoint.scheduling.models import Appointment, Message
from needlepoint.scheduling.tests.factories import bearer, client_user, text
from needlepoint.screening.models import ScreeningRecord

from ..models import SignedConsent, TreatmentSession
from ..privacy import erase_expired
from .factories import PASSWORD, charted_session, make_setting

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_export_holds_everything_about_the_client_and_nobody_else() -> None:
    setting = make_setting()
    session = charted_session(setting)
    other = charted_session(setting, client=client_user("someone@example.test"))
    response = as_user(setting.client).get("/me/data/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == "client@example.test"
    assert data["account"]["phone"] == "+44 113 496 0000"
    assert [s["id"] for s in data["treatment_sessions"]] == [session.pk]
    assert other.pk not in [s["id"] for s in data["treatment_sessions"]]
    assert data["treatment_sessions"][0]["cartridge"]["lot"] == setting.lot.lot_number
    assert len(data["screenings"]) == 1
    assert len(data["appointments"]) == 1
    assert data["consents"][0]["sha256"] == setting.consent.form_digest
    api = Client().get("/api/v1/me/export", **bearer(setting.client))
    assert api.status_code == 200
    assert [s["id"] for s in api.json()["treatment_sessions"]] == [session.pk]


def test_erasure_without_clinical_records_erases_everything() -> None:
    client = client_user("brief@example.test")
    browser = as_user(client)
    wrong = browser.post("/me/data/", {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 422
    assert "not your password" in text(wrong)
    done = browser.post("/me/data/", {"password": "a long passphrase", "confirm": "on"})
    assert done.status_code == 200
    assert "Nothing is kept" in text(done)
    client.refresh_from_db()
    assert client.email == f"erased-{client.pk}@erased.invalid"
    assert not client.is_active
    assert not client.has_usable_password()
    assert not ScreeningRecord.objects.filter(client=client).exists()
    assert ErasureRequest.objects.get(client=client).status == "done"
    assert mail.outbox[-1].to == ["brief@example.test"]
    assert as_user(client).get("/me/data/").status_code == 302  # signed out, cannot come back


def test_erasure_keeps_treatment_records_until_the_retention_ends(settings) -> None:
    settings.CLINICAL_RECORD_RETENTION_DAYS = 30
    setting = make_setting()
    session = charted_session(setting, days_ago=10)
    Message.objects.create(client=setting.client, kind="reminder", subject="s", body="b")
    response = Client().post(
        "/api/v1/me/erasure",
        {"password": PASSWORD, "reason": "Moving abroad"},
        content_type="application/json",
        **bearer(setting.client),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    latest = max(session.performed_at, setting.consent.signed_at)  # the consent came after
    until = (latest + dt.timedelta(days=30)).strftime("%d %B %Y")
    assert f"kept until {until}" in body["outcome"]
    client = User.objects.get(pk=setting.client.pk)
    assert not client.is_active
    assert client.email == "client@example.test"  # contact kept for recalls
    assert TreatmentSession.objects.filter(pk=session.pk).exists()
    assert not Message.objects.filter(client=client).exists()
    assert Appointment.objects.get(pk=setting.appointment.pk).status == "cancelled"
    again = Client().post(
        "/api/v1/me/erasure",
        {"password": PASSWORD},
        content_type="application/json",
        **bearer(setting.client),
    )
    assert again.status_code in (401, 409)  # the account is closed; its tokens are gone

    assert erase_expired(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert TreatmentSession.objects.filter(pk=session.pk).exists()
    assert erase_expired(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not TreatmentSession.objects.filter(client=client).exists()
    assert not SignedConsent.objects.filter(client=client).exists()
    client.refresh_from_db()
    assert client.email.endswith("@erased.invalid")
    assert ErasureRequest.objects.get(client=client).status == "done"


def test_only_a_client_may_erase_their_own_account_here() -> None:
    setting = make_setting()
    response = as_user(setting.practitioner).post(
        "/me/data/", {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 422
    assert User.objects.get(pk=setting.practitioner.pk).is_active
