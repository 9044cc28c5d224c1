"""Response hardening every answer gets (Content Security Policy and related headers) and the
per-client rate limits on the search and booking endpoints."""

import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse

from needlepoint.errors import error_body


def content_security_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


@dataclass(frozen=True)
class Limit:
    """`count` requests per `seconds` for one client on one group of endpoints."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """ "30/60" is thirty requests a minute."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match or int(match[2]) == 0:
            raise ImproperlyConfigured(
                f"A rate limit reads COUNT/SECONDS, e.g. 30/60, not {text!r}."
            )
        return cls(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class Rule:
    """Which requests a limit counts: a method, a path and whether only searches (a query
    string) count; `per` is "ip" or "user" (a signed-in user or the bearer token's user)."""

    name: str
    method: str
    path: str
    per: str
    needs_query: bool = False


RULES = (
    Rule("search", "GET", "/api/v1/search", "ip"),
    Rule("search", "GET", "/search/", "ip", needs_query=True),
    Rule("booking", "POST", "/api/v1/bookings", "ip"),
    Rule("booking_user", "POST", "/api/v1/bookings", "user"),
    # Each of these sends an e-mail: a limit keeps the site from being used to flood inboxes
    # and to enumerate accounts by brute force.
    Rule("account_mail", "POST", "/accounts/signup/", "ip"),
    Rule("account_mail", "POST", "/accounts/password/reset/", "ip"),
    Rule("account_mail", "POST", "/accounts/verify/resend/", "ip"),
)


def client_ip(request: HttpRequest) -> str:
    """The address the request came from; behind N trusted proxies, the Nth address from the
    right of X-Forwarded-For (anything further left is whatever the client claimed)."""
    proxies = settings.RATE_LIMIT_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def user_key(request: HttpRequest) -> str | None:
    """The signed-in user, or the user of the bearer token; None when neither (the endpoint
    itself then answers 401, so there is nothing to count)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return None
    from needlepoint.accounts.models import ApiToken

    digest = ApiToken.digest_of(header[7:].strip())
    user_id = ApiToken.objects.filter(digest=digest).values_list("user_id", flat=True).first()
    return None if user_id is None else f"u{user_id}"


def seconds_left(rule: Rule, who: str, limit: Limit, now: float) -> int:
    """Counts this request in the current fixed window; 0 when it is allowed, else how many
    seconds until the window ends."""
    window = int(now // limit.seconds)
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    key = f"ratelimit:{rule.name}:{digest}:{window}"
    cache = caches[settings.RATE_LIMIT_CACHE]
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return 0
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """An answer given before any view: the contract's error body under /api/, plain words to a
    page's visitor."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = f"Too many requests; try again in {retry_after} seconds."
    response = refusal(request, 429, "rate_limited", message)
    response["Retry-After"] = str(retry_after)
    return response


# A JSON escape of a UTF-16 surrogate or of NUL. json.loads turns a lone surrogate into a str
# that cannot be encoded (the first encode() deep inside a view, a password hasher, fails with a
# 500), and PostgreSQL refuses NUL in any text column: neither is text anyone meant.
SURROGATE_ESCAPE = re.compile(rb"\\u([dD][89a-fA-F][0-9a-fA-F]{2}|0000)")


def has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


def unencodable_json(request: HttpRequest) -> HttpResponse | None:
    """400 for a JSON body with a lone surrogate or NUL (never text anyone meant), and for a
    NUL in a query or form field; only JSON bodies with such an escape are parsed here."""
    fields = [*request.GET.lists()]
    if request.method == "POST" and request.content_type != "application/json":
        fields += [*request.POST.lists()]
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in fields):
        message = "The request contains a NUL character, which is not text."
        return refusal(request, 400, "invalid_text", message)
    if request.content_type != "application/json" or request.method in ("GET", "HEAD"):
        return None
    body = request.body
    if not SURROGATE_ESCAPE.search(body):
        return None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return None  # the API refuses it itself
    if not has_lone_surrogate(parsed):
        return None
    message = "The body contains text that is not valid Unicode (a lone surrogate)."
    return refusal(request, 400, "invalid_text", message)


class SecurityHeadersMiddleware:
    """Adds the CSP and the browser isolation headers Django's SecurityMiddleware does not set,
    answers 429 when a client passes a rate limit and 400 to JSON that is not valid Unicode."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy(settings.CONTENT_SECURITY_POLICY)
        self.headers = {
            "Content-Security-Policy": self.csp,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
            "Cross-Origin-Resource-Policy": "same-origin",
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.limited(request) or unencodable_json(request) or self.get_response(request)
        for name, value in self.headers.items():
            if value and name not in response:
                response[name] = value
        return response

    def limited(self, request: HttpRequest) -> HttpResponse | None:
        limits: dict[str, str] = settings.RATE_LIMITS
        now = time.time()
        for rule in RULES:
            if request.method != rule.method or request.path != rule.path:
                continue
            if rule.needs_query and not request.GET:
                continue
            text = limits.get(rule.name)
            if not text:
                continue
            who = client_ip(request) if rule.per == "ip" else user_key(request)
            if who is None:
                continue
            wait = seconds_left(rule, who, Limit.parse(text), now)
            if wait:
                return too_many(request, wait)
        return None
