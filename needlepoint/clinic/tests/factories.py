"""The standing cast of the clinical record's tests: a clinic with a practitioner and a manager,
its client with a booked appointment and a signed consent, a device and a cartridge lot; the
same roles at another clinic; and charted sessions."""

import datetime as dt
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from PIL import Image, ImageDraw

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.directory.models import Clinic
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.tests.factories import bookable, client_user, local
from needlepoint.screening import selectors as screening_selectors

from ..models import (
    CartridgeLot,
    ConsentForm,
    Device,
    SessionArea,
    SignedConsent,
    TreatmentSession,
)
from ..record_selectors import current_consent, current_form

PASSWORD = "a long passphrase"
_serial = itertools.count(1)


def member(clinic: Clinic, email: str, role: str, name: str = "") -> User:
    user = User.objects.create_user(email, PASSWORD, role=role, full_name=name or email[:5])
    Membership.objects.create(user=user, clinic=clinic, role=role)
    return user


def signature_png() -> bytes:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (120, 20), (290, 70)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sign(client: User, clinic: Clinic, kind: str = ConsentForm.Kind.TREATMENT) -> SignedConsent:
    """The client's signature on the clinic's current form of `kind`, with their latest
    screening, as the consent service records it."""
    form = current_form(clinic.pk, kind)
    return SignedConsent.objects.create(
        client=client,
        clinic=clinic,
        form=form,
        form_digest=form.digest,
        typed_name=client.full_name or client.email,
        signature_png=signature_png(),
        ip_address="127.0.0.1",
        screening=screening_selectors.latest_screening(client.pk),
    )


def device(clinic: Clinic, max_depth: str = "2.5") -> Device:
    return Device.objects.create(
        clinic=clinic,
        model="Dermapen 4",
        serial=f"DP4-{next(_serial):05d}",
        max_depth_mm=Decimal(max_depth),
        last_serviced_on=dt.date.today() - dt.timedelta(days=40),
    )


def lot(clinic: Clinic, *, quantity: int = 20, expires_in_days: int = 365) -> CartridgeLot:
    return CartridgeLot.objects.create(
        clinic=clinic,
        brand="Dermapen 16-pin",
        lot_number=f"L{next(_serial):06d}",
        expires_on=dt.date.today() + dt.timedelta(days=expires_in_days),
        needle_count=16,
        quantity_received=quantity,
    )


@dataclass
class Setting:
    clinic: Clinic
    other_clinic: Clinic
    client: User
    other_client: User
    practitioner: User
    manager: User
    other_practitioner: User
    other_manager: User
    staff: User
    appointment: Appointment
    device: Device
    lot: CartridgeLot
    consent: SignedConsent

    def user(self, role: str) -> User:
        return getattr(self, role)  # type: ignore[no-any-return]


ROLES = (
    "client",
    "other_client",
    "practitioner",
    "manager",
    "other_practitioner",
    "other_manager",
    "staff",
)


def make_setting() -> Setting:
    here = bookable(name="Pat Here")
    elsewhere = bookable(name="Oli Elsewhere", lat=51.5, lon=-0.12)
    client = client_user("client@example.test")
    client.full_name = "Cora Client"
    client.phone = "+44 113 496 0000"
    client.save()
    appointment = scheduling_services.book_appointment(
        client=client, practitioner_id=here.pk, start=local(3, 10)
    )
    other_client = client_user("other@example.test")
    scheduling_services.book_appointment(
        client=other_client, practitioner_id=elsewhere.pk, start=local(3, 11)
    )
    return Setting(
        clinic=here.clinic,
        other_clinic=elsewhere.clinic,
        client=client,
        other_client=other_client,
        practitioner=member(here.clinic, "prac@x.test", Role.PRACTITIONER, "Pat Here"),
        manager=member(here.clinic, "mana@x.test", Role.MANAGER, "Mo Manager"),
        other_practitioner=member(elsewhere.clinic, "othr@y.test", Role.PRACTITIONER),
        other_manager=member(elsewhere.clinic, "omgr@y.test", Role.MANAGER),
        staff=User.objects.create_user("staff@x.test", PASSWORD, role=Role.STAFF),
        appointment=appointment,
        device=device(here.clinic),
        lot=lot(here.clinic),
        consent=sign(client, here.clinic),
    )


def charted_session(
    setting: Setting,
    *,
    signed: bool = True,
    days_ago: int = 0,
    lot: CartridgeLot | None = None,
    client: User | None = None,
    areas: tuple[tuple[str, str, int], ...] = (("cheeks", "1.0", 2), ("forehead", "0.5", 2)),
) -> TreatmentSession:
    """A session charted at the setting's clinic, `days_ago` days back, signed by default."""
    performed = timezone.now() - dt.timedelta(days=days_ago)
    client = client or setting.client
    consent = current_consent(client.pk, setting.clinic.pk, "treatment") or sign(
        client, setting.clinic
    )
    session = TreatmentSession.objects.create(
        client=client,
        clinic=setting.clinic,
        practitioner=setting.practitioner,
        performed_at=performed,
        device=setting.device,
        cartridge_lot=lot or setting.lot,
        consent=consent,
        anaesthetic_product="EMLA 5%",
        endpoint_reached=True,
        aftercare_given="Written aftercare sheet; SPF 50 for two weeks.",
    )
    SessionArea.objects.bulk_create(
        SessionArea(session=session, area=area, depth_mm=Decimal(depth), passes=passes)
        for area, depth, passes in areas
    )
    if signed:
        TreatmentSession.objects.filter(pk=session.pk).update(
            signed_at=performed + dt.timedelta(minutes=40), signed_by=setting.practitioner
        )
        session.refresh_from_db()
    return session
