"""Fixtures the page tests share: a bookable practitioner and a signed-in client."""

import pytest
from django.test import Client

from .factories import bookable, client_user


@pytest.fixture
def practitioner():
    return bookable(name="Xena Practitioner")


@pytest.fixture
def client_a():
    return client_user("a@example.test")


@pytest.fixture
def signed_in(client: Client, client_a) -> Client:
    client.force_login(client_a)
    return client
