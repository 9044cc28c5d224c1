"""A signed session is locked: the database row cannot be saved again, signing twice is 409,
and corrections are amendments that keep the original visible."""

import pytest
from django.test import Client

from needlepoint.scheduling.tests.factories import bearer, text

from ..models import Amendment, TreatmentSession
from .factories import charted_session, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return make_setting()


def api(setting, who: str, path: str, body=None):  # type: ignore[no-untyped-def]
    return Client().post(
        f"/api/v1/clinic/sessions/{path}",
        body or {},
        content_type="application/json",
        **bearer(setting.user(who)),
    )


def test_signing_locks_the_session(setting) -> None:
    session = charted_session(setting, signed=False)
    response = api(setting, "practitioner", f"{session.pk}/sign")
    assert response.status_code == 200
    assert response.json()["signed_at"] is not None
    session.refresh_from_db()
    session.notes = "changed afterwards"
    with pytest.raises(ValueError, match="locked"):
        session.save()
    assert TreatmentSession.objects.get(pk=session.pk).notes == ""


def test_signing_twice_is_a_conflict(setting) -> None:
    session = charted_session(setting, signed=False)
    assert api(setting, "practitioner", f"{session.pk}/sign").status_code == 200
    again = api(setting, "practitioner", f"{session.pk}/sign")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_signed"


def test_only_the_charting_practitioner_signs(setting) -> None:
    session = charted_session(setting, signed=False)
    assert api(setting, "manager", f"{session.pk}/sign").status_code == 403
    assert api(setting, "other_practitioner", f"{session.pk}/sign").status_code == 404
    session.refresh_from_db()
    assert session.signed_at is None


def test_an_amendment_keeps_the_original_visible(setting) -> None:
    session = charted_session(setting)
    response = api(
        setting,
        "practitioner",
        f"{session.pk}/amendments",
        {
            "reason": "Typed the cheek depth wrong at the time",
            "changes": {"area:cheeks": {"depth_mm": "1.5", "passes": 2}, "notes": "Tolerated well"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["areas"][0] == {"area": "cheeks", "depth_mm": "1.00", "passes": 2}
    assert body["effective"]["areas"]["cheeks"] == {"depth_mm": "1.5", "passes": 2}
    assert body["effective"]["notes"] == "Tolerated well"
    amendment = Amendment.objects.get()
    assert amendment.changes[0] == {
        "field": "area:cheeks",
        "before": {"depth_mm": "1.00", "passes": 2},
        "after": {"depth_mm": "1.5", "passes": 2},
    }
    browser = Client()
    browser.force_login(setting.manager)
    page = text(browser.get(f"/clinic/sessions/{session.pk}/"))
    assert "1.00 mm" in page  # the original
    assert "1.5 mm × 2 (amended)" in page
    assert "Typed the cheek depth wrong at the time" in page
    amendment.reason = "rewritten"
    with pytest.raises(ValueError, match="never changed"):
        amendment.save()


@pytest.mark.parametrize(
    ("changes", "reason", "status", "code"),
    [
        ({"notes": "x"}, "short", 422, "invalid"),
        ({"notes": ""}, "Nothing really differs here", 422, "unchanged"),
        ({"device": 3}, "Trying to change the device", 422, "invalid"),
        (
            {"area:cheeks": {"depth_mm": "9", "passes": 2}},
            "Deeper than the pen goes",
            422,
            "above_device_maximum",
        ),
    ],
)
def test_bad_amendments_are_refused(setting, changes, reason, status, code) -> None:
    session = charted_session(setting)
    response = api(
        setting, "practitioner", f"{session.pk}/amendments", {"reason": reason, "changes": changes}
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert not Amendment.objects.exists()


def test_an_unsigned_session_is_not_amended(setting) -> None:
    session = charted_session(setting, signed=False)
    response = api(
        setting,
        "practitioner",
        f"{session.pk}/amendments",
        {"reason": "Correcting a draft", "changes": {"notes": "x"}},
    )
    assert response.status_code == 409


def test_the_database_itself_refuses_to_change_a_signed_session(setting) -> None:
    from decimal import Decimal

    from django.db import DatabaseError, transaction

    from ..models import SessionArea

    session = charted_session(setting)
    with pytest.raises(DatabaseError, match="locked"), transaction.atomic():
        TreatmentSession.objects.filter(pk=session.pk).update(notes="rewritten by update()")
    with pytest.raises(DatabaseError, match="locked"), transaction.atomic():
        SessionArea.objects.filter(session=session).update(depth_mm=Decimal("2.0"))
    with pytest.raises(DatabaseError, match="locked"), transaction.atomic():
        SessionArea.objects.create(session=session, area="neck", depth_mm=Decimal("0.5"), passes=1)
    draft = charted_session(setting, signed=False)
    TreatmentSession.objects.filter(pk=draft.pk).update(notes="a draft may change")
    assert TreatmentSession.objects.get(pk=session.pk).notes == ""


@pytest.mark.parametrize(
    "changes",
    [{"endpoint_reached": "false"}, {"notes": {"x": 1}}, {"aftercare_given": 3}],
)
def test_amendments_take_only_the_right_types(setting, changes) -> None:
    session = charted_session(setting)
    response = api(
        setting,
        "practitioner",
        f"{session.pk}/amendments",
        {"reason": "Correcting the record", "changes": changes},
    )
    assert response.status_code == 422
    assert not Amendment.objects.exists()


def test_only_a_practitioner_of_the_sessions_clinic_amends(setting) -> None:
    from needlepoint.accounts.models import Membership, Role
    from needlepoint.scheduling import services as scheduling_services
    from needlepoint.scheduling.tests.factories import local

    # A manager here who is a practitioner at the client's other clinic.
    Membership.objects.create(
        user=setting.other_practitioner, clinic=setting.clinic, role=Role.MANAGER
    )
    other_pro = setting.other_clinic.practitioners.first()
    scheduling_services.book_appointment(
        client=setting.client, practitioner_id=other_pro.pk, start=local(4, 12)
    )
    session = charted_session(setting)
    response = api(
        setting,
        "other_practitioner",
        f"{session.pk}/amendments",
        {"reason": "Not my clinic's session", "changes": {"notes": "x"}},
    )
    assert response.status_code == 403
    assert not Amendment.objects.exists()
