"""The demo client's screening: a current "proceed", as ARCHITECTURE.md promises the demo."""

import datetime as dt
from typing import Any

from django.utils import timezone

from needlepoint.accounts.models import User

from . import services
from .choices import NONE
from .models import ScreeningRecord

DEMO_CLIENT = "client@demo.test"
CURRENT_FOR = dt.timedelta(days=30)  # the default age limit booking will ask of a screening

# Moderate rolling acne scars on the cheeks, Fitzpatrick III, nothing that fires a rule.
DEMO_ANSWERS: dict[str, Any] = {
    "concerns": ["scars"],
    "severity_scars": "moderate",
    "scar_types": ["rolling"],
    "treatment_areas": ["cheeks"],
    "fitzpatrick_type": "III",
    "active_infection_in_area": False,
    "cold_sore_history": False,
    "active_acne_in_area": False,
    "inflamed_skin_condition_in_area": [NONE],
    "sunburn_in_area": False,
    "skin_lesions_in_area": [NONE],
    "keloid_tendency": False,
    "new_scar_in_area": False,
    "surgery_in_area": False,
    "filler_in_area": False,
    "toxin_in_area": False,
    "deep_peel_in_area": False,
    "bleeding_disorder": False,
    "blood_thinners": False,
    "immunosuppressed": False,
    "bloodborne_infection": False,
    "diabetes": "no",
    "pregnant_or_breastfeeding": [NONE],
    "isotretinoin": "no",
    "cancer_treatment_or_steroids": "no",
    "anaesthetic_allergy": False,
    "metal_allergy": False,
}


def ensure_demo_screening() -> ScreeningRecord | None:
    """Screens the demo client through the real rules unless a screening of the last 30 days
    exists (a demo started weeks later stays current); None without a demo client."""
    client = User.objects.filter(email=DEMO_CLIENT).first()
    if client is None:
        return None
    latest = ScreeningRecord.objects.filter(client=client).first()
    if latest is not None and latest.evaluated_on >= timezone.localdate() - CURRENT_FOR:
        return latest
    _, record = services.screen(client=client, raw_answers=DEMO_ANSWERS)
    return record
