"""The resource builders alone, on unsaved rows: no database, every output valid R4."""

import datetime as dt
from decimal import Decimal

import pytest

from needlepoint.directory.models import Clinic, Credential, Location, Practitioner, Service
from needlepoint.interop import fhir_directory as build

from .directory_world import validate

BASE = "https://needlepoint.test/fhir/R4"
NOW = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)


def rows() -> tuple[Clinic, Location, Practitioner]:
    clinic = Clinic(pk=7, name="Skin Works", email="hello@skin.test", updated_at=NOW)
    place = Location(
        pk=3,
        clinic_id=7,
        name="Skin Works Leeds",
        address_line="1 Park Row",
        city="Leeds",
        postcode="LS1 5AB",
        country="GB",
        latitude=53.8,
        longitude=-1.55,
        timezone="Europe/London",
        updated_at=NOW,
    )
    person = Practitioner(
        pk=11,
        clinic_id=7,
        full_name="Dr Ada Example",
        languages=["en", "fr"],
        updated_at=NOW,
        availability_changed_at=NOW,
    )
    return clinic, place, person


def test_every_builder_gives_valid_r4() -> None:
    clinic, place, person = rows()
    credential = Credential(
        kind=Credential.Kind.MEDICAL_LICENCE,
        issuing_body="General Medical Council",
        number="1234567",
        valid_from=dt.date(2010, 1, 1),
        valid_until=dt.date(2030, 1, 1),
        status=Credential.Status.VERIFIED,
    )
    service = Service(pk=5, clinic_id=7, price=Decimal("180.00"), currency="GBP")
    facts = build.SlotFacts(11, 3, "Europe/London", NOW, NOW + dt.timedelta(minutes=30), True, NOW)
    for resource in (
        build.organization(BASE, clinic),
        build.location(BASE, place),
        build.practitioner(BASE, person, [credential]),
        build.practitioner_role(person, [3], [5]),
        build.healthcare_service(BASE, service, [3]),
        build.schedule(BASE, person, place, horizon=(NOW, NOW + dt.timedelta(days=90))),
        build.slot(facts, deep_link="https://needlepoint.test/book?start=x", phone="0113"),
        build.capability_statement(BASE, date=NOW),
    ):
        validate(resource)


def test_an_unverified_credential_is_never_a_qualification() -> None:
    _, _, person = rows()
    pending = Credential(
        kind=Credential.Kind.INSURANCE,
        issuing_body="Insurer",
        valid_from=dt.date(2020, 1, 1),
        status=Credential.Status.PENDING,
    )
    with pytest.raises(ValueError, match="verified"):
        build.practitioner(BASE, person, [pending])


def test_a_busy_slot_has_no_booking_link_and_no_capacity() -> None:
    facts = build.SlotFacts(1, 2, "Europe/London", NOW, NOW + dt.timedelta(minutes=30), False, NOW)
    slot = build.slot(facts, deep_link="https://needlepoint.test/book", phone=None)
    assert slot["status"] == "busy"
    assert {e["url"] for e in slot["extension"]} == {build.SLOT_CAPACITY}
    assert slot["extension"][0]["valueInteger"] == 0


def test_slot_times_are_local_with_their_offset_across_the_clock_change() -> None:
    # 00:30 UTC on 29 March 2026 is 00:30 GMT; an hour later it is 02:30 BST.
    before = build.SlotFacts(1, 2, "Europe/London", NOW, NOW + dt.timedelta(minutes=30), True, NOW)
    after_start = NOW + dt.timedelta(hours=1)
    after = build.SlotFacts(
        1, 2, "Europe/London", after_start, after_start + dt.timedelta(minutes=30), True, NOW
    )
    assert build.slot(before, deep_link=None, phone=None)["start"] == "2026-03-29T00:30:00+00:00"
    assert build.slot(after, deep_link=None, phone=None)["start"] == "2026-03-29T02:30:00+01:00"
