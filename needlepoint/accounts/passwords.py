"""Password validators beyond Django's: breached passwords dressed up with digits, symbols or
look-alike characters, checked offline."""

import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

_LOOK_ALIKES = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
_AFFIX = re.compile(r"^[\d\W_]+|[\d\W_]+$")
_SHORTEST_CORE = 4


def variants(password: str) -> set[str]:
    """The forms a breached password is usually disguised in, undone: lower case, digits and
    symbols stripped from either end ("Sunshine2024!"), look-alike characters ("p@ssw0rd"),
    and a word typed twice."""
    found = {password.lower()}
    for undo in (_strip_affixes, _undo_look_alikes, _strip_affixes):
        found |= {undone for form in found if len(undone := undo(form)) >= _SHORTEST_CORE}
    for form in list(found):
        half, rest = divmod(len(form), 2)
        if not rest and half >= _SHORTEST_CORE and form[:half] == form[half:]:
            found.add(form[:half])
    return found


def _strip_affixes(form: str) -> str:
    return _AFFIX.sub("", form)


def _undo_look_alikes(form: str) -> str:
    return form.translate(_LOOK_ALIKES)


class BreachedPasswordValidator:
    """Refuses a password that is, or is a disguised form of, one of the passwords most often
    seen in public data breaches. The list is Django's offline copy (20,000 passwords from
    breach corpora); nothing is sent over the network, so a password found only in newer or
    rarer breaches is not caught."""

    def __init__(self) -> None:
        self.breached: set[str] = CommonPasswordValidator().passwords

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower() in self.breached:
            return  # Django's CommonPasswordValidator says so already, in its own words
        if variants(password) & self.breached:
            raise ValidationError(
                "This password is a common breached password with a few characters changed "
                "or added; attackers try those first. Choose something less predictable, "
                "e.g. three or four unrelated words.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return (
            "Your password can't be one of the 20,000 passwords most often seen in data "
            "breaches, nor one of them with digits, symbols or look-alike characters added "
            "(checked on our server against an offline list; your password is sent nowhere)."
        )
