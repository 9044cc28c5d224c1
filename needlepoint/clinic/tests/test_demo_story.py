"""The demo's screening story runs through the real gate, once, and again without repeats."""

import pytest

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.clinic.demo import REFERRED_CLIENT, ensure_demo_story
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.tests.factories import bookable, client_user
from needlepoint.screening.models import ScreeningOverride

pytestmark = pytest.mark.django_db


def test_the_demo_story_books_both_clients_and_records_the_override() -> None:
    practitioner = bookable()
    pro = User.objects.create_user(
        "practitioner@demo.test", "pw-long-enough", role=Role.PRACTITIONER
    )
    Membership.objects.create(user=pro, clinic=practitioner.clinic, role=Role.PRACTITIONER)
    practitioner.user = pro
    practitioner.save()
    client_user("client@demo.test")
    ensure_demo_story()
    ensure_demo_story()
    robin = User.objects.get(email=REFERRED_CLIENT)
    override = ScreeningOverride.objects.get()
    assert override.practitioner == pro
    assert override.screening.client == robin
    assert override.screening.outcome == "refer"
    booked = Appointment.objects.filter(practitioner=practitioner)
    assert sorted(booked.values_list("client__email", flat=True)) == [
        "client@demo.test",
        REFERRED_CLIENT,
    ]
    assert booked.get(client=robin).screening_override == override
