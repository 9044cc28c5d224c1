"""The vocabulary of the authorization matrix: the expected outcome of each role, and what a
page or an operation declares. Apps to the right declare their own rows with it (see
`declared_pages`)."""

from collections.abc import Callable
from dataclasses import dataclass

from .matrix_cast import ROLES, Cast

LOGIN = "login"  # 302 to the sign-in page, with ?next=
MOVED = "302"  # 302 anywhere else: a write done, or a step of a flow
Outcome = int | str
Row = tuple[Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]


def row(*outcomes: Outcome) -> Row:
    assert len(outcomes) == len(ROLES)
    return outcomes  # type: ignore[return-value]


def every(outcome: Outcome) -> Row:
    return row(*[outcome] * len(ROLES))


@dataclass(frozen=True)
class Page:
    url: Callable[[Cast], str]
    get: Row
    post: Row  # an empty form, unless `data`
    data: dict[str, str] | None = None


@dataclass(frozen=True)
class Operation:
    url: Callable[[Cast], str]
    expected: Row
    body: Callable[[Cast], object] | None = None  # JSON for writes; `{}` when None


# Order of every row: anonymous, client_a, client_b, practitioner_x, practitioner_y,
# manager_x, staff.

# Rows used often.
PUBLIC = every(200)
SIGNED_IN = row(LOGIN, 200, 200, 200, 200, 200, 200)
CLIENT_ONLY = row(LOGIN, 200, 404, 404, 404, 404, 404)
CLINIC_X = row(LOGIN, 404, 404, 200, 404, 200, 404)  # the client's clinic team
CLIENT_AND_CLINIC_X = row(LOGIN, 200, 404, 200, 404, 200, 404)
MANAGER_X = row(LOGIN, 404, 404, 404, 404, 200, 404)
POST_ONLY = row(LOGIN, 405, 405, 405, 405, 405, 405)  # sign-in first, then "POST only"
NOT_ALLOWED = every(405)
API_SIGNED_IN = row(401, 200, 200, 200, 200, 200, 200)
