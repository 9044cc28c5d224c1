"""The outcome page, for a visitor and for a stored screening: the not-a-diagnosis statement and
every fired rule with its sources on every page, a headline and next steps per outcome, the
concern triage with sourced plans, the answers; stored screenings only for their owner."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.screening import rules
from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.questions import validate_answers
from needlepoint.screening.rules import RULESET, Outcome
from needlepoint.screening.wording import NOT_A_DIAGNOSIS, day

from .builders import quiet_with
from .test_pages_questionnaire import client_signed_in, posted, text

pytestmark = pytest.mark.django_db


def ago(days: int) -> str:
    return str(timezone.localdate() - timedelta(days=days))


# One answer set per rule that fires it (with the quiet rest), so every rule's page is seen.
FIRES: dict[str, dict[str, Any]] = {
    "active-infection-in-area": quiet_with(active_infection_in_area=True),
    "cold-sore-history": quiet_with(cold_sore_history=True),
    "active-acne-in-area": quiet_with(active_acne_in_area=True),
    "inflamed-skin-condition-in-area": quiet_with(inflamed_skin_condition_in_area=["eczema"]),
    "skin-lesion-in-area": quiet_with(skin_lesions_in_area=["warts"]),
    "sunburn-in-area": quiet_with(sunburn_in_area=True),
    "keloid-tendency": quiet_with(keloid_tendency=True),
    "bleeding-disorder": quiet_with(bleeding_disorder=True),
    "blood-thinners": quiet_with(blood_thinners=True),
    "uncontrolled-diabetes": quiet_with(diabetes="not_controlled"),
    "immunosuppression": quiet_with(immunosuppressed=True),
    "bloodborne-infection": quiet_with(bloodborne_infection=True),
    "cancer-treatment-or-steroids-now": quiet_with(
        cancer_treatment_or_steroids="current_or_planned"
    ),
    "cancer-treatment-or-steroids-within-12-months": quiet_with(
        cancer_treatment_or_steroids="finished", cancer_treatment_or_steroids_ended_on=ago(40)
    ),
    "isotretinoin-now": quiet_with(isotretinoin="taking"),
    "isotretinoin-within-6-months": quiet_with(
        isotretinoin="stopped", isotretinoin_stopped_on=ago(60)
    ),
    "new-scar-in-area": quiet_with(new_scar_in_area=True, new_scar_wound_on=ago(20)),
    "surgery-in-area": quiet_with(surgery_in_area=True, surgery_in_area_on=ago(90)),
    "filler-in-area": quiet_with(filler_in_area=True, filler_last_on=ago(100)),
    "toxin-in-area": quiet_with(toxin_in_area=True, toxin_last_on=ago(10)),
    "deep-peel-in-area": quiet_with(deep_peel_in_area=True, deep_peel_last_on=ago(5)),
    "pregnancy-or-breastfeeding": quiet_with(pregnant_or_breastfeeding=["breastfeeding"]),
    "anaesthetic-allergy": quiet_with(anaesthetic_allergy=True),
    "metal-allergy": quiet_with(metal_allergy=True),
}
MANY_AT_ONCE = quiet_with(
    active_infection_in_area=True,
    blood_thinners=True,
    isotretinoin="stopped",
    isotretinoin_stopped_on=ago(30),
    metal_allergy=True,
)


def test_every_rule_has_an_answer_set_here() -> None:
    assert set(FIRES) == {rule.id for rule in RULESET.rules}


def evaluated(raw: dict[str, Any]) -> rules.Screening:
    today = timezone.localdate()
    return rules.evaluate(validate_answers(raw, today), today)


def assert_statement_and_every_reason(page: str, screening: rules.Screening) -> None:
    assert NOT_A_DIAGNOSIS in page
    assert screening.fired, "the answers fired nothing"
    for fired in screening.fired:
        assert fired.client_reason in page
        for source in fired.sources:
            assert f"{source.citation} {source.mark.value}" in page
        if fired.defer_until:
            assert f"Treatment can start from {day(fired.defer_until)}" in page
    disagreeing = sum(f.sources_disagree for f in screening.fired)
    assert page.count("Sources disagree; we took the cautious side.") == disagreeing


@pytest.mark.parametrize("rule_id", [*FIRES, "many"])
def test_a_visitor_s_outcome_page_has_the_statement_and_every_reason_with_sources(
    client: Client, rule_id: str
) -> None:
    raw = MANY_AT_ONCE if rule_id == "many" else FIRES[rule_id]
    response = client.post("/screening/", posted(raw))
    assert response.status_code == 200
    screening = evaluated(raw)
    if rule_id != "many":
        assert rule_id in {f.rule_id for f in screening.fired}
    assert_statement_and_every_reason(text(response), screening)


@pytest.mark.parametrize("rule_id", [*FIRES, "many"])
def test_a_stored_outcome_page_has_the_statement_and_every_reason_with_sources(
    client: Client, rule_id: str
) -> None:
    raw = MANY_AT_ONCE if rule_id == "many" else FIRES[rule_id]
    client_signed_in(client)
    response = client.post("/screening/", posted(raw), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith("/me/screenings/")
    assert_statement_and_every_reason(text(response), evaluated(raw))


def test_the_proceed_page_says_go_ahead_and_searches_for_the_concern(client: Client) -> None:
    page = client.post("/screening/", posted(quiet_with()))
    assert "You can go ahead and book micro-needling" in text(page)
    html = page.content.decode()
    assert 'action="/search/"' in html
    assert '<input type="hidden" name="concern" value="scars">' in html
    assert "Find a practitioner" in text(page)
    assert "None of your answers is a reason to wait" in text(page)


def test_the_precautions_page_lists_what_to_tell_the_practitioner(client: Client) -> None:
    page = text(client.post("/screening/", posted(FIRES["metal-allergy"])))
    assert "You can book, with some precautions" in page
    assert "Tell your practitioner about the points below." in page
    assert "Find a practitioner" in page


def test_a_dated_wait_says_from_when_booking_opens(client: Client) -> None:
    raw = FIRES["isotretinoin-within-6-months"]
    until = evaluated(raw).bookable_from
    assert until is not None
    page = text(client.post("/screening/", posted(raw)))
    assert f"Wait until {day(until)}, then you can book" in page
    assert f"You can book from {day(until)}" in page
    assert "Find a practitioner" in page


def test_an_undated_wait_asks_to_take_the_check_again(client: Client) -> None:
    response = client.post("/screening/", posted(FIRES["sunburn-in-area"]))
    assert "Wait for now, then take the check again" in text(response)
    assert 'href="/screening/">Take the check again</a>' in response.content.decode()


def test_a_refer_page_says_see_a_doctor_and_can_be_printed(client: Client) -> None:
    response = client.post("/screening/", posted(FIRES["bleeding-disorder"]))
    assert "See a doctor first" in text(response)
    assert "See your doctor before you book." in text(response)
    assert "data-print" in response.content.decode()
    assert 'action="/search/"' not in response.content.decode()


def test_a_refer_keeps_the_date_a_wait_would_end(client: Client) -> None:
    raw = quiet_with(
        bleeding_disorder=True, isotretinoin="stopped", isotretinoin_stopped_on=ago(30)
    )
    until = evaluated(raw).defer_until
    assert until is not None
    page = text(client.post("/screening/", posted(raw)))
    assert "See a doctor first" in page
    assert f"Even once a doctor agrees, treatment waits until {day(until)}." in page


def test_a_not_suitable_page_suggests_another_area_or_a_new_check(client: Client) -> None:
    page = text(client.post("/screening/", posted(FIRES["skin-lesion-in-area"])))
    assert "Not suitable in that area for now" in page
    assert "treat another area" in page
    assert "Take the check again" in page


def test_headlines_and_next_steps_never_tell_the_client_what_they_have(client: Client) -> None:
    for raw in [quiet_with(), *FIRES.values(), MANY_AT_ONCE]:
        html = client.post("/screening/", posted(raw)).content.decode()
        ours = re.search(r'<h1 id="headline">.*?</section>', html, re.S)
        assert ours
        words = re.sub(r'<p class="statement".*?</p>', "", ours.group(0)).lower()
        assert "you have" not in words
        assert "diagnos" not in words


def test_the_concern_triage_shows_the_plan_with_sources(client: Client) -> None:
    raw = quiet_with(
        concerns=["scars", "enlarged-pores"],
        severity_enlarged_pores="mild",
        scar_types=["rolling", "icepick"],
    )
    response = client.post("/screening/", posted(raw))
    page = text(response)
    assert "Scars: rolling · moderate A good option" in page
    assert "Median 3 sessions (trials used 3–6). Harris, Naidoo & Murrell" in page
    assert "Median 4 weeks between sessions" in page
    assert "1.5–2.0 mm for scars" in page
    assert "Redness and swelling for up to 7 days" in page
    assert "Scars: icepick · moderate A doctor can suggest better options" in page
    assert "Icepick scars respond poorly" in page
    assert "⚠ uncertain No figure found for the number of sessions for enlarged pores." in page
    html = response.content.decode()
    assert 'href="/screening/options/?concern=scars&amp;skin_type=III"' in html
    compare = re.search(r'<a [^>]*id="compare-link"[^>]*>', html)
    assert compare
    # The first concern in the questionnaire's order.
    assert 'href="/screening/options/?concern=enlarged-pores&amp;skin_type=III"' in compare.group(0)


def test_the_answers_are_summarised_as_questions_and_answers(client: Client) -> None:
    raw = quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=ago(60))
    page = text(client.post("/screening/", posted(raw)))
    assert "Which areas would you like treated? Cheeks" in page
    assert "Have you ever taken isotretinoin tablets for acne? Yes, but I have stopped" in page
    stopped = timezone.localdate() - timedelta(days=60)
    assert f"When did you take your last isotretinoin tablet? {day(stopped)}" in page
    assert (
        "Do you take medicine that thins the blood, such as warfarin, heparin or aspirin? No"
        in (page)
    )


def stored(client_user: User, raw: dict[str, Any], on: date) -> ScreeningRecord:
    screening = rules.evaluate(validate_answers(raw, on), on)
    return ScreeningRecord.objects.create(
        client=client_user,
        evaluated_on=on,
        ruleset_version=screening.ruleset_version,
        answers=screening.answers.as_json(),
        outcome=screening.outcome.value,
        result=screening.as_json(),
        defer_until=screening.defer_until,
        bookable_from=screening.bookable_from,
    )


def test_a_stored_screening_shows_as_it_was_evaluated_on_its_day(client: Client) -> None:
    user = client_signed_in(client)
    on = timezone.localdate() - timedelta(days=400)
    raw = quiet_with(isotretinoin="stopped", isotretinoin_stopped_on=str(on - timedelta(days=30)))
    record = stored(user, raw, on)
    page = text(client.get(f"/me/screenings/{record.pk}/"))
    assert record.bookable_from is not None
    assert f"Your suitability check · {day(on)}" in page
    assert f"Wait until {day(record.bookable_from)}, then you can book" in page
    assert "Oral isotretinoin labelling" in page
    assert NOT_A_DIAGNOSIS in page


def test_a_stored_screening_the_questionnaire_can_no_longer_read_still_shows_its_reasons(
    client: Client,
) -> None:
    user = client_signed_in(client)
    record = stored(user, FIRES["blood-thinners"], timezone.localdate())
    ScreeningRecord.objects.filter(pk=record.pk).update(answers={"a_retired_question": True})
    response = client.get(f"/me/screenings/{record.pk}/")
    assert response.status_code == 200
    assert "Because you take a medicine that thins the blood" in text(response)
    assert "Your answers" not in text(response)


def test_a_stored_screening_is_only_its_owner_s(client: Client) -> None:
    owner = User.objects.create_user("owner@example.test", "a long passphrase")
    record = stored(owner, quiet_with(), timezone.localdate())
    assert client.get(f"/me/screenings/{record.pk}/")["Location"].startswith("/accounts/login/")
    client_signed_in(client, "other@example.test")
    assert client.get(f"/me/screenings/{record.pk}/").status_code == 404
    assert client.get("/me/screenings/").content.decode().count("/me/screenings/") == 0
    client.force_login(owner)
    assert client.get(f"/me/screenings/{record.pk}/").status_code == 200


def test_my_screenings_are_listed_newest_first(client: Client) -> None:
    user = client_signed_in(client)
    today = timezone.localdate()
    old = stored(user, FIRES["sunburn-in-area"], today - timedelta(days=20))
    new = stored(user, quiet_with(), today)
    assert client.get("/me/screenings/")  # a page, not a redirect
    page = client.get("/me/screenings/")
    html = page.content.decode()
    assert html.index(f"/me/screenings/{new.pk}/") < html.index(f"/me/screenings/{old.pk}/")
    assert f"{day(today)} You can go ahead and book micro-needling" in text(page)
    assert f"{day(old.evaluated_on)} Wait for now, then take the check again" in text(page)
    assert Outcome(old.outcome) is Outcome.DEFER
    assert client.get("/me/screenings/", follow=False).status_code == 200
