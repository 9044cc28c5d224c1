"""Consent pages: the client signs the clinic's current form in the browser (typed name and a
drawn signature), reads and prints what they signed; a clinic manager publishes new versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import consent_pdf, consent_services, record_selectors
from .models import ConsentForm, SignedConsent


def _kind(kind: str) -> str:
    if kind not in ConsentForm.Kind.values:
        raise Http404("No such consent form.")
    return kind


@login_required
@never_cache
def sign(request: HttpRequest, appointment_id: int, kind: str) -> HttpResponse:
    """The clinic's current form for the client of the appointment, signed on their own
    device or on the clinic's (then the clinic member is recorded as witness)."""
    user = signed_in(request)
    signing = record_selectors.signing_for(user, appointment_id)
    kind = _kind(kind)
    error: ApiError | None = None
    if request.method == "POST":
        try:
            consent_services.sign_consent(
                client=signing.client,
                clinic_id=signing.clinic_id,
                kind=kind,
                typed_name=request.POST.get("typed_name", ""),
                signature=request.POST.get("signature", ""),
                ip_address=request.META.get("REMOTE_ADDR"),
                witness=signing.witness,
            )
        except ApiError as problem:
            error = problem
        else:
            messages.success(request, "Signed. A copy is on the record and can be printed.")
            if signing.witness is not None:
                return redirect("clinic:chart", signing.client.pk)
            return redirect("clinic:my-consents")
    status = record_selectors.consent_status(signing.client.pk, signing.clinic_id, kind)
    context = {
        "signing": signing,
        "status": status,
        "error": error,
        "typed_name": request.POST.get("typed_name", signing.client.full_name),
    }
    return render(
        request, "clinic/consent_sign.html", context, status=error.status if error else 200
    )


def _printable(consent: SignedConsent) -> consent_pdf.PrintableConsent:
    zone = timezone.get_current_timezone()
    return consent_pdf.PrintableConsent(
        title=consent.form.title,
        body=consent.form.body,
        version=consent.form.version,
        clinic=consent.clinic.name,
        client_name=consent.client.full_name or consent.client.email,
        client_email=consent.client.email,
        typed_name=consent.typed_name,
        signed_at=f"{consent.signed_at.astimezone(zone):%d %b %Y, %H:%M} ({zone})",
        ip_address=consent.ip_address or "",
        form_digest=consent.form_digest,
        signature_png=bytes(consent.signature_png),
        witnessed_by=(
            consent.witnessed_by.full_name or consent.witnessed_by.email
            if consent.witnessed_by
            else None
        ),
    )


@login_required
def consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    found = record_selectors.consent_for(signed_in(request), consent_id)
    return render(request, "clinic/consent.html", {"consent": found})


@login_required
def consent_signature(request: HttpRequest, consent_id: int) -> HttpResponse:
    found = record_selectors.consent_for(signed_in(request), consent_id)
    response = HttpResponse(bytes(found.signature_png), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def consent_pdf_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    found = record_selectors.consent_for(signed_in(request), consent_id)
    response = HttpResponse(consent_pdf.render(_printable(found)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-{found.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_consents(request: HttpRequest) -> HttpResponse:
    """The client's consents per clinic they have a coming session with, and what to sign."""
    user = signed_in(request)
    return render(
        request, "clinic/my_consents.html", {"clinics": record_selectors.my_consents(user)}
    )


@login_required
def forms(request: HttpRequest, clinic_id: int) -> HttpResponse:
    user = signed_in(request)
    clinic = record_selectors.managed_clinic(user, clinic_id)
    error: ApiError | None = None
    if request.method == "POST":
        try:
            form = consent_services.add_form_version(
                by=user,
                clinic_id=clinic.pk,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
        except ApiError as problem:
            error = problem
        else:
            messages.success(
                request,
                f"Version {form.version} is now current: clients sign it before their next "
                "treatment.",
            )
            return redirect("clinic:consent-forms", clinic.pk)
    context = {
        "clinic": clinic,
        "versions": record_selectors.form_versions(clinic.pk),
        "error": error,
        "post": request.POST,
        "kinds": ConsentForm.Kind.choices,
    }
    return render(
        request, "clinic/consent_forms.html", context, status=error.status if error else 200
    )


@login_required
@require_POST
def sign_on_device(request: HttpRequest, client_id: int) -> HttpResponse:
    """From the chart: opens the signing page for the client's next appointment here."""
    user = signed_in(request)
    appointment_id = record_selectors.appointment_to_sign_for(user, client_id)
    return redirect("clinic:consent-sign", appointment_id, _kind(request.POST.get("kind", "")))
