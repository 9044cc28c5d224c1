"""/me/calendar/: a signed-in user makes their link (shown once, in https:// and webcal://
forms), replaces it, revokes it; bad posts are refused with the page and nothing written."""

import re

import pytest
from django.test import Client

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.interop.models import CalendarFeed
from needlepoint.scheduling.tests.factories import text

from .calendar_factories import PASSWORD, named_client, practitioner_user

pytestmark = pytest.mark.django_db

PAGE = "/me/calendar/"
LINK = re.compile(r'value="(http://testserver/calendar/(npcal_[A-Za-z0-9_-]+)\.ics)"')


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def make_link(browser: Client, kind: str) -> str:
    response = browser.post(PAGE, {"action": "new", "kind": kind}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    (url, _token) = LINK.findall(response.content.decode())[0]
    return url


def test_a_client_is_offered_their_sessions_and_a_practitioner_their_appointments() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")

    as_client = signed_in(client).get(PAGE)
    as_practitioner = signed_in(practitioner.user).get(PAGE)

    assert 'id="feed-sessions"' in as_client.content.decode()
    assert 'id="feed-appointments"' not in as_client.content.decode()
    assert 'id="feed-appointments"' in as_practitioner.content.decode()
    assert 'id="feed-sessions"' not in as_practitioner.content.decode()
    assert "You have no link yet." in text(as_client)


def test_a_manager_is_told_there_is_nothing_to_subscribe_to() -> None:
    practitioner = practitioner_user("px@example.test", name="Xena Practitioner")
    manager = User.objects.create_user("mx@example.test", PASSWORD, role=Role.MANAGER)
    Membership.objects.create(user=manager, clinic=practitioner.clinic, role=Role.MANAGER)

    response = signed_in(manager).get(PAGE)

    assert response.status_code == 200
    assert 'id="no-feeds"' in response.content.decode()


def test_the_page_asks_anonymous_visitors_to_sign_in() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_new_link_is_shown_once_in_both_forms_and_works() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    browser = signed_in(client)

    response = browser.post(PAGE, {"action": "new", "kind": "sessions"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(PAGE, 302)]  # a reload cannot make another link
    assert response["Cache-Control"].startswith("max-age=0")
    ((url, token),) = LINK.findall(page)
    assert f'value="webcal://testserver/calendar/{token}.ics"' in page
    assert "Copy it now" in text(response)
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200
    later = browser.get(PAGE)
    assert token not in later.content.decode()
    assert "Link made" in text(later)
    assert "last fetched by a calendar app" in text(later)


def test_a_new_link_from_the_page_stops_the_old_one() -> None:
    browser = signed_in(named_client("ada@example.test", "Ada Lovelace"))
    old = make_link(browser, "sessions").removeprefix("http://testserver")

    new = make_link(browser, "sessions").removeprefix("http://testserver")

    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_revoking_from_the_page_stops_the_link() -> None:
    browser = signed_in(named_client("ada@example.test", "Ada Lovelace"))
    url = make_link(browser, "sessions").removeprefix("http://testserver")

    response = browser.post(PAGE, {"action": "revoke", "kind": "sessions"}, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Link revoked" in text(response)
    assert "You have no link yet." in text(response)
    assert Client().get(url).status_code == 404
    again = browser.post(PAGE, {"action": "revoke", "kind": "sessions"}, follow=True)
    assert "There was no link to revoke." in text(again)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose which calendar."),
        ({"kind": "sessions"}, "Choose to make a new link or revoke one."),
        ({"kind": "sessions", "action": "delete-everything"}, "Choose to make a new link"),
        ({"kind": "birthdays", "action": "new"}, "Choose which calendar."),
        ({"kind": "appointments", "action": "new"}, "Your account has no calendar of that kind."),
    ],
)
def test_a_bad_post_is_refused_with_422_and_writes_nothing(form: dict, message: str) -> None:
    browser = signed_in(named_client("ada@example.test", "Ada Lovelace"))

    response = browser.post(PAGE, form)

    assert response.status_code == 422
    assert message in text(response)
    assert 'id="calendar-error"' in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_a_post_without_the_csrf_token_is_refused() -> None:
    client = named_client("ada@example.test", "Ada Lovelace")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client)

    response = browser.post(PAGE, {"action": "new", "kind": "sessions"})

    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("role", ["client", "practitioner"])
def test_the_navigation_links_to_the_page(role: str) -> None:
    if role == "client":
        user = named_client("ada@example.test", "Ada Lovelace")
    else:
        user = practitioner_user("px@example.test", name="Xena Practitioner").user
    assert user is not None

    response = signed_in(user).get("/me/appointments/")

    assert f'href="{PAGE}">Calendar feed</a>' in response.content.decode()
