"""Grades and ratings through the pages: the practitioner grades a session on the scales that fit
the client's concern, the client rates their own session; off-scale input is refused with the
message on the page and nothing saved; strangers get 404."""

import pytest
from django.test import Client

from needlepoint.clinic.models import ClientRating, OutcomeScore

from .factories import charted_session, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return make_setting()


def test_the_session_page_offers_the_scales_fitting_the_clients_concern(
    client: Client, setting
) -> None:
    session = charted_session(setting)
    client.force_login(setting.practitioner)
    body = client.get(f"/clinic/sessions/{session.pk}/").content.decode()
    # The setting's client screened for rolling acne scars.
    assert 'id="grade-goodman_baron"' in body
    assert 'id="grade-posas_observer"' in body
    assert 'id="grade-gais"' in body
    assert 'id="grade-glogau"' not in body
    assert "Goodman &amp; Baron, Dermatol Surg 2006" in body


def test_a_practitioner_grades_and_corrects_a_session(client: Client, setting) -> None:
    session = charted_session(setting)
    client.force_login(setting.practitioner)
    back = f"/clinic/sessions/{session.pk}/"

    first = client.post(
        f"/clinic/sessions/{session.pk}/grades/",
        {"scale": "goodman_baron", "score": "3", "note": "cheeks", "next": back},
    )
    assert first.status_code == 302
    assert first["Location"] == back
    client.post(f"/clinic/sessions/{session.pk}/grades/", {"scale": "goodman_baron", "score": "2"})

    (score,) = OutcomeScore.objects.all()
    assert (score.scale, score.score, score.assessed_by) == (
        "goodman_baron",
        2,
        setting.practitioner,
    )
    assert score.note.startswith("Corrected from 3 (Pat Here, ")
    assert score.note.endswith("cheeks")
    assert "2 (mild)" in client.get(back).content.decode()


@pytest.mark.parametrize(
    ("scale", "score", "message"),
    [
        (
            "goodman_baron",
            "5",
            "Goodman &amp; Baron qualitative acne-scar grade: 5 is outside the range 1–4.",
        ),
        ("posas_observer", "5", "POSAS observer scale (total): 5 is outside the range 6–60."),
        ("gais", "", "Global Aesthetic Improvement Scale: enter a whole number from 1 to 5."),
        ("ecca", "100", "There is no outcome scale called &#x27;ecca&#x27;."),
    ],
)
def test_an_off_scale_grade_is_refused_on_the_page(
    client: Client, setting, scale, score, message
) -> None:
    session = charted_session(setting)
    client.force_login(setting.practitioner)

    response = client.post(
        f"/clinic/sessions/{session.pk}/grades/", {"scale": scale, "score": score}
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not OutcomeScore.objects.exists()


def test_a_manager_reads_grades_but_does_not_grade(client: Client, setting) -> None:
    session = charted_session(setting)
    client.force_login(setting.manager)
    assert 'name="score"' not in client.get(f"/clinic/sessions/{session.pk}/").content.decode()
    response = client.post(
        f"/clinic/sessions/{session.pk}/grades/", {"scale": "goodman_baron", "score": "2"}
    )
    assert response.status_code == 403
    assert "Only a practitioner of this clinic can grade" in response.content.decode()
    assert not OutcomeScore.objects.exists()


@pytest.mark.parametrize(
    "who", ["other_practitioner", "other_manager", "client", "other_client", "staff"]
)
def test_strangers_cannot_grade(client: Client, setting, who) -> None:
    session = charted_session(setting)
    client.force_login(setting.user(who))
    response = client.post(
        f"/clinic/sessions/{session.pk}/grades/", {"scale": "goodman_baron", "score": "2"}
    )
    assert response.status_code == 404
    assert client.get(f"/clinic/sessions/{session.pk}/follow-up/").status_code == 404
    assert not OutcomeScore.objects.exists()


def test_the_client_rates_their_session_and_may_change_it(client: Client, setting) -> None:
    session = charted_session(setting)
    client.force_login(setting.client)
    url = f"/me/progress/sessions/{session.pk}/rating/"

    assert (
        client.post(
            url, {"improvement": "6", "satisfaction": "4", "comment": "smoother"}
        ).status_code
        == 302
    )
    client.post(url, {"improvement": "7", "satisfaction": "5"})

    rating = ClientRating.objects.get(session=session)
    assert (rating.improvement, rating.satisfaction, rating.comment) == (7, 5, "")


@pytest.mark.parametrize(
    ("improvement", "satisfaction", "message"),
    [
        ("11", "4", "Improvement: 11 is outside the range 0–10."),
        ("five", "4", "Improvement: enter a whole number from 0 to 10."),
        ("5", "0", "Satisfaction: 0 is outside the range 1–5."),
    ],
)
def test_a_rating_off_its_scale_is_refused_on_the_page(
    client: Client, setting, improvement, satisfaction, message
) -> None:
    session = charted_session(setting)
    client.force_login(setting.client)

    response = client.post(
        f"/me/progress/sessions/{session.pk}/rating/",
        {"improvement": improvement, "satisfaction": satisfaction},
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert f'value="{improvement}"' in body  # what they typed stays in the form
    assert not ClientRating.objects.exists()


@pytest.mark.parametrize("who", ["other_client", "practitioner", "manager", "staff"])
def test_nobody_else_rates_the_clients_session(client: Client, setting, who) -> None:
    session = charted_session(setting)
    client.force_login(setting.user(who))
    response = client.post(
        f"/me/progress/sessions/{session.pk}/rating/", {"improvement": "9", "satisfaction": "5"}
    )
    assert response.status_code == 404
    assert not ClientRating.objects.exists()


def test_an_unsigned_session_cannot_be_rated(client: Client, setting) -> None:
    draft = charted_session(setting, signed=False)
    client.force_login(setting.client)
    response = client.post(
        f"/me/progress/sessions/{draft.pk}/rating/", {"improvement": "9", "satisfaction": "5"}
    )
    assert response.status_code == 404
