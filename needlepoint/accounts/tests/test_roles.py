"""Roles and clinic membership: who reaches the admin and which clinics each user belongs to."""

import pytest
from django.test import Client

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.accounts.selectors import is_platform_staff, member_clinic_ids
from needlepoint.directory.models import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinics() -> tuple[Clinic, Clinic]:
    return Clinic.objects.create(name="X"), Clinic.objects.create(name="Y")


def test_only_platform_staff_reach_the_admin(client: Client) -> None:
    for role in Role:
        user = User.objects.create_user(f"{role}@example.test", "pw-long-enough", role=role)
        client.force_login(user)
        status = client.get("/admin/").status_code
        assert (status == 200) == (role == Role.STAFF), role
        assert is_platform_staff(user) == (role == Role.STAFF)


def test_membership_lists_only_the_users_own_clinics(clinics: tuple[Clinic, Clinic]) -> None:
    x, y = clinics
    manager = User.objects.create_user("m@example.test", "pw-long-enough", role=Role.MANAGER)
    Membership.objects.create(user=manager, clinic=x, role=Membership.ClinicRole.MANAGER)
    practitioner = User.objects.create_user(
        "p@example.test", "pw-long-enough", role=Role.PRACTITIONER
    )
    Membership.objects.create(user=practitioner, clinic=y, role=Membership.ClinicRole.PRACTITIONER)
    assert list(member_clinic_ids(manager)) == [x.pk]
    assert list(member_clinic_ids(manager, roles=("practitioner",))) == []
    assert list(member_clinic_ids(practitioner)) == [y.pk]


def test_a_deactivated_member_reaches_no_clinic(clinics: tuple[Clinic, Clinic]) -> None:
    user = User.objects.create_user("gone@example.test", "pw-long-enough", role=Role.MANAGER)
    Membership.objects.create(user=user, clinic=clinics[0], role=Membership.ClinicRole.MANAGER)
    user.is_active = False
    user.save()
    assert list(member_clinic_ids(user)) == []


def test_a_user_signs_in_with_email_on_the_page(client: Client) -> None:
    User.objects.create_user("ada@example.test", "a long passphrase")
    response = client.post(
        "/accounts/login/", {"username": "ada@example.test", "password": "a long passphrase"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "ada@example.test"
