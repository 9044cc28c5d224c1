"""Platform staff verify credentials in the admin; a verified credential makes the practitioner
findable, and the decision records who made it and when."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from needlepoint.accounts.models import Role, User
from needlepoint.directory.models import Credential

from .factories import practitioner_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    user = User.objects.create_user("staff@example.test", "pw-long-enough", role=Role.STAFF)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    return user


def act(client: Client, action: str, credential: Credential) -> None:
    client.post(
        "/admin/directory/credential/",
        {"action": action, "_selected_action": [credential.pk]},
    )


def test_staff_verify_a_pending_credential_and_the_practitioner_appears(
    client: Client, staff: User
) -> None:
    practitioner = practitioner_at(53.80, -1.55, status=Credential.Status.PENDING)
    assert client.get("/api/v1/search", {"near": "Leeds"}).json()["count"] == 0
    client.force_login(staff)
    credential = practitioner.credentials.get()
    act(client, "verify", credential)
    credential.refresh_from_db()
    assert credential.status == Credential.Status.VERIFIED
    assert credential.verified_by == staff
    assert credential.verified_at is not None
    assert client.get("/api/v1/search", {"near": "Leeds"}).json()["count"] == 1


def test_rejecting_takes_a_practitioner_out_of_search(client: Client, staff: User) -> None:
    practitioner = practitioner_at(53.80, -1.55)
    client.force_login(staff)
    act(client, "reject", practitioner.credentials.get())
    assert practitioner.credentials.get().status == Credential.Status.REJECTED
    assert client.get("/api/v1/search", {"near": "Leeds"}).json()["count"] == 0


def test_a_clinic_manager_cannot_verify(client: Client) -> None:
    practitioner = practitioner_at(53.80, -1.55, status=Credential.Status.PENDING)
    manager = User.objects.create_user("m@example.test", "pw-long-enough", role=Role.MANAGER)
    client.force_login(manager)
    act(client, "verify", practitioner.credentials.get())
    assert practitioner.credentials.get().status == Credential.Status.PENDING


def test_the_database_refuses_a_verified_credential_without_a_verifier() -> None:
    from django.db import IntegrityError, transaction

    practitioner = practitioner_at(53.80, -1.55, with_credential=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.create(
            practitioner=practitioner,
            kind="insurance",
            issuing_body="X",
            valid_from="2020-01-01",
            status=Credential.Status.VERIFIED,
        )
