"""Adverse events on the chart and their own page: open ones first, the session's device and
cartridge lot shown, dated follow-up notes, closing only with an outcome; raised by hand from
the session; strangers get 404."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from needlepoint.clinic.models import AdverseEvent, CheckIn

from .factories import ROLES, charted_session, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return make_setting()


def raised(setting, *, kind: str = "persistent_redness", days_ago: int = 3) -> AdverseEvent:
    """An event as a day-3 check-in answer raises it."""
    session = charted_session(setting, days_ago=days_ago)
    answers = {"redness": True, "pus": False, "note": "itchy"}
    check_in = CheckIn.objects.create(
        session=session, day=3, due_at=timezone.now(), answered_at=timezone.now(), answers=answers
    )
    return AdverseEvent.objects.create(
        session=session, check_in=check_in, kind=kind, description="Day-3 check-in: still red."
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [(role, 200 if role in ("practitioner", "manager") else 404) for role in ROLES],
)
def test_only_the_clinics_staff_reach_an_event(client: Client, setting, who, status) -> None:
    event = raised(setting)
    client.force_login(setting.user(who))
    assert client.get(f"/clinic/adverse-events/{event.pk}/").status_code == status
    closing = client.post(f"/clinic/adverse-events/{event.pk}/close/", {"outcome": "Resolved."})
    assert closing.status_code == (302 if status == 200 else 404)


def test_the_page_shows_the_session_device_and_cartridge_lot(client: Client, setting) -> None:
    event = raised(setting)
    client.force_login(setting.manager)
    body = client.get(f"/clinic/adverse-events/{event.pk}/").content.decode()
    assert "Redness past 72 hours" in body
    assert f"{setting.device.model}, serial {setting.device.serial}" in body
    assert f"lot <strong>{setting.lot.lot_number}</strong>" in body
    assert setting.lot.brand in body
    assert "day-3 check-in answers" in body
    assert "Is the treated skin still red? <strong>Yes</strong>" in body
    assert "Anything else your practitioner should know? <strong>itchy</strong>" in body


def test_follow_up_notes_are_dated_and_signed_then_the_event_closes_with_an_outcome(
    client: Client, setting
) -> None:
    event = raised(setting)
    client.force_login(setting.practitioner)

    client.post(
        f"/clinic/adverse-events/{event.pk}/follow-up/", {"follow_up": "Phoned: mild, cooling."}
    )
    client.post(f"/clinic/adverse-events/{event.pk}/follow-up/", {"follow_up": "Seen: settling."})
    response = client.post(
        f"/clinic/adverse-events/{event.pk}/close/", {"outcome": "Resolved by day 6."}
    )

    assert response.status_code == 302
    event.refresh_from_db()
    first, second = event.follow_up.splitlines()
    assert first.endswith("Pat Here: Phoned: mild, cooling.")
    assert second.endswith("Pat Here: Seen: settling.")
    assert (event.status, event.outcome, event.closed_by) == (
        "closed",
        "Resolved by day 6.",
        setting.practitioner,
    )
    assert event.closed_at is not None
    page = client.get(f"/clinic/adverse-events/{event.pk}/").content.decode()
    assert "Resolved by day 6." in page
    assert 'name="outcome"' not in page


def test_closing_without_an_outcome_is_refused_and_the_event_stays_open(
    client: Client, setting
) -> None:
    event = raised(setting)
    client.force_login(setting.practitioner)

    response = client.post(f"/clinic/adverse-events/{event.pk}/close/", {"outcome": "   "})

    assert response.status_code == 422
    assert "Please write the outcome." in response.content.decode()
    event.refresh_from_db()
    assert (event.status, event.closed_at, event.closed_by) == ("open", None, None)


def test_the_database_refuses_a_close_without_an_outcome(setting) -> None:
    event = raised(setting)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdverseEvent.objects.filter(pk=event.pk).update(status="closed", closed_at=timezone.now())


def test_a_closed_event_is_not_closed_again_nor_noted(client: Client, setting) -> None:
    event = raised(setting)
    client.force_login(setting.practitioner)
    client.post(f"/clinic/adverse-events/{event.pk}/close/", {"outcome": "Resolved."})

    again = client.post(f"/clinic/adverse-events/{event.pk}/close/", {"outcome": "Other."})
    note = client.post(f"/clinic/adverse-events/{event.pk}/follow-up/", {"follow_up": "Late."})

    assert again.status_code == 409
    assert note.status_code == 409
    event.refresh_from_db()
    assert (event.outcome, event.follow_up) == ("Resolved.", "")


def test_an_empty_follow_up_note_is_refused(client: Client, setting) -> None:
    event = raised(setting)
    client.force_login(setting.practitioner)
    response = client.post(f"/clinic/adverse-events/{event.pk}/follow-up/", {"follow_up": ""})
    assert response.status_code == 422
    assert "Please write the follow-up note." in response.content.decode()


def test_the_clinic_raises_an_event_by_hand_from_the_session(client: Client, setting) -> None:
    session = charted_session(setting, days_ago=2)
    client.force_login(setting.manager)

    response = client.post(
        f"/clinic/sessions/{session.pk}/adverse-events/",
        {"kind": "other", "description": "Client phoned: small bruise on the jaw."},
    )

    event = AdverseEvent.objects.get()
    assert response["Location"] == f"/clinic/adverse-events/{event.pk}/"
    assert (event.kind, event.raised_by, event.check_in, event.session) == (
        "other",
        setting.manager,
        None,
        session,
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "bruise", "description": "Bruise."}, "Choose what kind of event this is."),
        ({"kind": "other", "description": ""}, "Please write the description of what happened."),
    ],
)
def test_a_hand_raised_event_needs_a_kind_and_a_description(
    client: Client, setting, form, message
) -> None:
    session = charted_session(setting)
    client.force_login(setting.practitioner)
    response = client.post(f"/clinic/sessions/{session.pk}/adverse-events/", form)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not AdverseEvent.objects.exists()


@pytest.mark.parametrize("who", ["other_practitioner", "client", "other_client", "staff"])
def test_strangers_cannot_raise_an_event(client: Client, setting, who) -> None:
    session = charted_session(setting)
    client.force_login(setting.user(who))
    response = client.post(
        f"/clinic/sessions/{session.pk}/adverse-events/", {"kind": "other", "description": "x"}
    )
    assert response.status_code == 404
    assert not AdverseEvent.objects.exists()


def test_the_chart_lists_open_events_first_then_closed_ones(client: Client, setting) -> None:
    closed = raised(setting, kind="hyperpigmentation", days_ago=20)
    AdverseEvent.objects.filter(pk=closed.pk).update(
        status="closed", outcome="Faded.", closed_at=timezone.now()
    )
    still_open = raised(setting, kind="possible_infection", days_ago=2)
    client.force_login(setting.practitioner)

    body = client.get(f"/clinic/clients/{setting.client.pk}/").content.decode()

    assert 'id="open-adverse-events"' in body
    assert f'id="adverse-event-{still_open.pk}"' in body
    assert body.index("Possible signs of infection") < body.index("1 closed adverse event")
    assert f'id="adverse-event-{closed.pk}"' not in body  # closed ones are not in the open list
    assert "Faded." in body
