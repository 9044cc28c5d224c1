"""Credential evidence is private: only staff, its practitioner and their clinic's managers."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.directory.models import Credential

from .factories import practitioner_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(settings, tmp_path) -> Credential:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    practitioner = practitioner_at(53.80, -1.55)
    credential = practitioner.credentials.get()
    credential.evidence.save("licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    return credential


def user(email: str, role: str) -> User:
    return User.objects.create_user(email, "pw-long-enough", role=role)


def fetch(client: Client, who: User | None, credential: Credential) -> int:
    if who is not None:
        client.force_login(who)
    return client.get(f"/credentials/{credential.pk}/evidence/").status_code


def test_platform_staff_download_the_evidence(client: Client, credential: Credential) -> None:
    client.force_login(user("s@x.test", Role.STAFF))
    response = client.get(f"/credentials/{credential.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 licence"
    assert "no-store" in response["Cache-Control"]


def test_the_practitioner_and_their_manager_may_read_it(
    client: Client, credential: Credential
) -> None:
    own = user("p@x.test", Role.PRACTITIONER)
    credential.practitioner.user = own
    credential.practitioner.save()
    assert fetch(client, own, credential) == 200
    manager = user("m@x.test", Role.MANAGER)
    Membership.objects.create(user=manager, clinic=credential.practitioner.clinic, role="manager")
    assert fetch(Client(), manager, credential) == 200


def test_everyone_else_gets_404_or_a_sign_in(client: Client, credential: Credential) -> None:
    assert fetch(client, None, credential) == 302  # to the sign-in page
    assert fetch(Client(), user("c@x.test", Role.CLIENT), credential) == 404
    other_manager = user("o@x.test", Role.MANAGER)
    other_clinic = practitioner_at(51.5, -0.1).clinic
    Membership.objects.create(user=other_manager, clinic=other_clinic, role="manager")
    assert fetch(Client(), other_manager, credential) == 404
    # A practitioner of the same clinic is not the credential's owner.
    colleague = user("col@x.test", Role.PRACTITIONER)
    Membership.objects.create(
        user=colleague, clinic=credential.practitioner.clinic, role="practitioner"
    )
    assert fetch(Client(), colleague, credential) == 404
