"""Keeping a visitor's result: sign in to an existing account or create one, and the screening
is stored for that account; a wrong password, a taken email or a weak password show the
outcome again with the error, and nothing is half-written."""

import json
from typing import Any

import pytest
from django.test import Client

from needlepoint.accounts.models import Role, User
from needlepoint.errors import ApiError
from needlepoint.screening import services
from needlepoint.screening.models import ScreeningRecord

from .builders import quiet_with
from .test_pages_questionnaire import PASSWORD, posted, text

pytestmark = pytest.mark.django_db

ANSWERS = quiet_with(blood_thinners=True)


def keep(client: Client, answers: Any = None, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "answers": json.dumps(ANSWERS if answers is None else answers),
        "account": "new",
        "email": "new@example.test",
        "password": PASSWORD,
        "full_name": "Nia New",
        **fields,
    }
    return client.post("/screening/keep/", data)


def signed_in_user(client: Client) -> User | None:
    response = client.get("/me/screenings/")
    return response.wsgi_request.user if response.status_code == 200 else None  # type: ignore[return-value]


def test_the_outcome_page_carries_the_answers_to_keep(client: Client) -> None:
    response = client.post("/screening/", posted(ANSWERS))
    html = response.content.decode()
    assert 'action="/screening/keep/"' in html
    carried = json.loads(
        html.split('name="answers" value="')[1].split('"')[0].replace("&quot;", '"')
    )
    assert carried["blood_thinners"] is True
    assert carried["concerns"] == ["scars"]


def test_a_new_account_keeps_the_result(client: Client) -> None:
    response = keep(client)
    user = User.objects.get(email="new@example.test")
    assert user.role == Role.CLIENT
    assert user.full_name == "Nia New"
    record = ScreeningRecord.objects.get()
    assert record.client == user
    assert record.outcome == "refer"
    assert response.status_code == 302
    assert response["Location"] == f"/me/screenings/{record.pk}/"
    assert signed_in_user(client) == user
    assert "See a doctor first" in text(client.get(response["Location"]))


def test_an_existing_client_signs_in_to_keep_the_result(client: Client) -> None:
    user = User.objects.create_user("ada@example.test", PASSWORD)
    response = keep(client, account="existing", email="ADA@example.test ", full_name="")
    record = ScreeningRecord.objects.get()
    assert record.client == user
    assert response["Location"] == f"/me/screenings/{record.pk}/"
    assert signed_in_user(client) == user
    assert User.objects.count() == 1


def test_the_booking_waiting_is_carried_through_keeping(client: Client) -> None:
    response = keep(client, answers=quiet_with(), next="/practitioners/3/book/")
    record = ScreeningRecord.objects.get()
    assert response["Location"] == (
        f"/me/screenings/{record.pk}/?next=%2Fpractitioners%2F3%2Fbook%2F"
    )
    assert 'href="/practitioners/3/book/"' in client.get(response["Location"]).content.decode()


def test_a_wrong_password_shows_the_outcome_again_and_stores_nothing(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD)
    response = keep(client, account="existing", email="ada@example.test", password="not it at all")
    assert response.status_code == 401
    assert ScreeningRecord.objects.count() == 0
    assert signed_in_user(client) is None
    page = text(response)
    assert "That email and password do not match." in page
    assert "See a doctor first" in page  # the outcome is still there
    assert 'value="ada@example.test"' in response.content.decode()


def test_a_taken_email_is_refused_and_nothing_is_stored(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD)
    response = keep(client, email="Ada@Example.test")
    assert response.status_code == 422
    assert "There is already an account with this email: sign in instead." in text(response)
    assert ScreeningRecord.objects.count() == 0
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short", "too short"), ("password123", "too common"), ("8230917465123", "entirely numeric")],
)
def test_a_weak_password_is_refused_with_django_s_reasons(
    client: Client, password: str, reason: str
) -> None:
    response = keep(client, password=password)
    assert response.status_code == 422
    assert reason in text(response)
    assert User.objects.count() == 0
    assert ScreeningRecord.objects.count() == 0
    assert signed_in_user(client) is None


def test_missing_fields_are_named(client: Client) -> None:
    response = keep(client, email="", password="")
    assert response.status_code == 422
    assert "Enter your email." in text(response)
    assert "Enter a password." in text(response)
    assert User.objects.count() == 0


def test_an_account_is_not_created_when_its_screening_cannot_be_stored(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_screen = services.screen

    def failing_screen(*, client: User | None, raw_answers: dict[str, Any]):  # type: ignore[no-untyped-def]
        if client is not None:
            raise ApiError(409, "conflict", "The screening could not be stored.")
        return real_screen(client=client, raw_answers=raw_answers)

    monkeypatch.setattr(services, "screen", failing_screen)
    response = keep(client)
    assert response.status_code == 409
    assert "The screening could not be stored." in text(response)
    assert User.objects.count() == 0
    assert ScreeningRecord.objects.count() == 0
    assert signed_in_user(client) is None


def test_unreadable_answers_send_the_visitor_back_to_the_questionnaire(client: Client) -> None:
    response = client.post(
        "/screening/keep/", {"answers": "{not json", "email": "x@example.test", "password": "x"}
    )
    assert response.status_code == 400
    assert "We could not read the answers you sent" in text(response)
    assert User.objects.count() == 0


def test_answers_that_no_longer_validate_go_back_to_their_question(client: Client) -> None:
    response = keep(client, answers=quiet_with(diabetes="sometimes"))
    assert response.status_code == 422
    assert "'sometimes' is not a choice here." in text(response)
    assert 'data-start-topic="health"' in response.content.decode()
    assert User.objects.count() == 0
    assert ScreeningRecord.objects.count() == 0
