"""Password reset: the same answer whether or not the email has an account; the e-mailed link
sets a new password that is then the one that works."""

import re

import pytest
from django.core import mail
from django.test import Client

from needlepoint.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "velvet lantern orbit"


def test_the_answer_is_the_same_for_an_unknown_email(client: Client) -> None:
    User.objects.create_user("ada@example.test", PASSWORD)
    known = client.post("/accounts/password/reset/", {"email": "ada@example.test"}, follow=True)
    unknown = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.test"}, follow=True
    )
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert "If an account uses that address" in known.content.decode()
    assert [message.to for message in mail.outbox] == [["ada@example.test"]]


def test_the_link_sets_a_new_password(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("ada@example.test", PASSWORD)
    client.post("/accounts/password/reset/", {"email": "ada@example.test"})
    found = re.search(r"http://\S+?(/accounts/password/reset/\S+/\S+/)", str(mail.outbox[0].body))
    assert found, mail.outbox[0].body
    response = client.get(found.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "quiet harbour lamp", "new_password2": "quiet harbour lamp"}
    )
    assert response["Location"] == "/accounts/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password("quiet harbour lamp")
    assert "_auth_user_id" not in client.session  # no sign-in that skips the second factor
