"""Who may open which booking page: every page against every role, through HTTP."""

from dataclasses import dataclass

import pytest
from django.test import Client

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.directory.models import Practitioner
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment, Course

from .factories import bookable, client_user, local

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase"
ROLES = (
    "anonymous",
    "client_a",
    "client_b",
    "practitioner_x",
    "practitioner_y",
    "manager_x",
    "manager_y",
)


@dataclass
class Cast:
    """Two clinics, X and Y, each with a practitioner who signs in and a manager; two clients.
    Client A has one session and a course of three with practitioner X."""

    practitioner_x: Practitioner
    practitioner_y: Practitioner
    users: dict[str, User]
    appointment: Appointment
    course: Course


def staff_of(practitioner: Practitioner, role: str, email: str) -> User:
    user = User.objects.create_user(email, PASSWORD, role=role, full_name=email.split("@")[0])
    Membership.objects.create(user=user, clinic=practitioner.clinic, role=role)
    if role == Role.PRACTITIONER:
        practitioner.user = user
        practitioner.save(update_fields=["user"])
    return user


def make_cast() -> Cast:
    x = bookable(name="Xena Practitioner")
    y = bookable(name="Yusuf Practitioner", lat=51.5, lon=-0.12)
    users = {
        "client_a": client_user("a@example.test"),
        "client_b": client_user("b@example.test"),
        "practitioner_x": staff_of(x, Role.PRACTITIONER, "px@example.test"),
        "practitioner_y": staff_of(y, Role.PRACTITIONER, "py@example.test"),
        "manager_x": staff_of(x, Role.MANAGER, "mx@example.test"),
        "manager_y": staff_of(y, Role.MANAGER, "my@example.test"),
    }
    users["client_a"].full_name = "Alice Client"
    users["client_a"].save(update_fields=["full_name"])
    appointment = services.book_appointment(
        client=users["client_a"], practitioner_id=x.pk, start=local(3, 10)
    )
    course = services.book_course(
        client=users["client_a"],
        practitioner_id=x.pk,
        starts=[local(4, 10), local(4 + 30, 10), local(4 + 60, 10)],
    )
    return Cast(x, y, users, appointment, course)


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def as_role(role: str, cast: Cast) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(cast.users[role])
    return client


def free_start(cast: Cast) -> str:
    return local(5, 11).isoformat()


# Every page, and what each role gets: 200, 404, or "login" (302 to sign-in with next).
OWN = ["login", 200, 404, 200, 404, 200, 404]  # the client's, the practitioner's, their manager's
PAGES = {
    "practitioner page": (lambda c: f"/practitioners/{c.practitioner_x.pk}/", [200] * 7),
    "booking page": (
        lambda c: f"/practitioners/{c.practitioner_x.pk}/book/?start={free_start(c)}",
        ["login"] + [200] * 6,
    ),
    "appointment page": (lambda c: f"/me/appointments/{c.appointment.pk}/", OWN),
    "course page": (lambda c: f"/me/courses/{c.course.pk}/", OWN),
    "appointment .ics": (lambda c: f"/appointments/{c.appointment.pk}.ics", OWN),
    "course .ics": (lambda c: f"/courses/{c.course.pk}.ics", OWN),
    "move page": (lambda c: f"/me/appointments/{c.appointment.pk}/move/", OWN),
    "my appointments": (lambda c: "/me/appointments/", ["login"] + [200] * 6),
    "clinic": (lambda c: "/clinic/", ["login", 404, 404, 200, 200, 200, 200]),
    "calendar": (lambda c: "/clinic/calendar/", ["login", 404, 404, 200, 200, 404, 404]),
    "location of X": (
        lambda c: f"/clinic/locations/{c.practitioner_x.locations.get().pk}/",
        ["login", 404, 404, 404, 404, 200, 404],
    ),
}
TABLE = [
    pytest.param(page, role, expected, id=f"{page}-{role}")
    for page, (_, outcomes) in PAGES.items()
    for role, expected in zip(ROLES, outcomes, strict=True)
]


@pytest.mark.parametrize(("page", "role", "expected"), TABLE)
def test_each_page_answers_each_role_as_the_table_says(
    cast: Cast, page: str, role: str, expected: int | str
) -> None:
    path = PAGES[page][0](cast)
    response = as_role(role, cast).get(path)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected, response.content[:500]


def test_the_sign_in_redirect_keeps_the_chosen_time(cast: Cast) -> None:
    path = f"/practitioners/{cast.practitioner_x.pk}/book/?start={free_start(cast)}"
    response = Client().get(path)
    assert response.status_code == 302
    follow = Client().post(
        response["Location"], {"username": "a@example.test", "password": PASSWORD}
    )
    assert follow.status_code == 302
    assert follow["Location"] == path


def test_someone_else_cannot_cancel_or_move_a_clients_session(cast: Cast) -> None:
    stranger = as_role("client_b", cast)
    url = f"/me/appointments/{cast.appointment.pk}"
    assert stranger.post(f"{url}/cancel/", {"reason": "x"}).status_code == 404
    assert stranger.post(f"{url}/move/", {"start": local(6, 12).isoformat()}).status_code == 404
    cast.appointment.refresh_from_db()
    assert cast.appointment.status == Appointment.Status.BOOKED
    assert cast.appointment.start == local(3, 10)


def test_the_navigation_offers_each_role_its_pages(cast: Cast) -> None:
    def nav(role: str) -> str:
        html = as_role(role, cast).get("/").content.decode()
        return html.split("<nav", 1)[1].split("</nav>", 1)[0]

    assert "My appointments" not in nav("anonymous")
    assert "My appointments" in nav("client_a")
    assert 'href="/clinic/calendar/"' not in nav("client_a")
    assert 'href="/clinic/calendar/">Calendar' in nav("practitioner_x")
    assert 'href="/clinic/">Clinic' in nav("manager_x")
