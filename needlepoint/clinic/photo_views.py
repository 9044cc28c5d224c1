"""Clinical photo pages: a session's upload, the photo file itself (access-checked, never
cached), a course's comparison per area, and a clinic's gallery of consented photos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from needlepoint.directory.models import private_storage
from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import photo_selectors, photo_services
from .record_selectors import session_for


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, session_id: int) -> HttpResponse:
    user = signed_in(request)
    if request.method == "GET":
        return _upload_page(request, session_id)
    try:
        saved = photo_services.upload_photos(
            by=user,
            session_id=session_id,
            area=request.POST.get("area", ""),
            stage=request.POST.get("stage", ""),
            files=request.FILES.getlist("photos"),
        )
    except ApiError as error:
        return _upload_page(request, session_id, error=error)
    messages.success(request, f"{len(saved)} photo{'s' if len(saved) != 1 else ''} saved.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("clinic:photo-upload", session_id)


def _upload_page(
    request: HttpRequest, session_id: int, *, error: ApiError | None = None
) -> HttpResponse:
    user = signed_in(request)
    chart, session = session_for(user, session_id)
    context = {
        "chart": chart,
        "session": session,
        "photos": photo_selectors.photos_on_session(user, session),
        "error": error,
        "chosen_area": request.POST.get("area", ""),
        "chosen_stage": request.POST.get("stage", ""),
    }
    return render(
        request, "clinic/photo_upload.html", context, status=error.status if error else 200
    )


@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    # No login redirect: a picture URL answers 404 to anyone the access check refuses.
    found = photo_selectors.photo_for(signed_in(request), photo_id)
    storage = private_storage()
    if not storage.exists(found.storage_name):
        raise Http404("No such photo.")
    response = FileResponse(storage.open(found.storage_name), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="photo-{found.pk}.jpg"'
    return response


@login_required
@require_GET
def compare(request: HttpRequest, client_id: int, area: str) -> HttpResponse:
    error = None
    try:
        left_id = _photo_id(request.GET.get("left"))
        right_id = _photo_id(request.GET.get("right"))
    except ValueError:
        error = ApiError(400, "invalid_photo", "Choose the photos to compare from the lists.")
        left_id = right_id = None
    found = photo_selectors.comparison_for(signed_in(request), client_id, area, left_id, right_id)
    context = {"comparison": found, "chart": found.chart, "error": error}
    return render(
        request, "clinic/photo_compare.html", context, status=error.status if error else 200
    )


def _photo_id(raw: str | None) -> int | None:
    if not raw:
        return None
    value = int(raw)
    if value <= 0:
        raise ValueError(raw)
    return value


@login_required
@require_GET
def my_gallery(request: HttpRequest) -> HttpResponse:
    return redirect(
        "clinic:photo-gallery", photo_selectors.first_gallery_clinic_id(signed_in(request))
    )


@login_required
@require_GET
def gallery(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = photo_selectors.gallery_clinic(signed_in(request), clinic_id)
    context = {"clinic": clinic, "entries": photo_selectors.consented_gallery(clinic)}
    return render(request, "clinic/photo_gallery.html", context)
