"""Charting a treatment session through the page and the API: what is recorded, and every
refusal (no consent, another clinic's lot, expired / recalled / used-up lots, bad depths) with
a 4xx that names the field and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.scheduling.tests.factories import bearer, text

from ..models import CartridgeLot, SessionArea, SignedConsent, TreatmentSession
from .factories import charted_session, lot, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return make_setting()


def payload(setting, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "client_id": setting.client.pk,
        "device_id": setting.device.pk,
        "cartridge_lot_id": setting.lot.pk,
        "areas": [
            {"area": "cheeks", "depth_mm": "1.0", "passes": 2},
            {"area": "forehead", "depth_mm": 0.5, "passes": 3},
        ],
        "anaesthetic_product": "EMLA 5%",
        "topical_products": [{"product": "Hyaluronic serum", "lot": "HS-991"}],
        "endpoint_reached": True,
    }
    return {**body, **overrides}


def post(setting, who: str = "practitioner", **overrides):  # type: ignore[no-untyped-def]
    return Client().post(
        "/api/v1/clinic/sessions",
        payload(setting, **overrides),
        content_type="application/json",
        **bearer(setting.user(who)),
    )


def test_a_practitioner_charts_a_session_with_its_lot_and_depths(setting) -> None:
    response = post(setting)
    assert response.status_code == 201, response.content
    body = response.json()
    session = TreatmentSession.objects.get(pk=body["id"])
    assert session.cartridge_lot == setting.lot
    assert session.consent == setting.consent
    assert session.signed_at is None
    assert [(a.area, a.depth_mm, a.passes) for a in session.areas.order_by("pk")] == [
        ("cheeks", Decimal("1.00"), 2),
        ("forehead", Decimal("0.50"), 3),
    ]
    assert session.topical_products == [{"product": "Hyaluronic serum", "lot": "HS-991"}]
    assert CartridgeLot.objects.with_used().get(pk=setting.lot.pk).stock() == 19


@pytest.mark.parametrize(
    ("areas", "field", "says"),
    [
        ([{"area": "cheeks", "depth_mm": "deep", "passes": 2}], "areas.0.depth_mm", "number"),
        ([{"area": "cheeks", "depth_mm": "-0.5", "passes": 2}], "areas.0.depth_mm", "more than 0"),
        ([{"area": "cheeks", "depth_mm": "0", "passes": 2}], "areas.0.depth_mm", "more than 0"),
        (
            [{"area": "cheeks", "depth_mm": "0.125", "passes": 2}],
            "areas.0.depth_mm",
            "two decimals",
        ),
        ([{"area": "cheeks", "depth_mm": "1", "passes": 0}], "areas.0.passes", "between 1"),
        ([{"area": "cheeks", "depth_mm": "1", "passes": "x"}], "areas.0.passes", "whole number"),
        ([{"area": "elbow", "depth_mm": "1", "passes": 2}], "areas.0.area", "Unknown area"),
        ([{"area": "cheeks", "depth_mm": "2.6", "passes": 2}], "areas.0", "labelled maximum"),
        (
            [{"area": "cheeks", "depth_mm": "1", "passes": 2}] * 2,
            "areas.1.area",
            "once per session",
        ),
        ([], "areas", "at least one"),
    ],
)
def test_bad_depths_and_areas_are_refused_naming_the_field(setting, areas, field, says) -> None:
    response = post(setting, areas=areas)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["field"] == field
    assert says in error["message"]
    assert not TreatmentSession.objects.exists()
    assert not SessionArea.objects.exists()


def test_a_lot_from_another_clinic_is_refused(setting) -> None:
    theirs = lot(setting.other_clinic)
    response = post(setting, cartridge_lot_id=theirs.pk)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "unknown_lot",
        "message": "No such cartridge lot at this clinic.",
        "field": "cartridge_lot",
    }
    assert not TreatmentSession.objects.exists()


def test_an_expired_lot_is_refused(setting) -> None:
    CartridgeLot.objects.filter(pk=setting.lot.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    response = post(setting)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "lot_expired"
    assert not TreatmentSession.objects.exists()


def test_a_recalled_lot_is_refused(setting) -> None:
    CartridgeLot.objects.filter(pk=setting.lot.pk).update(recalled_at=timezone.now())
    response = post(setting)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "lot_recalled"


def test_a_used_single_use_cartridge_cannot_be_recorded_again(setting) -> None:
    single = lot(setting.clinic, quantity=1)
    assert post(setting, cartridge_lot_id=single.pk).status_code == 201
    again = post(setting, cartridge_lot_id=single.pk)
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "lot_used_up"
    assert TreatmentSession.objects.count() == 1


def test_no_session_without_a_current_signed_consent(setting) -> None:
    SignedConsent.objects.filter(pk=setting.consent.pk).delete()
    response = post(setting)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_consent"
    assert not TreatmentSession.objects.exists()


def test_new_medical_answers_ask_for_consent_again(setting) -> None:
    from needlepoint.screening.services import screen
    from needlepoint.screening.tests.builders import quiet_with

    screen(client=setting.client, raw_answers=quiet_with(metal_allergy=True))
    response = post(setting)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_consent"


def test_a_manager_cannot_chart_and_other_clinics_see_nothing(setting) -> None:
    assert post(setting, "manager").status_code == 403
    for who in ("other_practitioner", "other_manager", "other_client", "client", "staff"):
        assert post(setting, who).status_code == 404, who
    assert not TreatmentSession.objects.exists()


def test_the_page_charts_a_session_and_shows_a_depth_warning(setting) -> None:
    browser = Client()
    browser.force_login(setting.practitioner)
    url = f"/clinic/clients/{setting.client.pk}/sessions/new/"
    form = browser.get(url)
    assert form.status_code == 200
    assert setting.lot.lot_number in text(form)
    response = browser.post(
        url,
        {
            "device": setting.device.pk,
            "cartridge_lot": setting.lot.pk,
            "cartridges_used": "1",
            "depth_around_eyes": "0.5",
            "passes_around_eyes": "2",
            "performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert response.status_code == 200
    page = text(response)
    assert "Draft: not signed" in page
    assert "Around the eyes: 0.5 mm is deeper than the usual 0.25 mm for this area." in page


def test_the_page_keeps_what_was_typed_when_it_refuses(setting) -> None:
    browser = Client()
    browser.force_login(setting.practitioner)
    response = browser.post(
        f"/clinic/clients/{setting.client.pk}/sessions/new/",
        {
            "device": setting.device.pk,
            "cartridge_lot": setting.lot.pk,
            "depth_cheeks": "1,5x",
            "passes_cheeks": "2",
        },
    )
    assert response.status_code == 422
    assert "The depth must be a number of mm" in text(response)
    assert 'value="1,5x"' in response.content.decode()
    assert not TreatmentSession.objects.exists()


def test_the_chart_lists_sessions_with_their_lot(setting) -> None:
    session = charted_session(setting)
    browser = Client()
    browser.force_login(setting.manager)
    page = text(browser.get(f"/clinic/clients/{setting.client.pk}/"))
    assert f"{setting.lot.brand} · {setting.lot.lot_number}" in page
    assert "+44 113 496 0000" in page
    assert (
        f"/clinic/sessions/{session.pk}/"
        in browser.get(f"/clinic/clients/{setting.client.pk}/").content.decode()
    )


def test_a_time_without_zone_and_absurd_ids_are_4xx_not_500(setting) -> None:
    naive = post(setting, performed_at="2026-12-01T10:00:00")
    assert naive.status_code == 422
    assert naive.json()["error"]["field"] == "performed_at"
    huge = post(setting, client_id=2**70)
    assert huge.status_code in (404, 422)
    browser = Client()
    browser.force_login(setting.practitioner)
    assert browser.get(f"/clinic/clients/{2**70}/sessions/new/").status_code == 404
    assert browser.get(f"/clinic/sessions/{2**70}/").status_code == 404
    assert not TreatmentSession.objects.exists()


def test_a_session_before_the_consent_was_signed_is_refused(setting) -> None:
    response = post(setting, performed_at="2001-01-01T10:00:00+00:00")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "before_consent"


def test_a_draft_is_not_signed_once_the_consent_is_no_longer_current(setting) -> None:
    from needlepoint.screening.services import screen
    from needlepoint.screening.tests.builders import quiet_with

    session = charted_session(setting, signed=False)
    screen(client=setting.client, raw_answers=quiet_with(metal_allergy=True))
    response = Client().post(
        f"/api/v1/clinic/sessions/{session.pk}/sign", **bearer(setting.practitioner)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_consent"
    session.refresh_from_db()
    assert session.signed_at is None
