"""The client answers a check-in through its page: once, only their own, every question
answered; answers that call for it raise adverse events linked to the session."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.clinic.models import AdverseEvent, CheckIn

from .factories import ROLES, charted_session, make_setting

pytestmark = pytest.mark.django_db

ALL_NO = {"redness": "no", "pus": "no", "spreading": "no", "fever": "no", "darker": "no"}


@pytest.fixture
def setting():
    return make_setting()


def check_in(setting, *, day: int, days_ago: int, client=None) -> CheckIn:
    session = charted_session(setting, days_ago=days_ago, client=client)
    return CheckIn.objects.create(
        session=session, day=day, due_at=session.performed_at + dt.timedelta(days=day)
    )


def test_the_client_answers_still_red_on_day_3_and_an_event_is_raised(
    client: Client, setting
) -> None:
    asked = check_in(setting, day=3, days_ago=3)
    client.force_login(setting.client)

    page = client.get(f"/me/check-ins/{asked.pk}/")
    assert page.status_code == 200
    assert "Is the treated skin still red?" in page.content.decode()
    response = client.post(
        f"/me/check-ins/{asked.pk}/", ALL_NO | {"redness": "yes", "note": "warm"}
    )

    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.answered_at is not None
    assert asked.answers["redness"] is True
    assert asked.answers["note"] == "warm"
    (event,) = AdverseEvent.objects.all()
    assert (event.kind, event.session, event.check_in, event.raised_by) == (
        "persistent_redness", asked.session, asked, None
    )  # fmt: skip
    assert event.status == "open"
    assert "Day-3 check-in" in event.description
    assert (event.session.device, event.session.cartridge_lot) == (setting.device, setting.lot)
    after = client.get(f"/me/check-ins/{asked.pk}/").content.decode()
    assert "Your answers" in after
    assert "check-in-form" not in after


def test_red_on_day_1_is_expected_and_raises_nothing(client: Client, setting) -> None:
    asked = check_in(setting, day=1, days_ago=1)
    client.force_login(setting.client)
    client.post(f"/me/check-ins/{asked.pk}/", ALL_NO | {"redness": "yes"})
    asked.refresh_from_db()
    assert asked.answered_at is not None
    assert not AdverseEvent.objects.exists()


def test_a_day_1_check_in_answered_after_72_hours_counts_the_days_since(
    client: Client, setting
) -> None:
    asked = check_in(setting, day=1, days_ago=4)
    client.force_login(setting.client)
    client.post(f"/me/check-ins/{asked.pk}/", ALL_NO | {"redness": "yes"})
    (event,) = AdverseEvent.objects.all()
    assert event.description.startswith("Day-4 check-in")


def test_pus_and_darkening_raise_two_events(client: Client, setting) -> None:
    asked = check_in(setting, day=1, days_ago=1)
    client.force_login(setting.client)
    client.post(f"/me/check-ins/{asked.pk}/", ALL_NO | {"pus": "yes", "darker": "yes"})
    assert sorted(AdverseEvent.objects.values_list("kind", flat=True)) == [
        "hyperpigmentation", "possible_infection"
    ]  # fmt: skip


def test_answering_twice_is_refused_and_changes_nothing(client: Client, setting) -> None:
    asked = check_in(setting, day=3, days_ago=3)
    client.force_login(setting.client)
    client.post(f"/me/check-ins/{asked.pk}/", ALL_NO)
    first = CheckIn.objects.get(pk=asked.pk)

    again = client.post(f"/me/check-ins/{asked.pk}/", ALL_NO | {"redness": "yes"})

    assert again.status_code == 409
    assert "already answered this check-in" in again.content.decode()
    assert CheckIn.objects.get(pk=asked.pk).answers == first.answers
    assert not AdverseEvent.objects.exists()


def test_a_missing_answer_names_the_question_and_nothing_is_saved(client: Client, setting) -> None:
    asked = check_in(setting, day=3, days_ago=3)
    client.force_login(setting.client)
    answers = ALL_NO | {"redness": "yes"}
    del answers["fever"]

    response = client.post(f"/me/check-ins/{asked.pk}/", answers)

    assert response.status_code == 422
    body = response.content.decode()
    assert "Please answer yes or no: Have you had a fever, or felt hot and shivery?" in body
    assert 'value="yes" checked' in body  # what they did answer is kept
    asked.refresh_from_db()
    assert asked.answered_at is None
    assert not AdverseEvent.objects.exists()


def test_a_check_in_not_yet_due_cannot_be_answered(client: Client, setting) -> None:
    asked = check_in(setting, day=7, days_ago=1)
    client.force_login(setting.client)
    assert "This check-in opens on" in client.get(f"/me/check-ins/{asked.pk}/").content.decode()
    response = client.post(f"/me/check-ins/{asked.pk}/", ALL_NO)
    assert response.status_code == 409
    asked.refresh_from_db()
    assert asked.answered_at is None


@pytest.mark.parametrize("who", [r for r in ROLES if r != "client"])
def test_nobody_but_the_client_reaches_their_check_in(client: Client, setting, who) -> None:
    asked = check_in(setting, day=1, days_ago=1)
    client.force_login(setting.user(who))
    assert client.get(f"/me/check-ins/{asked.pk}/").status_code == 404
    assert client.post(f"/me/check-ins/{asked.pk}/", ALL_NO | {"pus": "yes"}).status_code == 404
    asked.refresh_from_db()
    assert asked.answered_at is None
    assert not AdverseEvent.objects.exists()


def test_a_check_in_of_an_unsigned_session_is_not_there(client: Client, setting) -> None:
    session = charted_session(setting, signed=False, days_ago=1)
    draft = CheckIn.objects.create(session=session, day=1, due_at=timezone.now())
    client.force_login(setting.client)
    assert client.get(f"/me/check-ins/{draft.pk}/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, setting) -> None:
    asked = check_in(setting, day=1, days_ago=1)
    response = client.get(f"/me/check-ins/{asked.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
