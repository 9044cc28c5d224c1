"""In a real Chromium: the client signs in, opens "My data", downloads their record as a FHIR
Bundle through the link, and the file validates as R4 with every reference resolving; the
photo it links to opens in the same signed-in browser."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from needlepoint.accounts.tests.helpers import sign_in_in_browser
from needlepoint.clinic.tests.factories import PASSWORD
from needlepoint.tests.matrix_cast import make_cast

from .fhir_record_helpers import validate
from .test_fhir_export import by_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_client_downloads_their_record_as_fhir(live_server, page) -> None:  # type: ignore[no-untyped-def]
    cast = make_cast()
    sign_in_in_browser(page, live_server.url, cast.client_a.email, PASSWORD, "/me/data/")
    link = page.locator("#export-fhir-link")
    assert "FHIR" in link.inner_text()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".fhir.json")
    bundle = json.loads(download.value.path().read_bytes())
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        validate(entry["resource"])
    base = f"{live_server.url}/fhir/R4"
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    for kind in ("Patient", "Appointment", "Consent", "QuestionnaireResponse", "Procedure"):
        assert by_type(bundle)[kind], kind
    for resource in by_type(bundle)["Procedure"]:
        assert f"{base}/{resource['subject']['reference']}" in full_urls
    [media] = by_type(bundle)["Media"]
    assert f"{base}/{media['partOf'][0]['reference']}" in full_urls
    photo = page.request.get(media["content"]["url"])
    assert photo.status == 200
    assert photo.headers["content-type"] == "image/jpeg"
    page.screenshot(path="/tmp/needlepoint-fhir-export.png", full_page=True)
