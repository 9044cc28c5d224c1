"""The client's record as one FHIR Bundle: downloaded from "My data" (session, clients only,
as an attachment, audited as an export) and as `Patient/<id>/$everything`. It validates, every
resource in it validates, and every reference inside it resolves to one of its entries."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from needlepoint.accounts.models import AuditEvent
from needlepoint.clinic.models import Amendment, Photo, SignedConsent, TreatmentSession
from needlepoint.clinic.tests.factories import charted_session
from needlepoint.scheduling import services as scheduling_services
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.tests.factories import local
from needlepoint.screening.models import ScreeningRecord
from needlepoint.tests.matrix_cast import Cast, make_cast

from .fhir_record_helpers import R4, ask, references, validate

pytestmark = pytest.mark.django_db

EXPORT = "/me/data/export.fhir.json"
BASE = "http://testserver/fhir/R4"
DIRECTORY = ("Practitioner", "Location", "Organization")


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def download(cast: Cast, role: str = "client_a") -> dict:
    response = ask(cast, role, EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert ".fhir.json" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def assert_references_resolve(bundle: dict) -> None:
    """Relative references resolve against the entry's base to an entry (FHIR's rule for
    bundles), `#id` to a contained resource, the questionnaire's canonical URL to its entry;
    only the directory's resources, absolute URLs on this server, are outside."""
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        contained = {f"#{c['id']}" for c in resource.get("contained", [])}
        for ref in references(resource):
            if ref.startswith("#"):
                assert ref in contained, ref
            elif ref.startswith("http"):
                kind = ref.removeprefix(BASE + "/").split("/")[0]
                assert ref.startswith(BASE + "/"), ref
                assert kind in DIRECTORY, ref
            else:
                assert f"{BASE}/{ref}" in full_urls, f"{ref} in {entry['fullUrl']}"
        if resource["resourceType"] == "QuestionnaireResponse":
            assert resource["questionnaire"] in full_urls


def by_type(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_the_download_is_the_whole_record_and_validates(cast: Cast) -> None:
    bundle = download(cast)
    validate(bundle)
    assert bundle["type"] == "collection"
    for entry in bundle["entry"]:
        validate(entry["resource"])
        resource = entry["resource"]
        assert entry["fullUrl"] == f"{BASE}/{resource['resourceType']}/{resource['id']}"
    found = by_type(bundle)
    client = cast.client_a
    assert [p["id"] for p in found["Patient"]] == [str(client.pk)]
    assert len(found["Appointment"]) == Appointment.objects.filter(client=client).count()
    assert len(found["Consent"]) == SignedConsent.objects.filter(client=client).count()
    assert len(found["Procedure"]) == TreatmentSession.objects.filter(client=client).count()
    assert (
        len(found["QuestionnaireResponse"]) == ScreeningRecord.objects.filter(client=client).count()
    )
    assert len(found["Media"]) == Photo.objects.filter(client=client).count() == 1
    assert [q["id"] for q in found["Questionnaire"]] == ["suitability"]
    assert_references_resolve(bundle)


def test_a_photo_is_a_link_to_its_checked_route(cast: Cast) -> None:
    [media] = by_type(download(cast))["Media"]
    assert media["partOf"] == [{"reference": f"Procedure/{cast.session.pk}"}]
    assert media["content"]["url"] == f"http://testserver/clinic/photos/{cast.photo.pk}/"
    path = media["content"]["url"].removeprefix("http://testserver")
    image = cast.browser("client_a").get(path)
    assert image.status_code == 200
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    assert cast.browser("client_b").get(path).status_code == 404


def test_the_download_is_audited_as_an_export(cast: Cast) -> None:
    download(cast)
    [event] = AuditEvent.objects.filter(route="interop:my-data-export-fhir")
    assert event.action == AuditEvent.Action.EXPORT
    assert event.user == cast.client_a
    assert event.client_id == cast.client_a.pk


def test_each_client_downloads_only_their_own(cast: Cast) -> None:
    other = download(cast, "client_b")
    assert [p["id"] for p in by_type(other)["Patient"]] == [str(cast.setting.other_client.pk)]
    text = json.dumps(other)
    assert "client@example.test" not in text
    assert cast.setting.lot.lot_number not in text
    assert_references_resolve(other)


def test_only_clients_download_and_only_signed_in(cast: Cast) -> None:
    for role in ("practitioner_x", "manager_x", "staff"):
        assert ask(cast, role, EXPORT).status_code == 404
    anonymous = Client().get(EXPORT)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert cast.browser("client_a").post(EXPORT).status_code == 405


def test_the_my_data_page_links_to_it(cast: Cast) -> None:
    page = cast.browser("client_a").get("/me/data/").content.decode()
    assert f'href="{EXPORT}"' in page


def test_everything_is_the_same_bundle_within_the_readers_clinics(cast: Cast) -> None:
    mine = ask(cast, "client_a", f"{R4}/Patient/{cast.client_a.pk}/$everything").json()
    validate(mine)
    assert sorted(e["fullUrl"] for e in mine["entry"]) == sorted(
        e["fullUrl"] for e in download(cast)["entry"]
    )
    elsewhere = scheduling_services.book_appointment(
        client=cast.client_a, practitioner_id=cast.practitioner_y.pk, start=local(6, 11)
    )
    theirs = ask(cast, "practitioner_y", f"{R4}/Patient/{cast.client_a.pk}/$everything").json()
    validate(theirs)
    found = by_type(theirs)
    assert [a["id"] for a in found["Appointment"]] == [str(elsewhere.pk)]
    assert "Procedure" not in found
    assert "Media" not in found
    assert_references_resolve(theirs)


def test_the_export_costs_the_same_queries_however_long_the_record(cast: Cast) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            download(cast)
        return len(captured)

    before = queries()
    for days_ago in (30, 60, 90):
        session = charted_session(cast.setting, days_ago=days_ago)
        Amendment.objects.create(
            session=session,
            author=cast.setting.practitioner,
            reason="Aftercare sheet number added.",
            changes=[{"field": "aftercare_given", "before": "", "after": "Sheet 2"}],
        )
    assert queries() == before


def test_every_entry_of_the_bundle_can_be_read_back_at_its_full_url(cast: Cast) -> None:
    """fullUrl is an address, not only a name: each entry answers there, the same resource."""
    bundle = download(cast)
    for entry in bundle["entry"]:
        path = entry["fullUrl"].removeprefix("http://testserver")
        response = ask(cast, "client_a", path)
        assert response.status_code == 200, path
        read = json.loads(response.content)
        assert (read["resourceType"], read["id"]) == (
            entry["resource"]["resourceType"],
            entry["resource"]["id"],
        )
