"""Who may open each page and endpoint of the treatment record: the client's clinic (some for
managers only), the client for their own consents, and 404 for everyone else — another
clinic's practitioner or manager, another client, platform staff."""

import pytest
from django.test import Client

from needlepoint.scheduling.tests.factories import bearer

from .factories import ROLES, Setting, charted_session, make_setting

pytestmark = pytest.mark.django_db

# Expected status per role, in the order of factories.ROLES:
# client, other_client, practitioner, manager, other_practitioner, other_manager, staff
CLINIC = [404, 404, 200, 200, 404, 404, 404]
MANAGERS = [404, 404, 404, 200, 404, 404, 404]
CLIENT_AND_CLINIC = [200, 404, 200, 200, 404, 404, 404]
PRACTITIONERS = [404, 404, 200, 403, 404, 404, 404]

PAGES = {
    "chart": (lambda s, t: f"/clinic/clients/{s.client.pk}/", CLINIC),
    "new session": (lambda s, t: f"/clinic/clients/{s.client.pk}/sessions/new/", PRACTITIONERS),
    "session": (lambda s, t: f"/clinic/sessions/{t.pk}/", CLINIC),
    "consent": (lambda s, t: f"/consents/{s.consent.pk}/", CLIENT_AND_CLINIC),
    "consent pdf": (lambda s, t: f"/consents/{s.consent.pk}.pdf", CLIENT_AND_CLINIC),
    "signature": (lambda s, t: f"/consents/{s.consent.pk}/signature.png", CLIENT_AND_CLINIC),
    "signing page": (
        lambda s, t: f"/clinic/appointments/{s.appointment.pk}/consent/photo/",
        CLIENT_AND_CLINIC,
    ),
    "inventory": (lambda s, t: f"/clinic/{s.clinic.pk}/inventory/", MANAGERS),
    "lot": (lambda s, t: f"/clinic/{s.clinic.pk}/lots/{s.lot.pk}/", MANAGERS),
    "lot csv": (lambda s, t: f"/clinic/{s.clinic.pk}/lots/{s.lot.pk}/sessions.csv", MANAGERS),
    "consent forms": (lambda s, t: f"/clinic/{s.clinic.pk}/consent-forms/", MANAGERS),
    "api record": (lambda s, t: f"/api/v1/clinic/clients/{s.client.pk}/record", CLINIC),
    "api session": (lambda s, t: f"/api/v1/clinic/sessions/{t.pk}", CLINIC),
    "api lot sessions": (
        lambda s, t: f"/api/v1/clinic/{s.clinic.pk}/lots/{s.lot.pk}/sessions",
        MANAGERS,
    ),
}


@pytest.fixture
def setting() -> Setting:
    return make_setting()


@pytest.mark.parametrize("page", PAGES)
def test_each_record_page_answers_each_role_as_expected(setting, page) -> None:
    session = charted_session(setting)
    url_of, expected = PAGES[page]
    url = url_of(setting, session)
    got = []
    for role in ROLES:
        user = setting.user(role)
        if url.startswith("/api/"):
            response = Client().get(url, **bearer(user))
        else:
            browser = Client()
            browser.force_login(user)
            response = browser.get(url)
        got.append(response.status_code)
    assert got == expected


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_says_401(setting) -> None:
    session = charted_session(setting)
    for page, (url_of, _) in PAGES.items():
        url = url_of(setting, session)
        response = Client().get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, page
            assert response.json()["error"]["code"] == "unauthenticated"
        else:
            assert response.status_code == 302, page
            assert response["Location"].startswith("/accounts/login/")


def test_another_clinics_practitioner_cannot_write_to_the_record(setting) -> None:
    session = charted_session(setting, signed=False)
    outsider = Client()
    outsider.force_login(setting.other_practitioner)
    for url in (
        f"/clinic/sessions/{session.pk}/sign/",
        f"/clinic/sessions/{session.pk}/amend/",
        f"/clinic/clients/{setting.client.pk}/consent/",
        f"/clinic/clients/{setting.client.pk}/sessions/new/",
    ):
        assert outsider.post(url, {"kind": "treatment", "reason": "x" * 20}).status_code == 404
    api = Client()
    for url in (
        f"/api/v1/clinic/sessions/{session.pk}/sign",
        f"/api/v1/clinic/sessions/{session.pk}/amendments",
    ):
        response = api.post(
            url,
            {"reason": "x" * 20, "changes": {"notes": "y"}},
            content_type="application/json",
            **bearer(setting.other_practitioner),
        )
        assert response.status_code == 404, url
    session.refresh_from_db()
    assert session.signed_at is None
