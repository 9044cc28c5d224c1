"""The suitability questionnaire as a FHIR R4 Questionnaire, and a stored screening's answers as
the QuestionnaireResponse that answers it. Built from screening/questions.py, no queries: the
questions are data, so the FHIR form can never drift from the one people fill in.

One group per topic (a screen on a phone); a follow-up question carries `enableWhen` on the
question it depends on, which may sit in another group (linkIds are unique in the whole form).
Choices are codings without a system: their codes are this questionnaire's own, and inventing a
code-system URL would promise a CodeSystem resource that does not exist."""

import datetime as dt
from typing import Any

from needlepoint.screening.models import ScreeningRecord
from needlepoint.screening.questions import QUESTIONS, TOPICS, Kind, Question

Resource = dict[str, Any]

QUESTIONNAIRE_ID = "suitability"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
ITEM_TYPES = {
    Kind.YES_NO: "boolean",
    Kind.DATE: "date",
    Kind.CHOICE: "choice",
    Kind.MULTI_CHOICE: "choice",
}


def group_link_id(topic_id: str) -> str:
    """A topic's group: its own linkId, since a topic and a question may share a name
    ("concerns") and linkIds must be unique in the whole form."""
    return f"topic-{topic_id}"


def questionnaire_url(base: str) -> str:
    """The canonical URL, which is also where the Questionnaire is read."""
    return f"{base}/Questionnaire/{QUESTIONNAIRE_ID}"


def _enable_when(question: Question) -> list[dict[str, Any]]:
    if question.depends_on is None:
        return []
    value = question.depends_on.value
    answer: dict[str, Any] = (
        {"answerBoolean": value} if isinstance(value, bool) else {"answerCoding": {"code": value}}
    )
    # On a repeating (multi-choice) item, "=" holds when any of its answers is equal.
    return [{"question": question.depends_on.question, "operator": "=", **answer}]


def _help_item(question: Question) -> dict[str, Any]:
    return {
        "linkId": f"{question.id}.help",
        "type": "display",
        "text": question.help,
        "extension": [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help"}]
                },
            }
        ],
    }


def _question_item(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": question.text,
        "type": ITEM_TYPES[question.kind],
        "required": question.required,
    }
    if question.kind == Kind.MULTI_CHOICE:
        item["repeats"] = True
    if question.choices:
        item["answerOption"] = [
            {"valueCoding": {"code": choice.value, "display": choice.label}}
            for choice in question.choices
        ]
    enable_when = _enable_when(question)
    if enable_when:
        item["enableWhen"] = enable_when
    if question.help:
        item["item"] = [_help_item(question)]
    return item


def questionnaire(base: str) -> Resource:
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(base),
        "name": "NeedlepointSuitability",
        "title": "Is micro-needling right for me? (suitability questionnaire)",
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "Needlepoint",
        "description": (
            "The questions a client answers before booking micro-needling. The answers are "
            "evaluated by Needlepoint's screening rules; the outcome is not part of this form."
        ),
        "item": [
            {
                "linkId": group_link_id(topic.id),
                "type": "group",
                "text": topic.title,
                "item": [_question_item(q) for q in QUESTIONS if q.topic == topic.id],
            }
            for topic in TOPICS
        ],
    }


def _answers(question: Question, stored: Any) -> list[dict[str, Any]]:
    """A stored answer (as screening/sources.jsonable wrote it) as FHIR answers. A value the
    current form does not list (an older form's choice) is kept as a string, not dropped."""
    labels = {c.value: c.label for c in question.choices}

    def one(value: Any) -> dict[str, Any]:
        if question.kind == Kind.YES_NO and isinstance(value, bool):
            return {"valueBoolean": value}
        if question.kind == Kind.DATE and isinstance(value, str):
            try:
                return {"valueDate": dt.date.fromisoformat(value).isoformat()}
            except ValueError:
                return {"valueString": value}
        if isinstance(value, str) and value in labels:
            return {"valueCoding": {"code": value, "display": labels[value]}}
        return {"valueString": str(value)}

    values = stored if isinstance(stored, list) else [stored]
    return [one(v) for v in values]


def response_items(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Answered questions in the form's groups and order. Answers to questions the form no
    longer has cannot be placed in it; the JSON export keeps them (see the report)."""
    groups = []
    for topic in TOPICS:
        items = [
            {"linkId": q.id, "text": q.text, "answer": _answers(q, answers[q.id])}
            for q in QUESTIONS
            if q.topic == topic.id and q.id in answers and answers[q.id] not in (None, [], "")
        ]
        if items:
            groups.append({"linkId": group_link_id(topic.id), "text": topic.title, "item": items})
    return groups


def questionnaire_response(
    record: ScreeningRecord, *, base: str, patient: dict[str, str], last_updated: str
) -> Resource:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(record.pk),
        "meta": {"lastUpdated": last_updated},
        "questionnaire": questionnaire_url(base),
        "status": "completed",
        "subject": patient,
        "author": patient,
        "source": patient,
        "authored": last_updated,
        "item": response_items(record.answers if isinstance(record.answers, dict) else {}),
    }
