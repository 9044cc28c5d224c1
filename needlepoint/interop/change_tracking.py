"""Marks when a practitioner's free time last changed, so the SMART Scheduling Links feed can
answer `_since` exactly.

Free slots are computed, never stored: what changes is what they are computed from. Every
write to those rows (hours, day overrides, time off, appointments, a clinic's booking rules, a
location's zone) stamps `Practitioner.availability_changed_at`, deletions included, which a
timestamp on the rows themselves could not show. Bulk writes (`bulk_create`, `update()`) send
no signals; the demo and benchmark seeding use them only for practitioners created in the same
run, whose stamp is their creation time."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from needlepoint.directory.models import Credential, Location, Practitioner
from needlepoint.scheduling.models import (
    Appointment,
    BookingPolicy,
    DayOverride,
    TimeOff,
    WorkingHours,
)

# Saves of an appointment that touch only these fields change nobody's free time.
APPOINTMENT_TIME_FIELDS = frozenset(
    {"status", "start", "end", "blocked_until", "practitioner", "practitioner_id", "location"}
)


def stamp(practitioner_ids: list[int]) -> None:
    """Records that these practitioners' free time changed now. `update()` on purpose: it
    leaves `updated_at` (the Practitioner resource's own change time) alone."""
    if practitioner_ids:
        Practitioner.objects.filter(pk__in=practitioner_ids).update(
            availability_changed_at=timezone.now()
        )


def _row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    stamp([instance.practitioner_id])


def _appointment_saved(sender: Any, instance: Appointment, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is None or APPOINTMENT_TIME_FIELDS & set(fields):
        stamp([instance.practitioner_id])


def _policy_changed(sender: Any, instance: BookingPolicy, **kwargs: Any) -> None:
    staff = Practitioner.objects.filter(clinic_id=instance.clinic_id)
    stamp(list(staff.values_list("pk", flat=True)))


def _location_saved(sender: Any, instance: Location, **kwargs: Any) -> None:
    # A location's zone or activity moves or removes the slots of everyone with hours there.
    ids = WorkingHours.objects.filter(location_id=instance.pk).values_list(
        "practitioner_id", flat=True
    )
    stamp(list(set(ids)))


def _credential_changed(sender: Any, instance: Credential, **kwargs: Any) -> None:
    # A verified credential is what makes a practitioner public, and their qualifications.
    Practitioner.objects.filter(pk=instance.practitioner_id).update(
        updated_at=timezone.now(), availability_changed_at=timezone.now()
    )


def connect() -> None:
    for model in (WorkingHours, DayOverride, TimeOff):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"interop-{model.__name__}-s")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"interop-{model.__name__}-d")
    post_save.connect(_appointment_saved, sender=Appointment, dispatch_uid="interop-appt-s")
    post_delete.connect(_row_changed, sender=Appointment, dispatch_uid="interop-appt-d")
    post_save.connect(_policy_changed, sender=BookingPolicy, dispatch_uid="interop-policy-s")
    post_delete.connect(_policy_changed, sender=BookingPolicy, dispatch_uid="interop-policy-d")
    post_save.connect(_location_saved, sender=Location, dispatch_uid="interop-location-s")
    post_save.connect(_credential_changed, sender=Credential, dispatch_uid="interop-cred-s")
    post_delete.connect(_credential_changed, sender=Credential, dispatch_uid="interop-cred-d")
