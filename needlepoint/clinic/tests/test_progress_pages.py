"""The progress chart on the client's own page and on the chart: the client's signed sessions
only, their grades and ratings drawn and tabled, each viewer seeing only what is theirs."""

import pytest
from django.test import Client

from needlepoint.clinic.followup_services import on_session_signed
from needlepoint.clinic.models import ClientRating, OutcomeScore

from .factories import charted_session, make_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return make_setting()


def graded_course(setting):
    """Three signed sessions a month apart, graded 3 → 2 → 2 and rated 4 → 7, and a draft."""
    sessions = [charted_session(setting, days_ago=days) for days in (60, 30, 1)]
    for session, grade in zip(sessions, (3, 2, 2), strict=True):
        OutcomeScore.objects.create(
            session=session, scale="goodman_baron", score=grade, assessed_by=setting.practitioner
        )
    ClientRating.objects.create(session=sessions[0], improvement=4, satisfaction=3)
    ClientRating.objects.create(session=sessions[1], improvement=7, satisfaction=5)
    charted_session(setting, signed=False)
    return sessions


def test_the_client_sees_their_progress_chart(client: Client, setting) -> None:
    sessions = graded_course(setting)
    client.force_login(setting.client)

    response = client.get("/me/progress/")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="progress-svg"') == 2  # Goodman & Baron, and their own rating
    assert "Grade 1–4 · lower is better ↓" in body
    assert "Rating 0–10 · higher is better ↑" in body
    assert "Your own rating of improvement" in body
    assert "Session 1" in body
    assert "Session 3" in body
    assert "Session 4" not in body  # the unsigned draft is not theirs to see yet
    assert "3 (moderate)" in body
    assert "2 (mild)" in body
    for session in sessions:
        assert f'id="session-{session.pk}"' in body
    assert f'action="/me/progress/sessions/{sessions[2].pk}/rating/"' in body


def test_a_client_without_sessions_is_told_what_will_show(client: Client, setting) -> None:
    client.force_login(setting.other_client)
    body = client.get("/me/progress/").content.decode()
    assert "No signed treatment session yet." in body
    assert "progress-svg" not in body


def test_another_clients_sessions_never_show(client: Client, setting) -> None:
    graded_course(setting)
    client.force_login(setting.other_client)
    body = client.get("/me/progress/").content.decode()
    assert "3 (moderate)" not in body
    assert "progress-svg" not in body


def test_the_chart_page_draws_the_course_for_the_clinic(client: Client, setting) -> None:
    graded_course(setting)
    client.force_login(setting.practitioner)

    body = client.get(f"/clinic/clients/{setting.client.pk}/").content.decode()

    assert 'id="progress-goodman_baron"' in body
    assert 'id="progress-client-rating"' in body
    assert "The client&#x27;s own rating of improvement" in body
    assert "4/10 better · 3/5 happy" in body
    assert "draft" in body  # the clinic sees its own unsigned session in the list


def test_the_chart_of_another_clinic_shows_nothing_of_this_course(client: Client, setting) -> None:
    graded_course(setting)
    client.force_login(setting.other_practitioner)
    assert client.get(f"/clinic/clients/{setting.client.pk}/").status_code == 404


def test_open_check_ins_are_offered_on_the_progress_page(client: Client, setting) -> None:
    session = charted_session(setting, days_ago=3)
    on_session_signed(session)  # the database backend only queues the sends here
    client.force_login(setting.client)
    body = client.get("/me/progress/").content.decode()
    assert "Day-3 check-in after your session" in body
    assert "Day-1 check-in" not in body  # superseded by day 3
