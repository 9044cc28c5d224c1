"""Every route of clinic/urls.py and /me/screenings/ writes its audit event, generated from the
URL list: a new route fails here until it declares how to visit it, or why it holds no chart."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from needlepoint.accounts.models import AuditEvent, User
from needlepoint.clinic import photo_services
from needlepoint.clinic.checkins import KINDS
from needlepoint.clinic.models import AdverseEvent, CheckIn, Photo, TreatmentSession
from needlepoint.screening import selectors as screening_selectors

from .factories import Setting, charted_session, make_setting
from .test_photos_cleaning import jpeg_with_gps

pytestmark = pytest.mark.django_db


@dataclass
class World:
    setting: Setting
    session: TreatmentSession  # signed
    unsigned: TreatmentSession
    photo: Photo
    check_in: CheckIn
    event: AdverseEvent
    screening_id: int


@dataclass(frozen=True)
class Visit:
    role: str  # a Setting attribute
    method: str
    url: str
    expect: tuple[str, str, object | None]  # action, object type, object id (None: any)
    data: dict[str, object] | None = None


Builder = Callable[[World], Visit]


def _get(
    role: str, name: str, args: list[object], expect: tuple[str, str, object | None]
) -> Builder:
    return lambda w: Visit(role, "GET", reverse(name, args=args_of(w, args)), expect_of(w, expect))


def args_of(w: World, args: list[object]) -> list[object]:
    return [a(w) if callable(a) else a for a in args]


def expect_of(w: World, expect: tuple[str, str, object | None]) -> tuple[str, str, object | None]:
    action, kind, pk = expect
    return action, kind, pk(w) if callable(pk) else pk


def client_id(w: World) -> int:
    return w.setting.client.pk


def session_id(w: World) -> int:
    return w.session.pk


def event_id(w: World) -> int:
    return w.event.pk


def consent_id(w: World) -> int:
    return w.setting.consent.pk


def lot_args(w: World) -> list[object]:
    return [w.setting.clinic.pk, w.setting.lot.pk]


def post(
    role: str,
    url: Callable[[World], str],
    expect: tuple[str, str, object | None],
    data: dict[str, object],
) -> Builder:
    return lambda w: Visit(role, "POST", url(w), expect_of(w, expect), data)


CHART = ("read", "chart", client_id)
SESSION = ("read", "session", session_id)
CONSENT = ("read", "consent", consent_id)
LOT = ("read", "lot_sessions", lambda w: w.setting.lot.pk)

BUILDERS: dict[str, Builder] = {
    "clinic:chart": _get("manager", "clinic:chart", [client_id], CHART),
    "clinic:override": post(
        "practitioner",
        lambda w: reverse("clinic:override", args=[client_id(w), w.screening_id]),
        ("read", "screening", lambda w: w.screening_id),
        {"reason": "short"},
    ),
    "clinic:reviewed": post(
        "practitioner",
        lambda w: reverse("clinic:reviewed", args=[client_id(w), w.setting.appointment.pk]),
        CHART,
        {},
    ),
    "clinic:consent-sign": _get(
        "client",
        "clinic:consent-sign",
        [lambda w: w.setting.appointment.pk, "treatment"],
        ("read", "appointment", lambda w: w.setting.appointment.pk),
    ),
    "clinic:consent-on-device": post(
        "practitioner",
        lambda w: reverse("clinic:consent-on-device", args=[client_id(w)]),
        CHART,
        {"kind": "treatment"},
    ),
    "clinic:consent": _get("practitioner", "clinic:consent", [consent_id], CONSENT),
    "clinic:consent-signature": _get("manager", "clinic:consent-signature", [consent_id], CONSENT),
    "clinic:consent-pdf": _get("client", "clinic:consent-pdf", [consent_id], CONSENT),
    "clinic:session-new": _get("practitioner", "clinic:session-new", [client_id], CHART),
    "clinic:session": _get("manager", "clinic:session", [session_id], SESSION),
    "clinic:session-sign": post(
        "practitioner",
        lambda w: reverse("clinic:session-sign", args=[w.unsigned.pk]),
        ("update", "session", lambda w: w.unsigned.pk),
        {},
    ),
    "clinic:session-amend": post(
        "practitioner",
        lambda w: reverse("clinic:session-amend", args=[session_id(w)]),
        ("update", "session", session_id),
        {"notes": "Corrected: both cheeks were treated.", "reason": "The notes missed a cheek."},
    ),
    "clinic:lot": _get(
        "manager", "clinic:lot", [lambda w: w.setting.clinic.pk, lambda w: w.setting.lot.pk], LOT
    ),
    "clinic:lot-recall": post(
        "manager",
        lambda w: reverse("clinic:lot-recall", args=lot_args(w)),
        LOT,
        {"reason": "The maker recalled this lot (notice 42)."},
    ),
    "clinic:lot-csv": _get(
        "manager",
        "clinic:lot-csv",
        [lambda w: w.setting.clinic.pk, lambda w: w.setting.lot.pk],
        LOT,
    ),
    "clinic:photo": _get(
        "practitioner",
        "clinic:photo",
        [lambda w: w.photo.pk],
        ("read", "photo", lambda w: w.photo.pk),
    ),
    "clinic:photo-upload": _get("practitioner", "clinic:photo-upload", [session_id], SESSION),
    "clinic:photo-compare": _get("manager", "clinic:photo-compare", [client_id, "cheeks"], CHART),
    "clinic:rate-session": post(
        "client",
        lambda w: reverse("clinic:rate-session", args=[session_id(w)]),
        ("update", "session_rating", session_id),
        {"improvement": "7", "satisfaction": "4", "comment": ""},
    ),
    "clinic:check-in": _get(
        "client",
        "clinic:check-in",
        [lambda w: w.check_in.pk],
        ("read", "check_in", lambda w: w.check_in.pk),
    ),
    "clinic:session-followup": _get(
        "practitioner", "clinic:session-followup", [session_id], SESSION
    ),
    "clinic:grade-session": post(
        "practitioner",
        lambda w: reverse("clinic:grade-session", args=[session_id(w)]),
        SESSION,
        {},
    ),
    "clinic:raise-adverse-event": post(
        "practitioner",
        lambda w: reverse("clinic:raise-adverse-event", args=[session_id(w)]),
        ("create", "adverse_event", None),
        {"kind": next(iter(KINDS)), "description": "Called in: redness past day 3."},
    ),
    "clinic:adverse-event": _get(
        "manager", "clinic:adverse-event", [event_id], ("read", "adverse_event", event_id)
    ),
    "clinic:adverse-event-follow-up": post(
        "practitioner",
        lambda w: reverse("clinic:adverse-event-follow-up", args=[event_id(w)]),
        ("update", "adverse_event", event_id),
        {"follow_up": "Called back; settling."},
    ),
    "clinic:close-adverse-event": post(
        "practitioner",
        lambda w: reverse("clinic:close-adverse-event", args=[event_id(w)]),
        ("update", "adverse_event", event_id),
        {"outcome": "Resolved in a week."},
    ),
    "screening:result": _get(
        "client",
        "screening:result",
        [lambda w: w.screening_id],
        ("read", "screening", lambda w: w.screening_id),
    ),
}

# Routes that open no single client's health data, each with the reason.
NOT_A_CHART = {
    "clinic:my-data": "the client's own data, to themselves (erasure and export)",
    "clinic:my-data-export": "the client's own data, to themselves",
    "clinic:my-consents": "the client's own consents, to themselves; each opens via clinic:consent",
    "clinic:consent-forms": "the clinic's form texts: no client's data",
    "clinic:inventory": "devices and lots: no client's data",
    "clinic:photo-my-gallery": "a redirect to the gallery",
    "clinic:photo-gallery": "consented photos without names; each image is read via clinic:photo",
    "clinic:my-progress": "the client's own record, to themselves",
    "clinic:audit": "the trail itself (tests in test_audit_trail.py)",
    "clinic:audit-csv": "the trail itself, exported; the export is audited (test_audit_trail.py)",
    "clinic:grants": "grants (tests in test_grants.py), audited as action 'grant'",
    "clinic:grant-revoke": "grants (tests in test_grants.py), audited as action 'grant'",
    "screening:mine": "the client's own list of screenings; each opens via screening:result",
}


def route_names() -> list[str]:
    """Every clinic route, and screening's /me/screenings/ ones, by their namespaced names."""
    namespaces = get_resolver().namespace_dict  # imports every app's urls, converters first
    names = []
    for namespace, prefix in (("clinic", ""), ("screening", "me/screenings/")):
        for pattern in namespaces[namespace][1].url_patterns:
            if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith(prefix):
                names.append(f"{namespace}:{pattern.name}")
    return names


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def world() -> World:
    setting = make_setting()
    session = charted_session(setting, days_ago=2)
    [photo] = photo_services.upload_photos(
        by=setting.practitioner,
        session_id=session.pk,
        area="cheeks",
        stage="before",
        files=[SimpleUploadedFile("a.jpg", jpeg_with_gps())],
    )
    check_in = CheckIn.objects.create(
        session=session, day=1, due_at=timezone.now() - dt.timedelta(days=1)
    )
    event = AdverseEvent.objects.create(
        session=session,
        kind=next(iter(KINDS)),
        description="Redness",
        raised_by=setting.practitioner,
    )
    screening = screening_selectors.latest_screening(setting.client.pk)
    assert screening is not None
    return World(
        setting,
        session,
        charted_session(setting, signed=False),
        photo,
        check_in,
        event,
        screening.pk,
    )


@pytest.mark.parametrize("name", route_names())
def test_each_chart_route_writes_its_audit_event(name: str) -> None:
    if name in NOT_A_CHART:
        assert name not in BUILDERS
        return
    assert name in BUILDERS, (
        f"{name}: declare how to visit it in BUILDERS, or why not in NOT_A_CHART"
    )
    w = world()
    visit = BUILDERS[name](w)
    user: User = w.setting.user(visit.role)
    browser = Client(REMOTE_ADDR="203.0.113.9")
    browser.force_login(user)
    AuditEvent.objects.all().delete()
    response = (
        browser.generic(visit.method, visit.url)
        if visit.data is None
        else browser.post(visit.url, visit.data)
    )
    assert response.status_code < 500, response.status_code
    action, kind, pk = visit.expect
    events = AuditEvent.objects.filter(
        action=action, object_type=kind, user=user, role=user.role, route=name, method=visit.method
    )
    if pk is not None:
        events = events.filter(object_id=str(pk))
    assert events.exists(), list(
        AuditEvent.objects.values_list("action", "object_type", "object_id", "route")
    )
    assert events.first().ip_address == "203.0.113.9"  # type: ignore[union-attr]


def test_every_declared_route_still_exists() -> None:
    names = set(route_names())
    assert set(BUILDERS) <= names
    assert set(NOT_A_CHART) <= names
