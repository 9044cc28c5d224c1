"""What the authorization matrix expects: each page route and each API operation of the apps
up to `clinic`, for every role, reading and writing (the order of every row: anonymous,
client_a, client_b, practitioner_x, practitioner_y, manager_x, staff), plus the rows the apps to
the right declare beside their own tests (`<app>/tests/matrix_*.py`). The checking is in
test_authorization_matrix.py."""

import importlib
import pkgutil
from urllib.parse import urlencode

from needlepoint.interop import tests as interop_tests
from needlepoint.scheduling.tests.factories import local

from .matrix_cast import Cast
from .matrix_rows import (
    API_SIGNED_IN,
    CLIENT_AND_CLINIC_X,
    CLIENT_ONLY,
    CLINIC_X,
    LOGIN,
    MANAGER_X,
    MOVED,
    NOT_ALLOWED,
    POST_ONLY,
    PUBLIC,
    SIGNED_IN,
    Operation,
    Page,
    every,
    row,
)


def soon(c: Cast) -> str:
    return urlencode({"start": local(5, 11).isoformat()})


PAGES: dict[str, Page] = {
    # web, directory
    "web:home": Page(lambda c: "/", PUBLIC, PUBLIC),
    "directory:credential-evidence": Page(
        lambda c: f"/credentials/{c.credential.pk}/evidence/",
        row(LOGIN, 404, 404, 200, 404, 200, 200),  # its practitioner, their manager, staff
        row(LOGIN, 404, 404, 200, 404, 200, 200),
    ),
    # screening
    "screening:start": Page(lambda c: "/screening/", PUBLIC, every(422)),
    "screening:keep": Page(lambda c: "/screening/keep/", NOT_ALLOWED, every(400)),
    "screening:compare": Page(lambda c: "/screening/options/", PUBLIC, PUBLIC),
    "screening:mine": Page(lambda c: "/me/screenings/", SIGNED_IN, SIGNED_IN),
    "screening:result": Page(
        lambda c: f"/me/screenings/{c.screening.pk}/", CLIENT_ONLY, CLIENT_ONLY
    ),
    # scheduling
    "scheduling:search": Page(lambda c: "/search/?near=Leeds", PUBLIC, PUBLIC),
    "scheduling:practitioner": Page(
        lambda c: f"/practitioners/{c.practitioner_x.pk}/", PUBLIC, PUBLIC
    ),
    "scheduling:book": Page(
        lambda c: f"/practitioners/{c.practitioner_x.pk}/book/?{soon(c)}",
        SIGNED_IN,
        row(LOGIN, *[422] * 6),  # the form posted empty
    ),
    "scheduling:waitlist": Page(
        lambda c: f"/practitioners/{c.practitioner_x.pk}/waitlist/",
        POST_ONLY,
        row(LOGIN, 422, 422, 422, 422, 422, 422),
    ),
    "scheduling:appointment-ics": Page(
        lambda c: f"/appointments/{c.setting.appointment.pk}.ics",
        CLIENT_AND_CLINIC_X,
        CLIENT_AND_CLINIC_X,
    ),
    "scheduling:course-ics": Page(
        lambda c: f"/courses/{c.course.pk}.ics", CLIENT_AND_CLINIC_X, CLIENT_AND_CLINIC_X
    ),
    "scheduling:my-appointments": Page(lambda c: "/me/appointments/", SIGNED_IN, SIGNED_IN),
    "scheduling:appointment": Page(
        lambda c: f"/me/appointments/{c.setting.appointment.pk}/",
        CLIENT_AND_CLINIC_X,
        CLIENT_AND_CLINIC_X,
    ),
    "scheduling:cancel": Page(
        lambda c: f"/me/appointments/{c.setting.appointment.pk}/cancel/",
        POST_ONLY,
        row(LOGIN, MOVED, 404, MOVED, 404, MOVED, 404),
    ),
    "scheduling:move": Page(
        lambda c: f"/me/appointments/{c.setting.appointment.pk}/move/",
        CLIENT_AND_CLINIC_X,
        row(LOGIN, 422, 404, 422, 404, 422, 404),
    ),
    "scheduling:course": Page(
        lambda c: f"/me/courses/{c.course.pk}/", CLIENT_AND_CLINIC_X, CLIENT_AND_CLINIC_X
    ),
    # a practitioner's or manager's own clinic and calendar
    "scheduling:clinic": Page(
        lambda c: "/clinic/",
        row(LOGIN, 404, 404, 200, 200, 200, 404),
        row(LOGIN, 404, 404, 200, 200, 200, 404),
    ),
    "scheduling:calendar": Page(
        lambda c: "/clinic/calendar/",
        row(LOGIN, 404, 404, 200, 200, 404, 404),
        row(LOGIN, 404, 404, 200, 200, 404, 404),
    ),
    "scheduling:location": Page(
        lambda c: f"/clinic/locations/{c.location_x.pk}/", MANAGER_X, MANAGER_X
    ),
    # clinic: the chart
    "clinic:chart": Page(lambda c: f"/clinic/clients/{c.client_a.pk}/", CLINIC_X, CLINIC_X),
    "clinic:override": Page(
        lambda c: f"/clinic/clients/{c.client_a.pk}/screenings/{c.screening.pk}/override/",
        POST_ONLY,
        row(LOGIN, 404, 404, 422, 404, 403, 404),  # practitioners only
    ),
    "clinic:reviewed": Page(
        lambda c: (
            f"/clinic/clients/{c.client_a.pk}/appointments/{c.setting.appointment.pk}/reviewed/"
        ),
        POST_ONLY,
        row(LOGIN, 404, 404, 409, 404, 409, 404),  # nothing waits for review
    ),
    # clinic: the client's own data
    "clinic:my-data": Page(lambda c: "/me/data/", SIGNED_IN, row(LOGIN, *[422] * 6)),
    "clinic:my-data-export": Page(lambda c: "/me/data/export.json", SIGNED_IN, SIGNED_IN),
    # clinic: consent
    "clinic:consent-sign": Page(
        lambda c: f"/clinic/appointments/{c.setting.appointment.pk}/consent/photo/",
        CLIENT_AND_CLINIC_X,
        row(LOGIN, 422, 404, 422, 404, 422, 404),
    ),
    "clinic:consent-on-device": Page(
        lambda c: f"/clinic/clients/{c.client_a.pk}/consent/",
        POST_ONLY,
        row(LOGIN, 404, 404, MOVED, 404, MOVED, 404),
        data={"kind": "treatment"},
    ),
    "clinic:consent": Page(
        lambda c: f"/consents/{c.setting.consent.pk}/", CLIENT_AND_CLINIC_X, CLIENT_AND_CLINIC_X
    ),
    "clinic:consent-signature": Page(
        lambda c: f"/consents/{c.setting.consent.pk}/signature.png",
        CLIENT_AND_CLINIC_X,
        CLIENT_AND_CLINIC_X,
    ),
    "clinic:consent-pdf": Page(
        lambda c: f"/consents/{c.setting.consent.pk}.pdf",
        CLIENT_AND_CLINIC_X,
        CLIENT_AND_CLINIC_X,
    ),
    "clinic:my-consents": Page(lambda c: "/me/consents/", SIGNED_IN, SIGNED_IN),
    "clinic:consent-forms": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/consent-forms/",
        MANAGER_X,
        row(LOGIN, 404, 404, 404, 404, 422, 404),
    ),
    # clinic: treatment sessions
    "clinic:session-new": Page(
        lambda c: f"/clinic/clients/{c.client_a.pk}/sessions/new/",
        row(LOGIN, 404, 404, 200, 404, 403, 404),  # practitioners chart, managers see
        row(LOGIN, 404, 404, 422, 404, 403, 404),
    ),
    "clinic:session": Page(lambda c: f"/clinic/sessions/{c.session.pk}/", CLINIC_X, CLINIC_X),
    "clinic:session-sign": Page(
        lambda c: f"/clinic/sessions/{c.unsigned_session.pk}/sign/",
        POST_ONLY,
        row(LOGIN, 404, 404, MOVED, 404, 403, 404),
    ),
    "clinic:session-amend": Page(
        lambda c: f"/clinic/sessions/{c.session.pk}/amend/",
        POST_ONLY,
        row(LOGIN, 404, 404, 422, 404, 403, 404),
    ),
    # clinic: inventory and recalls
    "clinic:inventory": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/inventory/",
        MANAGER_X,
        row(LOGIN, 404, 404, 404, 404, 422, 404),
    ),
    "clinic:lot": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/lots/{c.setting.lot.pk}/", MANAGER_X, MANAGER_X
    ),
    "clinic:lot-recall": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/lots/{c.setting.lot.pk}/recall/",
        POST_ONLY,
        row(LOGIN, 404, 404, 404, 404, 422, 404),
    ),
    "clinic:lot-csv": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/lots/{c.setting.lot.pk}/sessions.csv",
        MANAGER_X,
        MANAGER_X,
    ),
    # clinic: photos (the file itself is 404 to anonymous visitors, not a sign-in page)
    "clinic:photo": Page(
        lambda c: f"/clinic/photos/{c.photo.pk}/",
        row(404, 200, 404, 200, 404, 200, 404),
        NOT_ALLOWED,
    ),
    "clinic:photo-upload": Page(
        lambda c: f"/clinic/sessions/{c.session.pk}/photos/",
        CLINIC_X,
        row(LOGIN, 404, 404, 400, 404, 400, 404),
    ),
    "clinic:photo-compare": Page(
        lambda c: f"/clinic/clients/{c.client_a.pk}/photos/cheeks/", CLINIC_X, POST_ONLY
    ),
    "clinic:photo-my-gallery": Page(
        lambda c: "/clinic/photos/gallery/",
        row(LOGIN, 404, 404, MOVED, MOVED, MOVED, 404),  # to their own clinic's gallery
        POST_ONLY,
    ),
    "clinic:photo-gallery": Page(
        lambda c: f"/clinic/clinics/{c.setting.clinic.pk}/photos/", CLINIC_X, POST_ONLY
    ),
    # clinic: outcomes, check-ins, adverse events
    "clinic:my-progress": Page(lambda c: "/me/progress/", SIGNED_IN, SIGNED_IN),
    "clinic:rate-session": Page(
        lambda c: f"/me/progress/sessions/{c.session.pk}/rating/",
        POST_ONLY,
        row(LOGIN, 422, 404, 404, 404, 404, 404),
    ),
    "clinic:check-in": Page(
        lambda c: f"/me/check-ins/{c.check_in.pk}/",
        CLIENT_ONLY,
        row(LOGIN, 422, 404, 404, 404, 404, 404),
    ),
    "clinic:session-followup": Page(
        lambda c: f"/clinic/sessions/{c.session.pk}/follow-up/", CLINIC_X, CLINIC_X
    ),
    "clinic:grade-session": Page(
        lambda c: f"/clinic/sessions/{c.session.pk}/grades/",
        POST_ONLY,
        row(LOGIN, 404, 404, 422, 404, 403, 404),
    ),
    "clinic:raise-adverse-event": Page(
        lambda c: f"/clinic/sessions/{c.session.pk}/adverse-events/",
        POST_ONLY,
        row(LOGIN, 404, 404, 422, 404, 422, 404),
    ),
    "clinic:adverse-event": Page(
        lambda c: f"/clinic/adverse-events/{c.event.pk}/", CLINIC_X, CLINIC_X
    ),
    "clinic:adverse-event-follow-up": Page(
        lambda c: f"/clinic/adverse-events/{c.event.pk}/follow-up/",
        POST_ONLY,
        row(LOGIN, 404, 404, 422, 404, 422, 404),
    ),
    "clinic:close-adverse-event": Page(
        lambda c: f"/clinic/adverse-events/{c.event.pk}/close/",
        POST_ONLY,
        row(LOGIN, 404, 404, 422, 404, 422, 404),
    ),
    # clinic: the audit trail and chart grants to platform staff (managers only)
    "clinic:audit": Page(lambda c: f"/clinic/{c.setting.clinic.pk}/audit/", MANAGER_X, MANAGER_X),
    "clinic:audit-csv": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/audit.csv", MANAGER_X, MANAGER_X
    ),
    "clinic:grants": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/grants/",
        MANAGER_X,
        row(LOGIN, 404, 404, 404, 404, 422, 404),
    ),
    "clinic:grant-revoke": Page(
        lambda c: f"/clinic/{c.setting.clinic.pk}/grants/{c.grant.pk}/revoke/",
        POST_ONLY,
        row(LOGIN, 404, 404, 404, 404, MOVED, 404),
    ),
    # accounts
    # the admin's own sign-in, replaced by ours (second factor, lockout)
    "/admin/login/": Page(lambda c: "/admin/login/", every(MOVED), every(MOVED)),
    "accounts:login": Page(lambda c: "/accounts/login/", PUBLIC, PUBLIC),
    "accounts:login-verify": Page(
        lambda c: "/accounts/login/verify/",
        every(MOVED),
        every(MOVED),  # nothing pending
    ),
    "accounts:logout": Page(lambda c: "/accounts/logout/", NOT_ALLOWED, every(MOVED)),
    "accounts:signup": Page(lambda c: "/accounts/signup/", PUBLIC, every(422)),
    "accounts:resend-verification": Page(
        lambda c: "/accounts/verify/resend/", NOT_ALLOWED, row(LOGIN, *[MOVED] * 6)
    ),
    "accounts:verify-email": Page(
        lambda c: "/accounts/verify/not-a-token/", every(400), every(400)
    ),
    "accounts:security": Page(lambda c: "/accounts/security/", SIGNED_IN, SIGNED_IN),
    "accounts:mfa-enrol": Page(
        lambda c: "/accounts/mfa/setup/", row(MOVED, *[200] * 6), row(MOVED, *[200] * 6)
    ),
    "accounts:recovery-codes": Page(
        lambda c: "/accounts/mfa/recovery-codes/", NOT_ALLOWED, row(LOGIN, *[MOVED] * 6)
    ),
    "accounts:mfa-remove": Page(
        lambda c: "/accounts/mfa/remove/", NOT_ALLOWED, row(LOGIN, *[MOVED] * 6)
    ),
    "accounts:password-reset": Page(lambda c: "/accounts/password/reset/", PUBLIC, PUBLIC),
    "accounts:password-reset-done": Page(
        lambda c: "/accounts/password/reset/sent/", PUBLIC, NOT_ALLOWED
    ),
    "accounts:password-reset-confirm": Page(
        lambda c: "/accounts/password/reset/MQ/not-a-token/",
        PUBLIC,
        PUBLIC,  # "link invalid"
    ),
    "accounts:password-reset-complete": Page(
        lambda c: "/accounts/password/reset/done/", PUBLIC, NOT_ALLOWED
    ),
    # the API's own pages
    "api:openapi-json": Page(lambda c: "/api/v1/openapi.json", PUBLIC, PUBLIC),
    "api:openapi-view": Page(lambda c: "/api/v1/docs", PUBLIC, PUBLIC),
    "api:api-root": Page(lambda c: "/api/v1/", every(404), every(404)),
}


def declared_pages() -> dict[str, Page]:
    """Rows that apps declare beside their own tests, in `<app>/tests/matrix_*.py` (each with a
    `PAGES` dict), so that parts built apart never edit one file."""
    found: dict[str, Page] = {}
    for module_info in pkgutil.iter_modules(interop_tests.__path__):
        if module_info.name.startswith("matrix_"):
            module = importlib.import_module(f"{interop_tests.__name__}.{module_info.name}")
            overlap = set(found) & set(module.PAGES)
            assert not overlap, f"declared twice: {sorted(overlap)}"
            found.update(module.PAGES)
    return found


PAGES.update(declared_pages())


def api_booking(c: Cast) -> dict[str, object]:
    return {"practitioner_id": c.practitioner_x.pk, "start": local(5, 11).isoformat()}


# API operations by the last part of their operationId (needlepoint_<app>_api_<name>).
OPERATIONS: dict[str, Operation] = {
    "create_token": Operation(
        lambda c: "/api/v1/auth/token",
        every(200),
        lambda c: {"email": "client@example.test", "password": "a long passphrase"},
    ),
    "me": Operation(lambda c: "/api/v1/me", API_SIGNED_IN),
    "practitioner_profile": Operation(
        lambda c: f"/api/v1/practitioners/{c.practitioner_x.pk}", PUBLIC
    ),
    "concerns": Operation(lambda c: "/api/v1/concerns", PUBLIC),
    "create_screening": Operation(lambda c: "/api/v1/screenings", every(422)),
    "screening_detail": Operation(
        lambda c: f"/api/v1/screenings/{c.screening.pk}", row(401, 200, 404, 404, 404, 404, 404)
    ),
    "ruleset": Operation(lambda c: "/api/v1/screening/rules", PUBLIC),
    "questionnaire": Operation(lambda c: "/api/v1/screening/questions", PUBLIC),
    "compare_options": Operation(
        lambda c: "/api/v1/screening/options?concern=acne&skin_type=III", PUBLIC
    ),
    "search_near": Operation(lambda c: "/api/v1/search?near=Leeds", PUBLIC),
    "practitioner_slots": Operation(
        lambda c: f"/api/v1/practitioners/{c.practitioner_x.pk}/slots", PUBLIC
    ),
    "create_booking": Operation(
        lambda c: "/api/v1/bookings",
        row(401, 201, 201, 422, 422, 422, 422),  # staff have taken no suitability check
        api_booking,
    ),
    "my_bookings": Operation(lambda c: "/api/v1/bookings", API_SIGNED_IN),
    "booking_detail": Operation(
        lambda c: f"/api/v1/bookings/{c.setting.appointment.pk}",
        row(401, 200, 404, 200, 404, 200, 404),
    ),
    "cancel_booking": Operation(
        lambda c: f"/api/v1/bookings/{c.setting.appointment.pk}/cancel",
        row(401, 200, 404, 200, 404, 200, 404),
    ),
    "reschedule_booking": Operation(
        lambda c: f"/api/v1/bookings/{c.setting.appointment.pk}/reschedule",
        row(401, 200, 404, 200, 404, 200, 404),
        lambda c: {"start": local(6, 12).isoformat()},
    ),
    "reschedule_course": Operation(
        lambda c: f"/api/v1/courses/{c.course.pk}/reschedule",
        row(401, 200, 404, 200, 404, 200, 404),
        lambda c: {
            "moves": [
                {
                    "appointment_id": c.course.appointments.order_by("start").last().pk,
                    "start": local(70, 12).isoformat(),
                }
            ]
        },
    ),
    "join_waitlist": Operation(
        lambda c: "/api/v1/waitlist",
        row(401, 201, 201, 201, 201, 201, 201),
        lambda c: {
            "practitioner_id": c.practitioner_x.pk,
            "earliest": local(2, 9).date().isoformat(),
            "latest": local(9, 9).date().isoformat(),
        },
    ),
    "my_messages": Operation(lambda c: "/api/v1/messages", API_SIGNED_IN),
    "client_record": Operation(
        lambda c: f"/api/v1/clinic/clients/{c.client_a.pk}/record",
        row(401, 404, 404, 200, 404, 200, 404),
    ),
    "get_session": Operation(
        lambda c: f"/api/v1/clinic/sessions/{c.session.pk}", row(401, 404, 404, 200, 404, 200, 404)
    ),
    "create_session": Operation(
        lambda c: "/api/v1/clinic/sessions",
        row(401, 404, 404, 201, 404, 403, 404),
        lambda c: {
            "client_id": c.client_a.pk,
            "device_id": c.setting.device.pk,
            "cartridge_lot_id": c.setting.lot.pk,
            "areas": [{"area": "cheeks", "depth_mm": "1.0", "passes": 2}],
        },
    ),
    "sign_session": Operation(
        lambda c: f"/api/v1/clinic/sessions/{c.unsigned_session.pk}/sign",
        row(401, 404, 404, 200, 404, 403, 404),
    ),
    "amend_session": Operation(
        lambda c: f"/api/v1/clinic/sessions/{c.session.pk}/amendments",
        row(401, 404, 404, 201, 404, 403, 404),
        lambda c: {"reason": "The depth was written in the wrong box.", "changes": {"notes": "x"}},
    ),
    "lot_sessions": Operation(
        lambda c: f"/api/v1/clinic/{c.setting.clinic.pk}/lots/{c.setting.lot.pk}/sessions",
        row(401, 404, 404, 404, 404, 200, 404),
    ),
    "recall_lot": Operation(
        lambda c: f"/api/v1/clinic/{c.setting.clinic.pk}/lots/{c.setting.lot.pk}/recall",
        row(401, 404, 404, 404, 404, 200, 404),
        lambda c: {"reason": "The maker recalled this lot."},
    ),
    "my_export": Operation(lambda c: "/api/v1/me/export", API_SIGNED_IN),
    "my_erasure": Operation(
        lambda c: "/api/v1/me/erasure",
        row(401, 422, 422, 422, 422, 422, 422),
        lambda c: {"password": "not the password"},
    ),
}
