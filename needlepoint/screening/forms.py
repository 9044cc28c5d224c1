"""Forms of the screening pages: the questionnaire as fields to render and a POST read back into
raw answers, the keep-my-result form and the comparison's choices. They parse and explain; the
questionnaire's own check (questions.validate_answers) decides what is a valid answer."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

from needlepoint.directory.concerns import CONCERNS

from .choices import FITZPATRICK_TYPES
from .options import INDICATIVE_COSTS
from .questions import QUESTIONS, QUESTIONS_BY_ID, TOPICS, AnswerError, Kind, Question, Topic
from .wording import MARKETS, Cited, cited

YES_NO_CHOICES = (("yes", "Yes"), ("no", "No"))


def local_path(candidate: str | None, host: str) -> str:
    """`candidate` when it is a path on this site (where to continue after the check), else ""."""
    if not candidate or not candidate.startswith("/"):
        return ""
    return candidate if url_has_allowed_host_and_scheme(candidate, allowed_hosts={host}) else ""


# --- The questionnaire ----------------------------------------------------------------------

RawAnswers = dict[str, Any]


def raw_answers(post: QueryDict) -> RawAnswers:
    """Every question's posted value: a list for a multi-choice, text otherwise. An empty or
    missing field means unanswered (questions not asked are disabled, so never posted)."""
    return {
        q.id: post.getlist(q.id) if q.kind is Kind.MULTI_CHOICE else post.get(q.id, "")
        for q in QUESTIONS
    }


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    help: str
    checked: bool
    input_id: str


@dataclass(frozen=True)
class Field:
    """One question as the page shows it, with what was answered and what was wrong."""

    question: Question
    value: str  # a date's text, a choice's value; "" for multi-choices (see `options`)
    options: tuple[Option, ...]
    error: str
    asked_when: str  # for pages without JavaScript: when to answer a dependent question

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def kind(self) -> str:
        return self.question.kind.value

    @property
    def input_id(self) -> str:
        """What a label's `for` and an error link point at: the field, or its first choice."""
        return self.options[0].input_id if self.options else f"id_{self.id}"

    @property
    def source(self) -> Cited | None:
        return cited([self.question.source])[0] if self.question.source else None

    @property
    def depends_value(self) -> str:
        """The parent answer that makes this question asked, as a form posts it."""
        depends_on = self.question.depends_on
        if depends_on is None:
            return ""
        if isinstance(depends_on.value, bool):
            return "yes" if depends_on.value else "no"
        return depends_on.value


@dataclass(frozen=True)
class Section:
    topic: Topic
    number: int
    fields: tuple[Field, ...]
    has_error: bool


def _asked_when(question: Question) -> str:
    if question.depends_on is None:
        return ""
    parent = QUESTIONS_BY_ID[question.depends_on.question]
    wanted = question.depends_on.value
    if isinstance(wanted, bool):
        label = "Yes" if wanted else "No"
    else:
        label = next(c.label for c in parent.choices if c.value == wanted)
    verb = "chose" if parent.kind is Kind.MULTI_CHOICE else "answered"
    return f"Only if you {verb} “{label}” for “{parent.text}”."


def _options(question: Question, given: Any) -> tuple[Option, ...]:
    if question.kind is Kind.DATE:
        return ()
    pairs = (
        [(v, label, "") for v, label in YES_NO_CHOICES]
        if question.kind is Kind.YES_NO
        else [(c.value, c.label, c.help) for c in question.choices]
    )
    chosen = set(given) if isinstance(given, list | tuple | set | frozenset) else {given}
    if question.kind is not Kind.MULTI_CHOICE and question.depends_on is not None:
        # A radio cannot be unticked: a question that may not apply gets a way to say so
        # (pages with JavaScript drop it and hide the question instead).
        pairs.insert(0, ("", "Doesn't apply to me", ""))
        chosen = chosen or {""}
    return tuple(
        Option(value, label, help, value in chosen, f"id_{question.id}_{n}")
        for n, (value, label, help) in enumerate(pairs)
    )


def _shown(value: Any) -> Any:
    """A raw answer as the form posts it (stored and JSON answers hold booleans)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return value


def page_message(error: AnswerError) -> str:
    """The error as the page shows it at its question; the API's text names ids, not words."""
    question = QUESTIONS_BY_ID.get(error.question_id)
    if error.code == "contradiction" and question and question.depends_on:
        parent = QUESTIONS_BY_ID[question.depends_on.question]
        return (
            f"This question doesn't apply after your answer to “{parent.text}”: clear this "
            "answer, or change that one."
        )
    return error.message


def questionnaire(
    raw: Mapping[str, Any] | None = None, error: AnswerError | None = None
) -> list[Section]:
    """The topics in order, each with its questions, the answers given and the one error."""
    raw = raw or {}
    message = page_message(error) if error else ""
    sections = []
    for number, topic in enumerate(TOPICS, start=1):
        fields = tuple(
            Field(
                question=q,
                value=str(_shown(raw.get(q.id)) or "") if q.kind is not Kind.MULTI_CHOICE else "",
                options=_options(q, _shown(raw.get(q.id))),
                error=message if error and error.question_id == q.id else "",
                asked_when=_asked_when(q),
            )
            for q in QUESTIONS
            if q.topic == topic.id
        )
        sections.append(Section(topic, number, fields, any(f.error for f in fields)))
    return sections


# --- Keeping an anonymous result --------------------------------------------------------------


class KeepForm(forms.Form):
    """Sign in, or create an account, to keep the result just seen (the answers travel beside
    it as JSON, see `posted_answers`)."""

    account = forms.ChoiceField(
        choices=[("new", "Create an account"), ("existing", "I already have an account")],
        error_messages={"required": "Choose whether to create an account or sign in."},
    )
    full_name = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(max_length=254, error_messages={"required": "Enter your email."})
    password = forms.CharField(strip=False, error_messages={"required": "Enter a password."})


# Not a question's error: the page shows it in the summary above the questionnaire.
UNREADABLE = AnswerError(
    "", "unreadable", "We could not read the answers you sent: please take the check again."
)


def posted_answers(post: QueryDict) -> dict[str, Any] | None:
    """The answers an outcome page carried in its keep form, or None if they are not JSON."""
    try:
        answers = json.loads(post.get("answers", ""))
    except ValueError:
        return None
    return answers if isinstance(answers, dict) else None


# --- The comparison of options --------------------------------------------------------------


class ComparisonForm(forms.Form):
    """The comparison page's three choices; a bad value is named at its field."""

    concern = forms.ChoiceField(
        choices=CONCERNS,
        error_messages={"invalid_choice": "Choose one of the listed concerns."},
        label="Concern",
    )
    skin_type = forms.ChoiceField(
        choices=[(c.value, f"{c.label}: {c.help}") for c in FITZPATRICK_TYPES],
        error_messages={"invalid_choice": "Choose a skin type from I to VI."},
        label="Skin type (Fitzpatrick)",
    )
    market = forms.ChoiceField(
        choices=[(m, MARKETS.get(m, m)) for m in INDICATIVE_COSTS],
        initial="US",
        required=False,
        error_messages={
            "invalid_choice": "We have indicative prices for: " + ", ".join(INDICATIVE_COSTS) + "."
        },
        label="Prices for",
    )

    def clean_market(self) -> str:
        return self.cleaned_data.get("market") or "US"
