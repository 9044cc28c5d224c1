"""The demo's clinical story, told through the real services: the demo client has an upcoming
session with the demo practitioner, and a second client, whose screening says to see a doctor
first, was cleared by the demo practitioner with a written override and booked. Both show on
the practitioner's calendar and, with their screenings, on the client chart. The clinic has a
pen and two cartridge lots. The demo client signed consent and had two sessions from the lot
the manager can recall, graded and rated (their progress chart), the latest three days ago (its
day-3 check-in waits for an answer). Robin has signed nothing: consenting Robin on the clinic's
device, charting, photos and grading are left for the person trying the demo."""

import base64
import datetime as dt
import io
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from PIL import Image, ImageDraw

from needlepoint.accounts.models import Role, User
from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import selectors as scheduling_selectors
from needlepoint.scheduling import services as scheduling_services
from needlepoint.screening import selectors as screening_selectors
from needlepoint.screening.clearance import Verdict
from needlepoint.screening.demo import DEMO_ANSWERS, DEMO_CLIENT
from needlepoint.screening.models import ScreeningOverride
from needlepoint.screening.services import override_screening, screen

from .consent_services import sign_consent
from .followup_services import rate_session, record_score
from .models import CartridgeLot, Device, TreatmentSession
from .record_selectors import current_consent
from .services import AreaIn, chart_session, sign_session

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
    _ensure_record(pro_user, practitioner, client, now)


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


DEMO_DEVICE_SERIAL = "DP4-DEMO-0001"
DEMO_LOTS = (("Dermapen 16-pin", "DP16-2611-A", 50), ("Dermapen 36-pin", "DP36-2609-B", 30))
CLIENT_HISTORY = (  # days ago, cheeks depth mm, Goodman & Baron grade, client's 0–10, satisfaction
    (30, "1.0", 3, 4, 4),
    (3, "1.25", 3, 6, 4),
)


def _demo_signature() -> str:
    image = Image.new("RGBA", (600, 180), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(30, 140), (90, 40), (150, 130), (230, 50), (330, 120), (420, 60), (560, 110)],
        fill=(17, 17, 17, 255),
        width=4,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _ensure_record(
    pro_user: User, practitioner: Practitioner, client: User, now: dt.datetime
) -> None:
    clinic = practitioner.clinic
    device, _ = Device.objects.get_or_create(
        clinic=clinic,
        serial=DEMO_DEVICE_SERIAL,
        defaults={
            "model": "Dermapen 4",
            "max_depth_mm": Decimal("2.5"),
            "last_serviced_on": (now - dt.timedelta(days=45)).date(),
        },
    )
    lots = []
    for brand, number, quantity in DEMO_LOTS:
        lot, _ = CartridgeLot.objects.get_or_create(
            clinic=clinic,
            brand=brand,
            lot_number=number,
            defaults={
                "expires_on": (now + dt.timedelta(days=400)).date(),
                "needle_count": 16 if "16" in brand else 36,
                "quantity_received": quantity,
            },
        )
        lots.append(lot)
    User.objects.filter(email__in=[DEMO_CLIENT, REFERRED_CLIENT], phone="").update(
        phone="+44 113 496 0123"
    )
    if TreatmentSession.objects.filter(client=client, clinic=clinic).exists():
        return
    if current_consent(client.pk, clinic.pk, "treatment") is None:
        sign_consent(
            client=client,
            clinic_id=clinic.pk,
            kind="treatment",
            typed_name=client.full_name.removesuffix(" (demo)") or client.email,
            signature=_demo_signature(),
            ip_address="127.0.0.1",
            now=now - dt.timedelta(days=CLIENT_HISTORY[0][0], hours=1),
        )
    for days_ago, depth, grade, improvement, satisfaction in CLIENT_HISTORY:
        session = chart_session(
            by=pro_user,
            client_id=client.pk,
            device_id=device.pk,
            cartridge_lot_id=lots[0].pk,
            areas=[AreaIn("cheeks", depth, 3)],
            performed_at=now - dt.timedelta(days=days_ago),
            anaesthetic_product="EMLA 5%",
            endpoint_reached=True,
            aftercare_given="Aftercare sheet; gentle cleanser, SPF 50, no make-up for 24 hours.",
        )
        sign_session(by=pro_user, session_id=session.pk)
        record_score(
            by=pro_user, session_id=session.pk, scale="goodman_baron", raw_score=grade, note=""
        )
        rate_session(
            by=client,
            session_id=session.pk,
            improvement=improvement,
            satisfaction=satisfaction,
            comment="",
        )
