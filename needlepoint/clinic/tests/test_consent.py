"""Consent: the client signs the clinic's current form in the browser (typed name, drawn
signature, time, IP, the version's digest); signing twice, blank or fake signatures are
refused; a new form version or new health answers ask for re-consent; signed consents never
change and print as PDF."""

import base64
import io

import pytest
from django.test import Client
from PIL import Image

from needlepoint.scheduling.tests.factories import text
from needlepoint.screening.services import screen
from needlepoint.screening.tests.builders import quiet_with

from ..consent_services import add_form_version
from ..models import ConsentForm, SignedConsent
from ..record_selectors import consent_status
from .factories import make_setting, signature_png

pytestmark = pytest.mark.django_db

DRAWN = "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def blank_png() -> str:
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def setting():
    s = make_setting()
    SignedConsent.objects.all().delete()  # start unsigned
    return s


def signing_page(setting, kind: str = "treatment") -> str:  # type: ignore[no-untyped-def]
    return f"/clinic/appointments/{setting.appointment.pk}/consent/{kind}/"


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_client_signs_the_current_form(setting) -> None:
    browser = as_user(setting.client)
    page = browser.get(signing_page(setting))
    assert page.status_code == 200
    assert "Consent to micro-needling treatment" in text(page)
    response = browser.post(
        signing_page(setting),
        {"typed_name": "Cora  Client", "signature": DRAWN},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    signed = SignedConsent.objects.get()
    form = ConsentForm.objects.get(clinic=None, kind="treatment", version=1)
    assert signed.form == form
    assert signed.form_digest == form.digest == ConsentForm.digest_of(form.title, form.body)
    assert signed.typed_name == "Cora Client"
    assert signed.ip_address == "203.0.113.7"
    assert signed.witnessed_by is None
    assert bytes(signed.signature_png).startswith(b"\x89PNG")
    assert consent_status(setting.client.pk, setting.clinic.pk, "treatment").current


def test_signing_on_the_clinics_device_records_the_witness(setting) -> None:
    browser = as_user(setting.practitioner)
    response = browser.post(
        signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN}
    )
    assert response.status_code == 302
    assert SignedConsent.objects.get().witnessed_by == setting.practitioner


@pytest.mark.parametrize(
    ("typed_name", "signature", "says"),
    [
        ("Cora Client", "", "Draw your signature"),
        ("Cora Client", "data:image/png;base64,", "PNG"),
        ("Cora Client", "data:image/png;base64,bm90IGFuIGltYWdl", "PNG"),
        ("Cora Client", "data:image/svg+xml;base64,PHN2Zz4=", "Draw your signature"),
        ("C", DRAWN, "full name"),
    ],
)
def test_bad_signatures_are_refused(setting, typed_name, signature, says) -> None:
    response = as_user(setting.client).post(
        signing_page(setting), {"typed_name": typed_name, "signature": signature}
    )
    assert response.status_code == 422
    assert says in text(response)
    assert not SignedConsent.objects.exists()


def test_a_blank_canvas_is_not_a_signature(setting) -> None:
    response = as_user(setting.client).post(
        signing_page(setting), {"typed_name": "Cora Client", "signature": blank_png()}
    )
    assert response.status_code == 422
    assert not SignedConsent.objects.exists()


def test_signing_twice_is_refused(setting) -> None:
    browser = as_user(setting.client)
    browser.post(signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN})
    again = browser.post(signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN})
    assert again.status_code == 409
    assert "already signed" in text(again)
    assert SignedConsent.objects.count() == 1


def test_a_new_form_version_asks_for_consent_again(setting) -> None:
    browser = as_user(setting.client)
    browser.post(signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN})
    current = ConsentForm.objects.get(clinic=None, kind="treatment")
    add_form_version(
        by=setting.manager,
        clinic_id=setting.clinic.pk,
        kind="treatment",
        title=current.title,
        body=current.body + "\n\nA new paragraph about aftercare.",
    )
    status = consent_status(setting.client.pk, setting.clinic.pk, "treatment")
    assert not status.current
    assert status.form.version == 2
    assert "new version (2)" in status.why_not
    assert (
        browser.post(
            signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN}
        ).status_code
        == 302
    )
    assert consent_status(setting.client.pk, setting.clinic.pk, "treatment").current


def test_changed_health_answers_ask_for_consent_again(setting) -> None:
    browser = as_user(setting.client)
    browser.post(signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN})
    screen(client=setting.client, raw_answers=quiet_with(metal_allergy=True))
    status = consent_status(setting.client.pk, setting.clinic.pk, "treatment")
    assert not status.current
    assert "health answers changed" in status.why_not


def test_a_signed_consent_never_changes_and_prints(setting) -> None:
    as_user(setting.client).post(
        signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN}
    )
    signed = SignedConsent.objects.get()
    signed.typed_name = "Someone Else"
    with pytest.raises(ValueError, match="never changed"):
        signed.save()
    form = signed.form
    form.body = "edited"
    with pytest.raises(ValueError, match="never changed"):
        form.save()
    pdf = as_user(setting.manager).get(f"/consents/{signed.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 2000


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("client", 200),
        ("practitioner", 200),
        ("manager", 200),
        ("other_practitioner", 404),
        ("other_manager", 404),
        ("other_client", 404),
        ("staff", 404),
    ],
)
def test_who_may_read_a_signed_consent(setting, who, status) -> None:
    as_user(setting.client).post(
        signing_page(setting), {"typed_name": "Cora Client", "signature": DRAWN}
    )
    signed = SignedConsent.objects.get()
    browser = as_user(setting.user(who))
    for url in (
        f"/consents/{signed.pk}/",
        f"/consents/{signed.pk}.pdf",
        f"/consents/{signed.pk}/signature.png",
        signing_page(setting),
    ):
        assert browser.get(url).status_code == status, (who, url)


def test_a_manager_publishes_a_new_version_and_bad_ones_are_refused(setting) -> None:
    browser = as_user(setting.manager)
    url = f"/clinic/{setting.clinic.pk}/consent-forms/"
    short = browser.post(url, {"kind": "treatment", "title": "Consent", "body": "Too short."})
    assert short.status_code == 422
    assert "at least 200 characters" in text(short)
    body = "We explain the treatment, its risks and the aftercare in person. " * 4
    ok = browser.post(url, {"kind": "treatment", "title": "Our treatment consent", "body": body})
    assert ok.status_code == 302
    assert ConsentForm.objects.get(clinic=setting.clinic).version == 2
    assert as_user(setting.practitioner).get(url).status_code == 404
    assert as_user(setting.other_manager).get(url).status_code == 404


def test_my_consents_lists_what_to_sign(setting) -> None:
    page = text(as_user(setting.client).get("/me/consents/"))
    assert setting.clinic.name in page
    assert "Consent to micro-needling treatment (version 1): Not signed yet. Read and sign" in page
