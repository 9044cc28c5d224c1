"""A client's erasure request reaches the open feeds: their calendar links are gone, and the
practitioners whose sessions it cancelled count as changed for the SMART feed's `_since`."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.clinic import privacy
from needlepoint.directory.models import Practitioner
from needlepoint.interop.models import CalendarFeed
from needlepoint.scheduling.models import Appointment

from .calendar_factories import feed_path, named_client, practitioner_user, session

pytestmark = pytest.mark.django_db


def test_erasure_deletes_the_clients_calendar_links_and_marks_freed_time() -> None:
    ada = named_client("ada@example.test", "Ada Lovelace")
    practitioner = practitioner_user("pat@example.test", name="Pat Example")
    start = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    booked = session(practitioner, ada, start)
    path = feed_path(ada, CalendarFeed.Kind.SESSIONS)
    assert Client().get(path).status_code == 200
    before = timezone.now()

    privacy.request_erasure(client=ada)

    assert not CalendarFeed.objects.filter(owner=ada).exists()
    assert Client().get(path).status_code == 404
    changed = Practitioner.objects.get(pk=practitioner.pk).availability_changed_at
    assert changed is not None
    assert changed >= before
    assert not Appointment.objects.filter(pk=booked.pk, status=Appointment.Status.BOOKED).exists()
