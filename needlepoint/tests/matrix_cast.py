"""The authorization matrix's cast: seven roles and one of every object a URL can name, all
belonging to client A at clinic X, so that each role's answer says whether it may reach them."""

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from needlepoint.accounts.models import ChartGrant, Role, User
from needlepoint.clinic import photo_services
from needlepoint.clinic.models import AdverseEvent, CheckIn, Photo, TreatmentSession
from needlepoint.clinic.tests.factories import Setting, charted_session, make_setting
from needlepoint.directory.models import Credential, Location, Practitioner
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.models import Course
from needlepoint.scheduling.tests.factories import bearer, local
from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.selectors import latest_screening

ROLES = (
    "anonymous",
    "client_a",
    "client_b",
    "practitioner_x",
    "practitioner_y",
    "manager_x",
    "staff",
)
# The roles above under their names in the clinical record's factories.
SETTING_ROLE = {
    "client_a": "client",
    "client_b": "other_client",
    "practitioner_x": "practitioner",
    "practitioner_y": "other_practitioner",
    "manager_x": "manager",
    "staff": "staff",
}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 150, 120)).save(out, format="JPEG")
    return out.getvalue()


@dataclass
class Cast:
    setting: Setting
    practitioner_x: Practitioner
    practitioner_y: Practitioner
    location_x: Location
    credential: Credential
    screening: ScreeningRecord
    course: Course
    session: TreatmentSession
    unsigned_session: TreatmentSession
    photo: Photo
    check_in: CheckIn
    event: AdverseEvent
    grant: ChartGrant

    @property
    def client_a(self) -> User:
        return self.setting.client

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else self.setting.user(SETTING_ROLE[role])

    def browser(self, role: str) -> Client:
        browser = Client()
        user = self.user(role)
        if user is not None:
            browser.force_login(user)
        return browser

    def api_headers(self, role: str) -> dict[str, str]:
        user = self.user(role)
        return {} if user is None else bearer(user)


def make_cast() -> Cast:
    setting = make_setting()
    practitioner_x = Practitioner.objects.get(clinic=setting.clinic)
    practitioner_y = Practitioner.objects.get(clinic=setting.other_clinic)
    for profile, user in (
        (practitioner_x, setting.practitioner),
        (practitioner_y, setting.other_practitioner),
    ):
        profile.user = user
        profile.save(update_fields=["user"])
    credential = practitioner_x.credentials.get()
    credential.evidence.save("licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    screening = latest_screening(setting.client.pk)
    assert screening is not None
    course = scheduling_services.book_course(
        client=setting.client,
        practitioner_id=practitioner_x.pk,
        starts=[local(4, 10), local(34, 10), local(64, 10)],
    )
    session = charted_session(setting, days_ago=2)
    unsigned = charted_session(setting, signed=False)
    [photo] = photo_services.upload_photos(
        by=setting.practitioner,
        session_id=session.pk,
        area="cheeks",
        stage="before",
        files=[SimpleUploadedFile("before.jpg", jpeg(), content_type="image/jpeg")],
    )
    check_in = CheckIn.objects.create(
        session=session, day=1, due_at=session.performed_at + dt.timedelta(days=1)
    )
    event = AdverseEvent.objects.create(
        session=session, kind="persistent_redness", description="Still red on day 3."
    )
    auditor = User.objects.create_user("auditor@x.test", "a long passphrase", role=Role.STAFF)
    grant = ChartGrant.objects.create(
        clinic=setting.clinic,
        staff=auditor,
        client=setting.client,
        granted_by=setting.manager,
        reason="Complaint review",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return Cast(
        setting=setting,
        practitioner_x=practitioner_x,
        practitioner_y=practitioner_y,
        location_x=practitioner_x.locations.get(),
        credential=credential,
        screening=screening,
        course=course,
        session=session,
        unsigned_session=unsigned,
        photo=photo,
        check_in=check_in,
        event=event,
        grant=grant,
    )
