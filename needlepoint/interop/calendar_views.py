"""The calendar feed a calendar app fetches by its secret link, and the page where a signed-in
user makes, copies and revokes their links."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from needlepoint.accounts.models import User
from needlepoint.errors import ApiError
from needlepoint.scheduling.views import signed_in

from . import calendar_feed, calendar_selectors, calendar_services
from .models import CalendarFeed

Kind = CalendarFeed.Kind
ABOUT = {
    Kind.APPOINTMENTS: "Your appointments as a practitioner: each client by first name only, "
    "with the place and time. No screening answers, notes or contact details.",
    Kind.SESSIONS: "Your sessions: when, where and with whom, with links to your booking "
    "and to the aftercare advice we send after each session.",
}


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No session: the token in the link is the credential. Unknown or revoked: 404, the same
    answer either way, so a link's past tells no one anything."""
    found = calendar_selectors.feed_for_token(token)
    if found is None:
        return HttpResponseNotFound("No such calendar feed.", content_type="text/plain")
    now = timezone.now()
    body = calendar_selectors.feed_calendar(found, now=now)
    calendar_services.mark_fetched(found, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="needlepoint.ics"'
    response["Cache-Control"] = f"private, max-age={calendar_feed.MAX_AGE_SECONDS}"
    response["ETag"] = calendar_feed.etag(body)
    response["X-Robots-Tag"] = "noindex, nofollow"
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    return conditional or response


@dataclass(frozen=True)
class Panel:
    """One kind of feed on the page: its live feed if any, and the link if just made."""

    kind: str
    label: str
    about: str
    live: CalendarFeed | None
    https_url: str | None = None
    webcal_url: str | None = None


# The session key that carries a link just made to the one page view that shows it.
JUST_MADE = "calendar_feed_just_made"


@login_required
@never_cache
def my_calendar(request: HttpRequest) -> HttpResponse:
    """POST `action=new|revoke` and `kind`, then back here (a reload never makes another link
    and so never kills the one just copied). Only a link's digest is stored, so a new link
    rides in the session to the next view of this page, which shows it once and drops it."""
    user = signed_in(request)
    error: ApiError | None = None
    if request.method == "POST":
        try:
            return _act(request, user)
        except ApiError as problem:
            error = problem
    made = request.session.pop(JUST_MADE, None) if error is None else None
    live = calendar_selectors.live_feeds(user)
    panels = []
    for kind in calendar_selectors.kinds_for(user):
        https_url = webcal_url = None
        feed = live.get(kind)
        if (
            made
            and made["kind"] == kind
            and feed
            and feed.digest == CalendarFeed.digest_of(made["token"])
        ):
            path = reverse("interop:calendar-feed", args=[made["token"]])
            https_url = request.build_absolute_uri(path)
            webcal_url = calendar_feed.webcal(https_url)
        panels.append(Panel(kind, Kind(kind).label, ABOUT[Kind(kind)], feed, https_url, webcal_url))
    context = {"panels": panels, "error": error}
    return render(request, "interop/calendar.html", context, status=error.status if error else 200)


def _act(request: HttpRequest, user: User) -> HttpResponse:
    action = request.POST.get("action", "")
    kind = request.POST.get("kind", "")
    if kind not in Kind.values:
        raise ApiError(422, "invalid", "Choose which calendar.", "kind")
    if action == "new":
        raw = calendar_services.issue_feed(owner=user, kind=kind)
        request.session[JUST_MADE] = {"kind": kind, "token": raw}
        messages.success(request, "Your new link is below. Copy it now: we show it once.")
    elif action == "revoke":
        if calendar_services.revoke_feed(owner=user, kind=kind):
            messages.success(request, "Link revoked: calendars using it get no updates.")
        else:
            messages.info(request, "There was no link to revoke.")
    else:
        raise ApiError(422, "invalid", "Choose to make a new link or revoke one.", "action")
    return redirect("interop:my-calendar")
