"""Every directory resource validates as FHIR R4, shows only what the public may see, and
points only at resources this server serves."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.directory import geo
from needlepoint.directory.models import Credential, Location
from needlepoint.directory.tests.factories import staff_user
from needlepoint.interop.fhir_directory import DIRECTORY_TYPES, LOCATION_DISTANCE, SLOT_STATUSES

from .directory_world import R4, entries, get_json, make_world, references_in, validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_every_resource_type_validates_read_and_searched(client: Client, world) -> None:
    for kind in DIRECTORY_TYPES:
        status, bundle = get_json(client, f"{R4}/{kind}?_count=20")
        assert status == 200, kind
        validate(bundle)
        assert bundle["type"] == "searchset"
        found = entries(bundle)
        assert found, f"no {kind} served"
        for resource in found:
            validate(resource)
            status, read = get_json(client, f"{R4}/{kind}/{resource['id']}")
            assert status == 200, (kind, resource["id"])
            assert read == resource


def test_answers_are_fhir_json(client: Client, world) -> None:
    response = client.get(f"{R4}/Location")
    assert response["Content-Type"].startswith("application/fhir+json")


def test_the_capability_statement_lists_every_type_served_with_its_parameters(
    client: Client,
) -> None:
    status, statement = get_json(client, f"{R4}/metadata")
    assert status == 200
    validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    clinical = {"Patient", "Appointment", "Consent", "Procedure", "QuestionnaireResponse"}
    assert set(DIRECTORY_TYPES) | clinical | {"Questionnaire"} <= set(served)
    location_params = {p["name"] for p in served["Location"]["searchParam"]}
    assert {"near", "_id", "organization", "_lastUpdated"} <= location_params
    slot_params = {p["name"] for p in served["Slot"]["searchParam"]}
    assert {"schedule", "status", "start"} <= slot_params


def test_qualifications_come_only_from_verified_current_credentials(client: Client, world) -> None:
    today = dt.date.today()
    for status in (Credential.Status.PENDING, Credential.Status.REJECTED):
        Credential.objects.create(
            practitioner=world.leeds,
            kind=Credential.Kind.MEDICAL_LICENCE,
            issuing_body=f"Board that left it {status}",
            valid_from=dt.date(2001, 1, 1),
            status=status,
        )
    Credential.objects.create(
        practitioner=world.leeds,
        kind=Credential.Kind.DERMATOLOGY,
        issuing_body="Expired board",
        valid_from=dt.date(2001, 1, 1),
        valid_until=today - dt.timedelta(days=1),
        status=Credential.Status.VERIFIED,
        verified_by=staff_user(),
        verified_at=timezone.now(),
    )
    _, practitioner = get_json(client, f"{R4}/Practitioner/{world.leeds.pk}")
    issuers = [q["issuer"]["display"] for q in practitioner["qualification"]]
    assert issuers == ["Nursing and Midwifery Council"]


def test_unlisted_practitioners_and_their_places_are_not_public(client: Client, world) -> None:
    pending_place = world.pending.locations.get()
    assert client.get(f"{R4}/Practitioner/{world.pending.pk}").status_code == 404
    assert client.get(f"{R4}/PractitionerRole/{world.pending.pk}").status_code == 404
    assert client.get(f"{R4}/Location/{pending_place.pk}").status_code == 404
    assert client.get(f"{R4}/Organization/{world.pending.clinic_id}").status_code == 404
    assert client.get(f"{R4}/Schedule/{world.pending.pk}-{pending_place.pk}").status_code == 404
    for kind in DIRECTORY_TYPES:
        _, bundle = get_json(client, f"{R4}/{kind}?_count=500")
        text = str(bundle)
        assert "Pat Pending" not in text
        assert f"Practitioner/{world.pending.pk}'" not in text
    _, slots = get_json(
        client, f"{R4}/Slot?schedule=Schedule/{world.pending.pk}-{pending_place.pk}"
    )
    assert entries(slots) == []


def test_a_practitioner_without_hours_has_no_schedule_and_no_slots(client: Client, world) -> None:
    _, schedules = get_json(client, f"{R4}/Schedule?actor=Practitioner/{world.no_hours.pk}")
    assert entries(schedules) == []
    assert client.get(f"{R4}/Practitioner/{world.no_hours.pk}").status_code == 200


def test_locations_near_a_point_nearest_first_with_their_distance(client: Client, world) -> None:
    status, bundle = get_json(client, f"{R4}/Location?near=53.7997|-1.5492|60|km")
    assert status == 200
    validate(bundle)
    found = entries(bundle)
    names = [e["resource"]["id"] for e in bundle["entry"]]
    leeds_place = world.leeds.locations.get()
    york_place = world.york.locations.get()
    assert names[0] == str(leeds_place.pk)
    assert str(york_place.pk) in names
    assert str(world.austin.locations.get().pk) not in names
    assert bundle["total"] == len(found)
    distances = []
    for entry in bundle["entry"]:
        (extension,) = entry["search"]["extension"]
        assert extension["url"] == LOCATION_DISTANCE
        assert extension["valueDistance"]["code"] == "km"
        place = Location.objects.get(pk=entry["resource"]["id"])
        expected = geo.haversine_km(53.7997, -1.5492, place.latitude, place.longitude)
        assert extension["valueDistance"]["value"] == pytest.approx(expected, abs=0.001)
        distances.append(expected)
    assert distances == sorted(distances)
    # York is about 39 km away: inside 30 miles, outside 20.
    _, miles = get_json(client, f"{R4}/Location?near=53.7997|-1.5492|30|mi")
    york_entry = next(e for e in miles["entry"] if e["resource"]["id"] == str(york_place.pk))
    york_miles = york_entry["search"]["extension"][0]["valueDistance"]
    assert york_miles["unit"] == "mi"
    assert york_miles["code"] == "[mi_i]"
    assert york_miles["value"] == pytest.approx(
        geo.haversine_km(53.7997, -1.5492, york_place.latitude, york_place.longitude) / 1.609344,
        abs=0.001,
    )
    _, near20 = get_json(client, f"{R4}/Location?near=53.7997|-1.5492|20|mi")
    assert str(york_place.pk) not in [r["id"] for r in entries(near20)]


def test_every_reference_resolves_to_a_served_resource(client: Client, world) -> None:
    references: set[str] = set()
    for kind in DIRECTORY_TYPES:
        _, bundle = get_json(client, f"{R4}/{kind}?_count=500")
        for resource in entries(bundle):
            references.update(references_in(resource))
    assert any(ref.startswith("Schedule/") for ref in references)
    for ref in sorted(references):
        assert client.get(f"{R4}/{ref}").status_code == 200, ref


def test_slots_use_the_value_set_and_full_instants(client: Client, world) -> None:
    _, bundle = get_json(client, f"{R4}/Slot?_count=500")
    statuses = set()
    for slot in entries(bundle):
        assert slot["status"] in SLOT_STATUSES
        statuses.add(slot["status"])
        for field in ("start", "end"):
            moment = dt.datetime.fromisoformat(slot[field])
            assert moment.utcoffset() is not None
            assert len(slot[field]) == 25  # YYYY-MM-DDThh:mm:ss+hh:mm
        assert dt.datetime.fromisoformat(slot["end"]) > dt.datetime.fromisoformat(slot["start"])
    assert statuses == {"free", "busy"}


def test_last_updated_finds_what_changed(client: Client, world) -> None:
    before = timezone.now()
    place = world.york.locations.get()
    place.phone = "01904 000000"
    place.save()
    stamp = before.isoformat().replace("+00:00", "Z")
    _, changed = get_json(client, f"{R4}/Location?_lastUpdated=gt{stamp}")
    assert [r["id"] for r in entries(changed)] == [str(place.pk)]
    _, unchanged = get_json(client, f"{R4}/Location?_lastUpdated=le{stamp}")
    assert str(place.pk) not in [r["id"] for r in entries(unchanged)]
    assert entries(unchanged)
    world.austin.full_name = "Ava Austin-Smith"
    world.austin.save()
    _, people = get_json(client, f"{R4}/Practitioner?_lastUpdated=ge{stamp}")
    assert [r["id"] for r in entries(people)] == [str(world.austin.pk)]


def test_searches_filter_by_their_parameters(client: Client, world) -> None:
    leeds_place = world.leeds.locations.get()
    _, roles = get_json(client, f"{R4}/PractitionerRole?location=Location/{leeds_place.pk}")
    assert [r["id"] for r in entries(roles)] == [str(world.leeds.pk)]
    _, roles = get_json(client, f"{R4}/PractitionerRole?organization={world.york.clinic_id}")
    assert [r["id"] for r in entries(roles)] == [str(world.york.pk)]
    _, services = get_json(client, f"{R4}/HealthcareService?location=Location/{leeds_place.pk}")
    assert [r["providedBy"]["reference"] for r in entries(services)] == [
        f"Organization/{world.leeds.clinic_id}"
    ]
    _, places = get_json(
        client, f"{R4}/Location?organization=Organization/{world.austin.clinic_id}"
    )
    (austin_place,) = entries(places)
    assert austin_place["address"]["state"] == "TX"
    _, people = get_json(client, f"{R4}/Practitioner?name=york")
    assert [r["name"][0]["text"] for r in entries(people)] == ["Yusuf York"]
    _, schedules = get_json(client, f"{R4}/Schedule?actor=Location/{leeds_place.pk}")
    assert [r["id"] for r in entries(schedules)] == [f"{world.leeds.pk}-{leeds_place.pk}"]


def test_paging_with_count_and_next_links(client: Client, world) -> None:
    _, first = get_json(client, f"{R4}/Organization?_count=2")
    assert first["total"] == 4
    assert len(first["entry"]) == 2
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert links["self"].endswith("/fhir/R4/Organization?_count=2")
    seen = [r["id"] for r in entries(first)]
    url = links.get("next")
    while url:
        _, page = get_json(client, url)
        seen += [r["id"] for r in entries(page)]
        url = {link["relation"]: link["url"] for link in page["link"]}.get("next")
    _, whole = get_json(client, f"{R4}/Organization")
    assert seen == [r["id"] for r in entries(whole)]
    assert len(seen) == 4


def test_count_zero_gives_the_total_alone(client: Client, world) -> None:
    _, bundle = get_json(client, f"{R4}/Practitioner?_count=0")
    assert bundle["total"] == 4
    assert "entry" not in bundle  # FHIR JSON holds no empty arrays
    validate(bundle)
    assert [link["relation"] for link in bundle["link"]] == ["self"]
    _, slots = get_json(client, f"{R4}/Slot?_count=0")
    assert "entry" not in slots
    assert [link["relation"] for link in slots["link"]] == ["self"]
