"""The suitability questionnaire as data, and the check that turns raw answers into typed ones."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from needlepoint.directory.concerns import CONCERNS
from needlepoint.errors import ApiError
from needlepoint.screening.choices import (
    AREAS,
    FITZPATRICK_TYPES,
    GOODMAN_BARON,
    NONE,
    SCAR_SEVERITIES,
    SCAR_TYPES,
    SEVERITIES,
    Choice,
)
from needlepoint.screening.sources import Reliability, Source, jsonable


class Kind(StrEnum):
    YES_NO = "yes_no"
    DATE = "date"  # always the date something happened, so never after today
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"


AnswerValue = bool | str | date | frozenset[str]


@dataclass(frozen=True)
class DependsOn:
    """The question is asked only when `question` was answered `value` (or, for a
    multi-choice, when `value` is among its answers)."""

    question: str
    value: bool | str

    def holds(self, answer: AnswerValue | None) -> bool:
        if isinstance(answer, frozenset):
            return self.value in answer
        return answer is not None and answer == self.value


@dataclass(frozen=True)
class Topic:
    id: str
    title: str  # one topic per screen on a phone


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    kind: Kind
    text: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    required: bool = True  # when asked at all, i.e. when `depends_on` holds
    depends_on: DependsOn | None = None
    source: Source | None = None  # where a help text carries a clinical scale, its origin


class AnswerError(ApiError):
    """Bad input for one question: the API answers 422 with `field` set to the question id."""

    def __init__(self, question_id: str, code: str, message: str) -> None:
        super().__init__(422, code, message, question_id)
        self.question_id = question_id


@dataclass(frozen=True)
class Answers:
    """Typed answers to the questions that were asked; questions not asked are absent."""

    values: Mapping[str, AnswerValue]

    def __post_init__(self) -> None:
        # A stored screening keeps its answers unchanged, so nobody may edit them in place.
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def get(self, question_id: str) -> AnswerValue | None:
        return self.values.get(question_id)

    def as_json(self) -> dict[str, Any]:
        return {qid: jsonable(self.values[qid]) for qid in sorted(self.values)}


def _yes_no(
    qid: str, topic: str, text: str, help: str = "", depends_on: DependsOn | None = None
) -> Question:
    return Question(qid, topic, Kind.YES_NO, text, help, depends_on=depends_on)


def _when_yes(parent: str, qid: str, topic: str, text: str, help: str = "") -> Question:
    return Question(qid, topic, Kind.DATE, text, help, depends_on=DependsOn(parent, True))


_UNSURE_OF_DAY = (
    "If you don't know the exact day, give the last day of the month: a few days' extra wait "
    "is safer than too short a wait."
)
_IN_AREA = "in or next to any area you want treated"

TOPICS: tuple[Topic, ...] = (
    Topic("concerns", "What would you like to improve?"),
    Topic("areas", "Where?"),
    Topic("skin_type", "Your skin type"),
    Topic("skin_today", "Your skin in that area today"),
    Topic("healing", "Scars, operations and healing"),
    Topic("cosmetic_treatments", "Other cosmetic treatments"),
    Topic("bleeding", "Bleeding and blood thinners"),
    Topic("health", "Your health"),
    Topic("medicines", "Medicines and treatments"),
    Topic("allergies", "Allergies"),
)


def _severity(slug: str, label: str) -> Question:
    scars = slug == "scars"
    return Question(
        f"severity_{slug.replace('-', '_')}",
        "concerns",
        Kind.CHOICE,
        f"{label}: how noticeable?",
        choices=SCAR_SEVERITIES if scars else SEVERITIES,
        depends_on=DependsOn("concerns", slug),
        source=GOODMAN_BARON if scars else None,
    )


QUESTIONS: tuple[Question, ...] = (
    Question(
        "concerns",
        "concerns",
        Kind.MULTI_CHOICE,
        "What would you like micro-needling to help with?",
        "Choose all that apply. Marks left by acne are scars.",
        choices=tuple(Choice(slug, label) for slug, label in CONCERNS),
    ),
    *(_severity(slug, label) for slug, label in CONCERNS),
    Question(
        "scar_types",
        "concerns",
        Kind.MULTI_CHOICE,
        "What do your scars look like?",
        "Choose all that you see; many people have more than one kind.",
        choices=SCAR_TYPES,
        depends_on=DependsOn("concerns", "scars"),
        source=Source(
            "Jacob et al., acne scar classification, J Am Acad Dermatol 2001;45:109–17",
            Reliability.PR,
        ),
    ),
    Question(
        "treatment_areas",
        "areas",
        Kind.MULTI_CHOICE,
        "Which areas would you like treated?",
        "Choose all that apply. The next questions are about these areas.",
        choices=AREAS,
    ),
    Question(
        "fitzpatrick_type",
        "skin_type",
        Kind.CHOICE,
        "Which best describes your skin when it's not tanned?",
        "This is the Fitzpatrick scale. It changes how some alternatives compare, because some "
        "treatments mark darker skin more often. If you're between two, choose the darker one.",
        choices=FITZPATRICK_TYPES,
        source=Source(
            "Fitzpatrick, sun-reactive skin types I–VI, Arch Dermatol 1988;124:869–71",
            Reliability.PR,
        ),
    ),
    _yes_no(
        "active_infection_in_area",
        "skin_today",
        f"Do you have an infection {_IN_AREA} right now?",
        "For example a cold sore, infected spots, impetigo or a fungal rash.",
    ),
    _yes_no(
        "cold_sore_history",
        "skin_today",
        "Have you ever had cold sores (the herpes simplex virus) on or near an area you want "
        "treated?",
    ),
    _yes_no(
        "active_acne_in_area",
        "skin_today",
        f"Do you have inflamed acne (red or pus-filled spots) {_IN_AREA} right now?",
    ),
    Question(
        "inflamed_skin_condition_in_area",
        "skin_today",
        Kind.MULTI_CHOICE,
        f"Is any of these active {_IN_AREA} right now?",
        choices=(
            Choice("eczema", "Eczema"),
            Choice("psoriasis", "Psoriasis"),
            Choice("rosacea", "Rosacea"),
            Choice("other_rash", "Another rash"),
            Choice(NONE, "None of these"),
        ),
    ),
    _yes_no(
        "sunburn_in_area",
        "skin_today",
        f"Is the skin {_IN_AREA} sunburnt, or still red or peeling from the sun?",
    ),
    Question(
        "skin_lesions_in_area",
        "skin_today",
        Kind.MULTI_CHOICE,
        f"Do you have any of these {_IN_AREA}?",
        choices=(
            Choice("skin_cancer", "Skin cancer"),
            Choice("solar_keratoses", "Rough, scaly patches from sun damage (solar keratoses)"),
            Choice("warts", "Warts"),
            Choice("raised_moles", "Raised moles"),
            Choice(NONE, "None of these"),
        ),
    ),
    _yes_no(
        "keloid_tendency",
        "healing",
        "Have any of your scars become raised, thick or lumpy, or grown beyond the wound "
        "(keloid or hypertrophic scars)?",
    ),
    _yes_no(
        "new_scar_in_area",
        "healing",
        f"Is there a scar {_IN_AREA} from a cut, burn, injury or operation? Acne scars don't "
        "count here.",
    ),
    _when_yes(
        "new_scar_in_area",
        "new_scar_wound_on",
        "healing",
        "When did that injury happen? If there are several, the most recent.",
        _UNSURE_OF_DAY,
    ),
    _yes_no(
        "surgery_in_area",
        "healing",
        f"Have you had an operation, including cosmetic or plastic surgery, {_IN_AREA}?",
    ),
    _when_yes(
        "surgery_in_area",
        "surgery_in_area_on",
        "healing",
        "When was the most recent operation there?",
        _UNSURE_OF_DAY,
    ),
    _yes_no("filler_in_area", "cosmetic_treatments", f"Have you had dermal filler {_IN_AREA}?"),
    _when_yes(
        "filler_in_area",
        "filler_last_on",
        "cosmetic_treatments",
        "When was your most recent filler treatment there?",
        _UNSURE_OF_DAY,
    ),
    _yes_no(
        "toxin_in_area",
        "cosmetic_treatments",
        f"Have you had anti-wrinkle injections (botulinum toxin, such as Botox) {_IN_AREA}?",
    ),
    _when_yes(
        "toxin_in_area",
        "toxin_last_on",
        "cosmetic_treatments",
        "When were your most recent injections there?",
        _UNSURE_OF_DAY,
    ),
    _yes_no(
        "deep_peel_in_area",
        "cosmetic_treatments",
        f"Have you had a deep chemical peel {_IN_AREA}?",
        "Not a light 'lunchtime' peel. If you don't know how deep it was, answer yes.",
    ),
    _when_yes(
        "deep_peel_in_area",
        "deep_peel_last_on",
        "cosmetic_treatments",
        "When was the most recent deep peel there?",
        _UNSURE_OF_DAY,
    ),
    _yes_no(
        "bleeding_disorder",
        "bleeding",
        "Do you have a bleeding disorder, or do you bleed or bruise very easily?",
        "For example haemophilia or von Willebrand disease.",
    ),
    _yes_no(
        "blood_thinners",
        "bleeding",
        "Do you take medicine that thins the blood, such as warfarin, heparin or aspirin?",
        "Never stop a prescribed medicine to have this treatment: talk to your doctor.",
    ),
    _yes_no(
        "immunosuppressed",
        "health",
        "Is your immune system weakened by an illness or by medicine?",
        "For example after an organ transplant, or medicines that damp down the immune system.",
    ),
    _yes_no(
        "bloodborne_infection",
        "health",
        "Do you have hepatitis B, hepatitis C or HIV?",
        "Your answer is only seen by you and the practitioner you book with.",
    ),
    Question(
        "diabetes",
        "health",
        Kind.CHOICE,
        "Do you have diabetes?",
        choices=(
            Choice("no", "No"),
            Choice("controlled", "Yes, and my doctor says it is well controlled"),
            Choice("not_controlled", "Yes, and it is not well controlled"),
            Choice("not_sure", "Yes, and I'm not sure how well controlled it is"),
        ),
    ),
    Question(
        "pregnant_or_breastfeeding",
        "health",
        Kind.MULTI_CHOICE,
        "Are you pregnant or breastfeeding?",
        choices=(
            Choice("pregnant", "Pregnant, or might be"),
            Choice("breastfeeding", "Breastfeeding"),
            Choice(NONE, "Neither"),
        ),
    ),
    Question(
        "isotretinoin",
        "medicines",
        Kind.CHOICE,
        "Have you ever taken isotretinoin tablets for acne?",
        "Brand names include Roaccutane, Accutane, Absorica and Claravis.",
        choices=(
            Choice("no", "No"),
            Choice("taking", "Yes, I take it now"),
            Choice("stopped", "Yes, but I have stopped"),
        ),
    ),
    Question(
        "isotretinoin_stopped_on",
        "medicines",
        Kind.DATE,
        "When did you take your last isotretinoin tablet?",
        _UNSURE_OF_DAY,
        depends_on=DependsOn("isotretinoin", "stopped"),
    ),
    Question(
        "cancer_treatment_or_steroids",
        "medicines",
        Kind.CHOICE,
        "Have you had chemotherapy, radiotherapy or high-dose steroid tablets or injections?",
        "Steroid creams and inhalers don't count here.",
        choices=(
            Choice("no", "No"),
            Choice("current_or_planned", "Yes, now, or it is planned"),
            Choice("finished", "Yes, and it has finished"),
        ),
    ),
    Question(
        "cancer_treatment_or_steroids_ended_on",
        "medicines",
        Kind.DATE,
        "When was your last treatment or dose?",
        _UNSURE_OF_DAY,
        depends_on=DependsOn("cancer_treatment_or_steroids", "finished"),
    ),
    _yes_no(
        "anaesthetic_allergy",
        "allergies",
        "Have you ever reacted badly to a numbing cream or local anaesthetic?",
    ),
    _yes_no(
        "metal_allergy",
        "allergies",
        "Are you allergic to any metal, such as nickel in jewellery?",
    ),
)

QUESTIONS_BY_ID: Mapping[str, Question] = MappingProxyType({q.id: q for q in QUESTIONS})

_YES_NO_WORDS = {"yes": True, "no": False}  # what an HTML form posts


def validate_answers(raw: Mapping[str, object], today: date) -> Answers:
    """Typed answers, or AnswerError naming the first question that is wrong.

    None, "" and [] count as unanswered, so a form may send every field. Questions are checked
    in questionnaire order, so a question is checked after the one it depends on."""
    for key in sorted(raw):
        if key not in QUESTIONS_BY_ID:
            raise AnswerError(key, "unknown_question", f"There is no question {key!r}.")
    values: dict[str, AnswerValue] = {}
    for question in QUESTIONS:
        given = raw.get(question.id)
        if isinstance(given, str | list | tuple | set | frozenset) and not given:
            given = None  # what a form sends for an unanswered field
        asked = question.depends_on is None or question.depends_on.holds(
            values.get(question.depends_on.question)
        )
        if given is None:
            if asked and question.required:
                raise AnswerError(question.id, "missing_required", "Please answer this question.")
            continue
        if not asked:
            parent = question.depends_on.question if question.depends_on else ""
            raise AnswerError(
                question.id,
                "contradiction",
                f"This doesn't apply after your answer to {parent!r}: remove it or change that "
                "answer.",
            )
        values[question.id] = _parse(question, given, today)
    return Answers(values)


def _parse(question: Question, given: object, today: date) -> AnswerValue:
    def wrong_type(expected: str) -> AnswerError:
        return AnswerError(question.id, "wrong_type", f"Expected {expected}.")

    def check_choice(value: object) -> str:
        if not isinstance(value, str):
            raise wrong_type("one of the listed choices")
        if value not in {c.value for c in question.choices}:
            raise AnswerError(question.id, "invalid_choice", f"{value!r} is not a choice here.")
        return value

    match question.kind:
        case Kind.YES_NO:
            if isinstance(given, bool):
                return given
            if isinstance(given, str) and given in _YES_NO_WORDS:
                return _YES_NO_WORDS[given]
            raise wrong_type("yes or no")
        case Kind.CHOICE:
            return check_choice(given)
        case Kind.MULTI_CHOICE:
            if not isinstance(given, list | tuple | set | frozenset):
                raise wrong_type("a list of choices")
            chosen = frozenset(check_choice(value) for value in given)
            if NONE in chosen and len(chosen) > 1:
                raise AnswerError(
                    question.id,
                    "contradiction",
                    "'None of these' can't be chosen together with another answer.",
                )
            return chosen
        case Kind.DATE:
            return _parse_date(question, given, today, wrong_type("a date as YYYY-MM-DD"))


def _parse_date(question: Question, given: object, today: date, error: AnswerError) -> date:
    # A datetime is a date too, but which day it means depends on a time zone we don't have.
    if isinstance(given, date) and not isinstance(given, datetime):
        day = given
    elif isinstance(given, str) and len(given) == 10:
        try:
            day = date.fromisoformat(given)
        except ValueError:
            raise error from None
    else:
        raise error
    if day > today:
        raise AnswerError(question.id, "date_in_future", "This date must not be in the future.")
    return day
