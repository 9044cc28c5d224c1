"""What a client's erasure request means for the open feeds (clinic.privacy cannot reach this
app, to its right): their calendar links are deleted, and the sessions it cancelled free their
practitioners' time, which the SMART feed's `_since` must see (the cancelling `update()` sends
no per-row signal)."""

from typing import Any

from django.db.models.signals import post_save

from needlepoint.accounts.models import ErasureRequest
from needlepoint.scheduling.models import Appointment

from . import change_tracking
from .models import CalendarFeed


def _erasure_filed(sender: Any, instance: ErasureRequest, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    CalendarFeed.objects.filter(owner_id=instance.client_id).delete()
    practitioners = Appointment.objects.filter(client_id=instance.client_id).values_list(
        "practitioner_id", flat=True
    )
    change_tracking.stamp(sorted(set(practitioners)))


def connect() -> None:
    post_save.connect(_erasure_filed, sender=ErasureRequest, dispatch_uid="interop-erasure")
