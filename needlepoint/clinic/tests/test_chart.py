"""The client chart: who may read it (everyone else gets 404), the screening history with
practitioner notes and overrides, recording an override, reviewing a re-screen."""

import pytest
from django.test import Client

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.scheduling import services
from needlepoint.scheduling.tests.factories import bookable, client_user, local, text
from needlepoint.screening.models import ScreeningOverride, ScreeningRecord
from needlepoint.screening.services import screen
from needlepoint.screening.tests.builders import quiet_with

pytestmark = pytest.mark.django_db

REFER = quiet_with(bleeding_disorder=True)
REASON = "Haematologist's letter of 20 Nov seen: cleared for treatment with extra pressure."


def member(clinic, email: str, role: str) -> User:
    user = User.objects.create_user(email, "a long passphrase", role=role, full_name=email[:5])
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


@pytest.fixture
def setting():
    here, elsewhere = bookable(name="Pat Here"), bookable(name="Oli Elsewhere")
    client = client_user("booked@example.test")
    services.book_appointment(client=client, practitioner_id=here.pk, start=local(3, 10))
    return {
        "client": client,
        "clinic": here.clinic,
        "practitioner": member(here.clinic, "prac@x.test", Role.PRACTITIONER),
        "manager": member(here.clinic, "mana@x.test", Role.MANAGER),
        "other_practitioner": member(elsewhere.clinic, "othr@x.test", Role.PRACTITIONER),
        "other_client": client_user("other@example.test"),
        "staff": User.objects.create_user("staff@x.test", "a long passphrase", role=Role.STAFF),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 200),
        ("manager", 200),
        ("other_practitioner", 404),
        ("client", 404),
        ("other_client", 404),
        ("staff", 404),
    ],
)
def test_only_the_clients_clinic_reads_the_chart(client: Client, setting, who, status) -> None:
    client.force_login(setting[who])
    assert client.get(f"/clinic/clients/{setting['client'].pk}/").status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, setting) -> None:
    response = client.get(f"/clinic/clients/{setting['client'].pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_client_of_another_clinic_is_not_found(client: Client, setting) -> None:
    client.force_login(setting["practitioner"])
    assert client.get(f"/clinic/clients/{setting['other_client'].pk}/").status_code == 404


def test_the_chart_shows_each_screening_with_its_practitioner_note_and_sources(
    client: Client, setting
) -> None:
    screen(client=setting["client"], raw_answers=REFER)
    client.force_login(setting["practitioner"])
    page = text(client.get(f"/clinic/clients/{setting['client'].pk}/"))
    assert "Bleeding disorder" in page
    assert "Sources disagree: the Exceed IFU says no treatment" in page
    assert "Amiea Med Exceed instructions for use [IFU]" in page
    assert "No rule fired: proceed." in page  # the first screening, at booking
    assert "New screening to review" in page  # the booked session is flagged


def test_a_practitioner_records_an_override_shown_with_their_name(client: Client, setting) -> None:
    _, record = screen(client=setting["client"], raw_answers=REFER)
    client.force_login(setting["practitioner"])
    url = f"/clinic/clients/{setting['client'].pk}/screenings/{record.pk}/override/"
    short = client.post(url, {"reason": "fine"})
    assert short.status_code == 422
    assert "at least 20 characters" in text(short)
    assert not ScreeningOverride.objects.exists()
    assert client.post(url, {"reason": REASON}).status_code == 302
    override = ScreeningOverride.objects.get()
    assert (override.practitioner, override.clinic) == (setting["practitioner"], setting["clinic"])
    page = text(client.get(f"/clinic/clients/{setting['client'].pk}/"))
    assert REASON in page
    assert "Override by prac@" in page
    assert client.post(url, {"reason": REASON}).status_code == 409


def test_a_manager_may_not_override_and_others_cannot_reach_it(client: Client, setting) -> None:
    _, record = screen(client=setting["client"], raw_answers=REFER)
    url = f"/clinic/clients/{setting['client'].pk}/screenings/{record.pk}/override/"
    client.force_login(setting["manager"])
    assert client.post(url, {"reason": REASON}).status_code == 403
    client.force_login(setting["other_practitioner"])
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert not ScreeningOverride.objects.exists()


def test_the_practitioner_marks_a_re_screen_reviewed(client: Client, setting) -> None:
    screen(client=setting["client"], raw_answers=REFER)
    appointment = setting["client"].appointments.get()
    url = f"/clinic/clients/{setting['client'].pk}/appointments/{appointment.pk}/reviewed/"
    client.force_login(setting["other_practitioner"])
    assert client.post(url).status_code == 404
    client.force_login(setting["manager"])
    assert client.post(url).status_code == 302
    appointment.refresh_from_db()
    assert not appointment.needs_screening_review
    assert client.post(url).status_code == 409
    assert ScreeningRecord.objects.filter(client=setting["client"]).count() == 2
