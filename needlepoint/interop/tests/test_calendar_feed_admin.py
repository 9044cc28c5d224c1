"""Platform staff see calendar links in the admin (never a token) and can revoke one."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from needlepoint.accounts.models import Role, User
from needlepoint.interop import calendar_services
from needlepoint.interop.models import CalendarFeed

from .calendar_factories import PASSWORD, named_client

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/interop/calendarfeed/"


def test_staff_list_links_without_tokens_and_revoke_one() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    raw = calendar_services.issue_feed(owner=client, kind="sessions")
    staff = User.objects.create_user("staff@example.test", PASSWORD, role=Role.STAFF)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="interop",
            codename__in=["view_calendarfeed", "change_calendarfeed"],
        )
    )
    browser = Client()
    browser.force_login(staff)

    listing = browser.get(CHANGELIST)
    assert listing.status_code == 200
    assert "ada@example.test" in listing.content.decode()
    assert raw not in listing.content.decode()
    assert CalendarFeed.objects.get().digest not in listing.content.decode()

    feed = CalendarFeed.objects.get()
    browser.post(CHANGELIST, {"action": "revoke", "_selected_action": [feed.pk]})

    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert Client().get(f"/calendar/{raw}.ics").status_code == 404
    assert browser.get(f"{CHANGELIST}add/").status_code == 403
