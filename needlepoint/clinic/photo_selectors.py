"""Reads of clinical photos, behind their one access function `photo_for`: the chart's series
per area, a session's photos, a course's comparison, a clinic's consented gallery."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from needlepoint.accounts.models import User
from needlepoint.accounts.selectors import member_clinic_ids
from needlepoint.directory.models import Clinic
from needlepoint.screening.choices import AREA_LABELS, AREAS

from .models import ConsentForm, Photo, TreatmentSession
from .record_selectors import consent_status, member_clinic, own_or_chart_record
from .selectors import CLINIC_ROLES, Chart, chart_for

STAGE_ORDER: dict[str, int] = {Photo.Stage.BEFORE: 0, Photo.Stage.AFTER: 1}


def photo_for(user: User, photo_id: int) -> Photo:
    """The one access check for a photo: the client it shows, or clinic staff who may read the
    client's chart at the photo's clinic. Everyone else gets 404."""
    photo = Photo.objects.select_related("session").filter(pk=photo_id).first()
    return own_or_chart_record(user, "photo", photo)


def in_course_order(photos: list[Photo]) -> list[Photo]:
    """Session by session, before ahead of after, then as taken: the order a course reads in,
    even when a session's photos were uploaded days later."""

    def key(photo: Photo) -> tuple[Any, int, Any, int]:
        performed = photo.session.performed_at if photo.session else photo.taken_at
        return (performed, STAGE_ORDER.get(photo.stage, 2), photo.taken_at, photo.pk)

    return sorted(photos, key=key)


def _chart_photos(chart: Chart) -> QuerySet[Photo]:
    return Photo.objects.filter(client=chart.client, clinic_id__in=chart.clinic_ids).select_related(
        "session"
    )


@dataclass(frozen=True)
class AreaSeries:
    area: str
    label: str
    photos: list[Photo]  # in course order
    compare_url: str

    @property
    def first_before(self) -> Photo | None:
        return next((p for p in self.photos if p.stage == Photo.Stage.BEFORE), None)

    @property
    def latest_after(self) -> Photo | None:
        return next((p for p in reversed(self.photos) if p.stage == Photo.Stage.AFTER), None)


def series_by_area(chart: Chart) -> list[AreaSeries]:
    by_area: dict[str, list[Photo]] = {}
    for photo in in_course_order(list(_chart_photos(chart))):
        by_area.setdefault(photo.area, []).append(photo)
    return [
        AreaSeries(
            area,
            AREA_LABELS.get(area, area),
            by_area[area],
            reverse("clinic:photo-compare", args=[chart.client.pk, area]),
        )
        for area in AREA_LABELS
        if area in by_area
    ]


def photos_on_chart(user: User, chart: Chart) -> dict[str, Any]:
    """The chart's photos partial: per area, the before / after series across the course."""
    series = series_by_area(chart)
    return {"series": series, "count": sum(len(s.photos) for s in series)}


def photos_on_session(user: User, session: TreatmentSession) -> dict[str, Any]:
    """The session page's photos partial: that session's photos and the upload form. The
    caller has reached `session` through session_for, which is the access check."""
    photos = in_course_order(list(session.photos.select_related("session")))
    charted = [a.area for a in session.areas.all()]
    areas = [(a, AREA_LABELS[a]) for a in charted if a in AREA_LABELS]
    areas += [(a.value, a.label) for a in AREAS if a.value not in charted]
    return {
        "photos": photos,
        "areas": areas,
        "stages": Photo.Stage.choices,
        "upload_url": reverse("clinic:photo-upload", args=[session.pk]),
        "compare": [
            (area, label, reverse("clinic:photo-compare", args=[session.client_id, area]))
            for area, label in AREA_LABELS.items()
            if any(p.area == area for p in photos)
        ],
    }


@dataclass(frozen=True)
class Comparison:
    chart: Chart
    area: str
    label: str
    photos: list[Photo]  # the area's course, in order
    left: Photo | None
    right: Photo | None


def comparison_for(
    user: User, client_id: int, area: str, left_id: int | None, right_id: int | None
) -> Comparison:
    """Two photos of one area of a client's course: the chosen ones, or by default the first
    "before" against the latest "after". 404 without chart access, for an unknown area, or for
    a chosen photo that is not in this course."""
    chart = chart_for(user, client_id)
    if area not in AREA_LABELS:
        raise Http404("No such area.")
    series = next((s for s in series_by_area(chart) if s.area == area), None)
    photos = series.photos if series else []
    by_id = {p.pk: p for p in photos}
    if (left_id is not None and left_id not in by_id) or (
        right_id is not None and right_id not in by_id
    ):
        raise Http404("No such photo in this course.")
    left = by_id[left_id] if left_id is not None else (series.first_before if series else None)
    right = by_id[right_id] if right_id is not None else (series.latest_after if series else None)
    if left is None and photos:
        left = photos[0]
    if right is None and photos:
        right = photos[-1]
    return Comparison(chart, area, AREA_LABELS[area], photos, left, right)


def gallery_clinic(user: User, clinic_id: int) -> Clinic:
    """A clinic whose gallery `user` may see: its practitioners and managers; 404 otherwise."""
    return member_clinic(user, clinic_id, CLINIC_ROLES)


def first_gallery_clinic_id(user: User) -> int:
    if not user.is_authenticated or user.role not in CLINIC_ROLES:
        raise Http404("No such clinic.")
    first = member_clinic_ids(user, roles=CLINIC_ROLES).order_by("clinic_id").first()
    if first is None:
        raise Http404("No such clinic.")
    return first


@dataclass(frozen=True)
class GalleryEntry:
    number: int  # "Client 1, 2, …": the gallery is for use beyond the chart, so no names
    area: str
    label: str
    photos: list[Photo]


def consented_gallery(clinic: Clinic) -> list[GalleryEntry]:
    """The clinic's photos of clients whose photo-use consent with it is current now; a
    client without it (never signed, an old form version, changed answers) never appears."""
    photos = list(Photo.objects.filter(clinic=clinic).select_related("session"))
    client_ids = sorted({p.client_id for p in photos})
    consenting = [
        cid for cid in client_ids if consent_status(cid, clinic.pk, ConsentForm.Kind.PHOTO).current
    ]
    entries = []
    for number, client_id in enumerate(consenting, start=1):
        theirs = in_course_order([p for p in photos if p.client_id == client_id])
        for area in AREA_LABELS:
            of_area = [p for p in theirs if p.area == area]
            if of_area:
                entries.append(GalleryEntry(number, area, AREA_LABELS[area], of_area))
    return entries
