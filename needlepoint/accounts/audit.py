"""The audit trail's recorder: who read or wrote which health data, when, how and from where."""

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse

from needlepoint import security

from .models import AuditEvent, User

READ = AuditEvent.Action.READ
CREATE = AuditEvent.Action.CREATE
UPDATE = AuditEvent.Action.UPDATE
DELETE = AuditEvent.Action.DELETE
EXPORT = AuditEvent.Action.EXPORT
GRANT = AuditEvent.Action.GRANT


@dataclass
class _Current:
    request: HttpRequest
    reads: set[tuple[str, str, int | None]] = field(default_factory=set)


_current: ContextVar[_Current | None] = ContextVar("audit_request", default=None)


class AuditMiddleware:
    """Keeps the request in a context variable, so that access functions deep down can say
    through which route, from which address and as whom health data was reached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(_Current(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def is_safe_request() -> bool:
    """True inside a GET or HEAD request: what a read-only grant of access may do."""
    current = _current.get()
    return current is not None and current.request.method in ("GET", "HEAD")


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or X-Forwarded-For's entry added by our own proxies when settings say there
    are some (the same rule as the rate limits); None for anything that is not an address."""
    try:
        return str(ipaddress.ip_address(security.client_ip(request)))
    except ValueError:
        return None


def _route(request: HttpRequest) -> str:
    match = request.resolver_match
    return (match.view_name if match and match.url_name else request.path)[:200]


def _acting_user(request: HttpRequest | None) -> User | None:
    if request is None:
        return None
    for candidate in (getattr(request, "auth", None), getattr(request, "user", None)):
        if isinstance(candidate, User):
            return candidate
    return None


def record(
    action: str,
    obj_type: str,
    obj_id: object,
    *,
    client_id: int | None,
    clinic_id: int | None,
    user: User | None = None,
) -> AuditEvent | None:
    """Writes one event with the current request's route, method and address. A read of the
    same object for the same clinic is written once per request; every write is written.
    Runs in the caller's transaction: a write rolled back leaves no event behind."""
    current = _current.get()
    request = current.request if current else None
    if current is not None and action == READ:
        key = (obj_type, str(obj_id), clinic_id)
        if key in current.reads:
            return None
        current.reads.add(key)
    user = user if user is not None else _acting_user(request)
    actor = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        user=actor,
        actor=actor.email if actor else "",
        role=actor.role if actor else "",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        client_id=client_id,
        clinic_id=clinic_id,
        route=_route(request) if request else "",
        method=(request.method or "")[:10] if request else "",
        ip_address=client_ip(request) if request else None,
    )
