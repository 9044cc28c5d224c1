"""The questionnaire page: every topic and question rendered from the data, a signed-in client's
answers stored, a visitor's shown and not kept, and each kind of bad answer sent back at its
question with 422 and nothing stored."""

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.questions import QUESTIONS, QUESTIONS_BY_ID, TOPICS

from .builders import quiet_with

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase"


def posted(raw: dict[str, Any]) -> dict[str, Any]:
    """Builder answers as an HTML form posts them: yes/no words, lists as repeated fields."""
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in raw.items()}


def text(response) -> str:  # type: ignore[no-untyped-def]
    """A page's visible text, tags stripped and white space folded, for plain assertions."""
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def client_signed_in(client: Client, email: str = "ada@example.test") -> User:
    user = User.objects.create_user(email, PASSWORD)
    client.force_login(user)
    return user


def checked(response, name: str) -> set[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return set(re.findall(rf'name="{name}" value="([^"]*)" checked', html))


def test_the_page_has_a_fieldset_per_topic_and_every_question(client: Client) -> None:
    response = client.get("/screening/")
    assert response.status_code == 200
    html = response.content.decode()
    topics = re.findall(r'<fieldset class="topic" id="topic-([a-z_]+)"', html)
    assert topics == [t.id for t in TOPICS]
    for question in QUESTIONS:
        assert f'data-question="{question.id}"' in html
        assert unescape(question.text) in unescape(html)
    assert html.count('type="date"') == sum(q.kind == "date" for q in QUESTIONS)
    assert f'max="{timezone.localdate():%Y-%m-%d}"' in html
    # The Fitzpatrick helper: every type's plain description on its topic.
    assert "Always burns in the sun, never tans." in text(response)
    assert 'data-depends-on="isotretinoin" data-depends-value="stopped"' in html
    assert 'data-depends-on="new_scar_in_area" data-depends-value="yes"' in html


def test_a_signed_in_client_s_answers_are_stored_and_the_result_shown(client: Client) -> None:
    user = client_signed_in(client)
    response = client.post("/screening/", posted(quiet_with()))
    record = ScreeningRecord.objects.get()
    assert record.client == user
    assert record.outcome == "proceed"
    assert response.status_code == 302
    assert response["Location"] == f"/me/screenings/{record.pk}/"


def test_the_booking_the_client_came_from_is_carried_to_the_result(client: Client) -> None:
    client_signed_in(client)
    booking = "/practitioners/7/book/?start=2026-12-01T10:00:00+00:00"
    page = client.get(f"/screening/?next={quote(booking)}")
    assert f'name="next" value="{booking}"'.replace("&", "&amp;") in page.content.decode()
    response = client.post("/screening/", {**posted(quiet_with()), "next": booking})
    record = ScreeningRecord.objects.get()
    assert response["Location"] == f"/me/screenings/{record.pk}/?next={quote(booking, safe='')}"
    result = client.get(response["Location"])
    assert "Continue to booking" in text(result)
    assert f'href="{booking}"'.replace("&", "&amp;") in result.content.decode()


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_next_outside_the_site_is_dropped(client: Client, elsewhere: str) -> None:
    page = client.get(f"/screening/?next={quote(elsewhere)}")
    assert 'name="next"' not in page.content.decode()
    client_signed_in(client)
    response = client.post("/screening/", {**posted(quiet_with()), "next": elsewhere})
    assert "next=" not in response["Location"]


def test_a_visitor_sees_the_outcome_and_nothing_is_stored(client: Client) -> None:
    response = client.post("/screening/", posted(quiet_with(blood_thinners=True)))
    assert response.status_code == 200
    assert "See a doctor first" in text(response)
    assert "Keep this result" in text(response)
    assert ScreeningRecord.objects.count() == 0
    assert response["Cache-Control"].startswith("max-age=0")  # health data: never cached


def days_from_today(days: int) -> str:
    return str(timezone.localdate() + timedelta(days=days))


BAD_ANSWERS = {
    "missing_required": (quiet_with(diabetes=None), "diabetes", "Please answer this question."),
    "invalid_choice": (quiet_with(diabetes="maybe"), "diabetes", "'maybe' is not a choice here."),
    "wrong_type": (quiet_with(bleeding_disorder="perhaps"), "bleeding_disorder", "yes or no"),
    "date_in_future": (
        quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=days_from_today(2)),
        "isotretinoin_stopped_on",
        "must not be in the future",
    ),
    "not_a_date": (
        quiet_with(isotretinoin="stopped", isotretinoin_stopped_on="25/11/2026"),
        "isotretinoin_stopped_on",
        "a date as YYYY-MM-DD",
    ),
    "answered_but_not_asked": (
        quiet_with(new_scar_wound_on=days_from_today(-30)),
        "new_scar_wound_on",
        "doesn't apply after your answer to “Is there a scar",
    ),
    "none_with_another": (
        quiet_with(skin_lesions_in_area=["none", "warts"]),
        "skin_lesions_in_area",
        "'None of these' can't be chosen together with another answer.",
    ),
}


@pytest.mark.parametrize("kind", BAD_ANSWERS)
def test_a_bad_answer_comes_back_at_its_question_and_nothing_is_stored(
    client: Client, kind: str
) -> None:
    raw, question_id, message = BAD_ANSWERS[kind]
    client_signed_in(client)
    response = client.post("/screening/", posted(raw))
    assert response.status_code == 422
    assert ScreeningRecord.objects.count() == 0
    html = response.content.decode()
    question = QUESTIONS_BY_ID[question_id]
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    assert question.text in unescape(summary.group(0))
    assert message in unescape(summary.group(0))
    # The summary links to the field, the message stands at the question, its topic opens.
    field_id = re.search(r'href="#([^"]+)"', summary.group(0)).group(1)
    block = re.search(rf'<div class="question has-error" id="q-{question_id}".*?</div>', html, re.S)
    assert block, "the question is not marked"
    assert f'id="{field_id}"' in html
    assert message in unescape(html.split(f'id="q-{question_id}"')[1])
    assert f'data-start-topic="{question.topic}"' in html


def test_a_bad_answer_keeps_every_other_answer(client: Client) -> None:
    raw = quiet_with(diabetes="maybe", concerns=["scars", "wrinkles"], severity_wrinkles="mild")
    response = client.post(
        "/screening/", {**posted(raw), "isotretinoin": "stopped", "isotretinoin_stopped_on": ""}
    )
    assert response.status_code == 422
    assert checked(response, "concerns") == {"scars", "wrinkles"}
    assert checked(response, "severity_wrinkles") == {"mild"}
    assert checked(response, "scar_types") == {"rolling"}
    assert checked(response, "fitzpatrick_type") == {"III"}
    assert checked(response, "bleeding_disorder") == {"no"}
    assert checked(response, "isotretinoin") == {"stopped"}
    # A question that does not apply can be said not to, since a radio cannot be unticked.
    assert checked(response, "severity_acne") == {""}
