from django.urls import path

from . import (
    audit_views,
    consent_views,
    followup_views,
    grant_views,
    inventory_views,
    photo_views,
    privacy_views,
    session_views,
    views,
)

app_name = "clinic"
urlpatterns = [
    path("clinic/clients/<id:client_id>/", views.chart, name="chart"),
    path(
        "clinic/clients/<id:client_id>/screenings/<id:screening_id>/override/",
        views.override,
        name="override",
    ),
    path(
        "clinic/clients/<id:client_id>/appointments/<id:appointment_id>/reviewed/",
        views.reviewed,
        name="reviewed",
    ),
    # --- consent, treatment sessions, inventory and recalls ---
    path("me/data/", privacy_views.my_data, name="my-data"),
    path("me/data/export.json", privacy_views.export, name="my-data-export"),
    path(
        "clinic/appointments/<id:appointment_id>/consent/<str:kind>/",
        consent_views.sign,
        name="consent-sign",
    ),
    path(
        "clinic/clients/<id:client_id>/consent/",
        consent_views.sign_on_device,
        name="consent-on-device",
    ),
    path("consents/<id:consent_id>/", consent_views.consent, name="consent"),
    path(
        "consents/<id:consent_id>/signature.png",
        consent_views.consent_signature,
        name="consent-signature",
    ),
    path("consents/<id:consent_id>.pdf", consent_views.consent_pdf_view, name="consent-pdf"),
    path("me/consents/", consent_views.my_consents, name="my-consents"),
    path("clinic/<id:clinic_id>/consent-forms/", consent_views.forms, name="consent-forms"),
    path(
        "clinic/clients/<id:client_id>/sessions/new/",
        session_views.new_session,
        name="session-new",
    ),
    path("clinic/sessions/<id:session_id>/", session_views.session, name="session"),
    path("clinic/sessions/<id:session_id>/sign/", session_views.sign, name="session-sign"),
    path("clinic/sessions/<id:session_id>/amend/", session_views.amend, name="session-amend"),
    path("clinic/<id:clinic_id>/inventory/", inventory_views.inventory, name="inventory"),
    path("clinic/<id:clinic_id>/lots/<id:lot_id>/", inventory_views.lot, name="lot"),
    path(
        "clinic/<id:clinic_id>/lots/<id:lot_id>/recall/",
        inventory_views.recall,
        name="lot-recall",
    ),
    path(
        "clinic/<id:clinic_id>/lots/<id:lot_id>/sessions.csv",
        inventory_views.recall_csv,
        name="lot-csv",
    ),
    # --- photos ---
    path("clinic/photos/<id:photo_id>/", photo_views.photo, name="photo"),
    path("clinic/sessions/<id:session_id>/photos/", photo_views.upload, name="photo-upload"),
    path(
        "clinic/clients/<id:client_id>/photos/<slug:area>/",
        photo_views.compare,
        name="photo-compare",
    ),
    path("clinic/photos/gallery/", photo_views.my_gallery, name="photo-my-gallery"),
    path("clinic/clinics/<id:clinic_id>/photos/", photo_views.gallery, name="photo-gallery"),
    # --- outcomes, check-ins, adverse events ---
    path("me/progress/", followup_views.my_progress, name="my-progress"),
    path(
        "me/progress/sessions/<id:session_id>/rating/",
        followup_views.rate_session,
        name="rate-session",
    ),
    path("me/check-ins/<id:check_in_id>/", followup_views.check_in, name="check-in"),
    path(
        "clinic/sessions/<id:session_id>/follow-up/",
        followup_views.session_followup,
        name="session-followup",
    ),
    path(
        "clinic/sessions/<id:session_id>/grades/",
        followup_views.grade_session,
        name="grade-session",
    ),
    path(
        "clinic/sessions/<id:session_id>/adverse-events/",
        followup_views.raise_adverse_event,
        name="raise-adverse-event",
    ),
    path(
        "clinic/adverse-events/<id:event_id>/", followup_views.adverse_event, name="adverse-event"
    ),
    path(
        "clinic/adverse-events/<id:event_id>/follow-up/",
        followup_views.follow_up,
        name="adverse-event-follow-up",
    ),
    path(
        "clinic/adverse-events/<id:event_id>/close/",
        followup_views.close_adverse_event,
        name="close-adverse-event",
    ),
    # --- audit trail and staff grants ---
    path("clinic/<id:clinic_id>/audit/", audit_views.trail, name="audit"),
    path("clinic/<id:clinic_id>/audit.csv", audit_views.trail_csv, name="audit-csv"),
    path("clinic/<id:clinic_id>/grants/", grant_views.grants, name="grants"),
    path(
        "clinic/<id:clinic_id>/grants/<id:grant_id>/revoke/",
        grant_views.revoke,
        name="grant-revoke",
    ),
]
