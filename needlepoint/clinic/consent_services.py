"""Writes of consent: a client's signature on the clinic's current form, a clinic's new
version of a form. One transaction each; ApiError for what cannot be done."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.accounts import audit
from needlepoint.accounts.models import User
from needlepoint.errors import ApiError
from needlepoint.screening import selectors as screening_selectors

from . import record_selectors
from .models import ConsentForm, SignedConsent
from .signature import SignatureError, png_from_data_url

MIN_BODY = 200  # a consent form short enough to skip is not one


def sign_consent(
    *,
    client: User,
    clinic_id: int,
    kind: str,
    typed_name: str,
    signature: str,
    ip_address: str | None,
    witness: User | None = None,
    now: dt.datetime | None = None,
) -> SignedConsent:
    """Records the client's signature on the clinic's current form of `kind`, with their
    latest screening. 409 when that version is already signed and still current."""
    if kind not in ConsentForm.Kind.values:
        raise ApiError(422, "invalid", "Unknown consent form.", "kind")
    typed_name = " ".join(typed_name.split())
    if len(typed_name) < 2:
        raise ApiError(422, "invalid", "Type your full name to sign.", "typed_name")
    if len(typed_name) > 200:
        raise ApiError(422, "invalid", "The name is too long.", "typed_name")
    try:
        png = png_from_data_url(signature)
    except SignatureError as error:
        raise ApiError(422, "invalid_signature", error.message, "signature") from None
    with transaction.atomic():
        status = record_selectors.consent_status(client.pk, clinic_id, kind)
        if status.current:
            raise ApiError(
                409,
                "already_signed",
                f"{status.form.title} (version {status.form.version}) is already signed and "
                "current: there is nothing to sign again.",
            )
        try:
            with transaction.atomic():
                signed = SignedConsent.objects.create(
                    client=client,
                    clinic_id=clinic_id,
                    form=status.form,
                    form_digest=status.form.digest,
                    typed_name=typed_name,
                    signature_png=png,
                    signed_at=now or timezone.now(),
                    ip_address=ip_address or None,
                    screening=screening_selectors.latest_screening(client.pk),
                    witnessed_by=witness,
                )
                audit.record(
                    audit.CREATE,
                    "consent",
                    signed.pk,
                    client_id=client.pk,
                    clinic_id=clinic_id,
                    user=witness or client,
                )
                return signed
        except IntegrityError:
            raise ApiError(409, "already_signed", "This form was just signed.") from None


def add_form_version(*, by: User, clinic_id: int, kind: str, title: str, body: str) -> ConsentForm:
    """A clinic's next version of a form; it becomes the clinic's current version at once, and
    every client is asked to sign it before their next treatment."""
    if kind not in ConsentForm.Kind.values:
        raise ApiError(422, "invalid", "Unknown consent form.", "kind")
    title, body = title.strip(), body.strip().replace("\r\n", "\n")
    if not 5 <= len(title) <= 200:
        raise ApiError(422, "invalid", "Give the form a title (5–200 characters).", "title")
    if len(body) < MIN_BODY:
        raise ApiError(
            422, "invalid", f"The form text needs at least {MIN_BODY} characters.", "body"
        )
    with transaction.atomic():
        current = record_selectors.current_form(clinic_id, kind)
        if current.title == title and current.body == body:
            raise ApiError(409, "unchanged", "This is the current text already.", "body")
        own = ConsentForm.objects.filter(clinic_id=clinic_id, kind=kind).aggregate(
            v=Max("version")
        )["v"]
        version = max(own or 0, current.version) + 1
        try:
            with transaction.atomic():
                return ConsentForm.objects.create(
                    clinic_id=clinic_id,
                    kind=kind,
                    version=version,
                    title=title,
                    body=body,
                    created_by=by,
                )
        except IntegrityError:
            raise ApiError(409, "conflict", "Another version was just added; reload.") from None
