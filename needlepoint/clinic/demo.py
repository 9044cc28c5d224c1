"""The demo's screening story, told through the real services: the demo client has an
upcoming session with the demo practitioner, and a second client, whose screening says to see
a doctor first, was cleared by the demo practitioner with a written override and booked. Both
show on the practitioner's calendar and, with their screenings, on the client chart."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import selectors as scheduling_selectors
from needlepoint.scheduling import services as scheduling_services
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.clearance import Verdict
from needlepoint.screening.demo import DEMO_ANSWERS, DEMO_CLIENT
from needlepoint.screening.models import ScreeningOverride
from needlepoint.screening.services import override_screening, screen

DEMO_PRACTITIONER = "practitioner@demo.test"
REFERRED_CLIENT = "robin@clients.demo.test"
REFERRED_ANSWERS = {**DEMO_ANSWERS, "bleeding_disorder": True}
OVERRIDE_REASON = (
    "Robin brought a letter from their haematologist (mild von Willebrand disease, treated): "
    "cleared for micro-needling at 0.5 mm on the cheeks, with extra pressure afterwards."
)


def ensure_demo_story(now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    pro_user = User.objects.filter(email=DEMO_PRACTITIONER).first()
    practitioner = Practitioner.objects.filter(user=pro_user).first()
    client = User.objects.filter(email=DEMO_CLIENT).first()
    if pro_user is None or practitioner is None or client is None:
        return
    _ensure_upcoming(client, practitioner, now)
    robin, _ = User.objects.get_or_create(
        email=REFERRED_CLIENT,
        defaults={
            "full_name": "Robin Referred (demo)",
            "role": Role.CLIENT,
            "password": make_password(None),
        },
    )
    clearance = scheduling_services.clearance_for(robin, practitioner, now=now)
    if clearance.verdict in (Verdict.NO_SCREENING, Verdict.EXPIRED):
        screen(client=robin, raw_answers=REFERRED_ANSWERS)
    latest = screening_selectors.latest_screening(robin.pk)
    if (
        latest is not None
        and not ScreeningOverride.objects.filter(
            screening=latest, clinic_id=practitioner.clinic_id
        ).exists()
        and scheduling_services.clearance_for(robin, practitioner, now=now).verdict is Verdict.REFER
    ):
        override_screening(
            by=pro_user, screening=latest, clinic_id=practitioner.clinic_id, reason=OVERRIDE_REASON
        )
    _ensure_upcoming(robin, practitioner, now)


def _ensure_upcoming(client: User, practitioner: Practitioner, now: dt.datetime) -> None:
    """Books the first free slot from two days ahead unless the client has a session coming."""
    if client.appointments.booked().filter(practitioner=practitioner, start__gt=now).exists():
        return
    free = scheduling_selectors.free_slots(
        practitioner, now + dt.timedelta(days=2), now + dt.timedelta(days=30), now=now
    )
    if free:
        scheduling_services.book_appointment(
            client=client, practitioner_id=practitioner.pk, start=free[0].start, now=now
        )
