"""Answer lists the questionnaire, the plans and the comparison share: areas, skin types,
scar types and severities."""

from dataclasses import dataclass

from needlepoint.screening.sources import Reliability, Source


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    help: str = ""


NONE = "none"  # in a multi-choice, the one value that cannot be combined with another

SEVERITIES = (
    Choice("mild", "Mild", "Only noticeable close up, or easy to cover with make-up."),
    Choice("moderate", "Moderate", "Noticeable at normal talking distance."),
    Choice("severe", "Severe", "Very noticeable, and hard to cover."),
)
# For acne scars the self-rating follows the Goodman & Baron qualitative grades 2–4
# (CLINICAL-FACTS §4), because the plan and the referral for deep scars depend on it.
SCAR_SEVERITIES = (
    Choice("mild", "Mild", "Not obvious from 50 cm or more away; make-up covers them."),
    Choice(
        "moderate", "Moderate", "Obvious from 50 cm away; they flatten when you stretch the skin."
    ),
    Choice("severe", "Severe", "Obvious; they do not flatten when you stretch the skin."),
)
GOODMAN_BARON = Source(
    "Goodman & Baron, qualitative acne-scar grading, Dermatol Surg 2006", Reliability.PR
)
SCAR_TYPES = (
    Choice(
        "rolling", "Rolling", "Wide, shallow dips with soft edges that make the skin look wavy."
    ),
    Choice("boxcar", "Boxcar", "Round or oval dents with sharp, steep edges."),
    Choice("icepick", "Icepick", "Narrow, deep pits, as if made by a sharp point."),
    Choice("not_sure", "Not sure", "Your practitioner will look at them with you."),
)
FITZPATRICK_TYPES = (
    Choice("I", "Type I", "Very fair skin. Always burns in the sun, never tans."),
    Choice("II", "Type II", "Fair skin. Usually burns, tans only a little."),
    Choice("III", "Type III", "Light to medium skin. Sometimes burns a little, tans slowly."),
    Choice("IV", "Type IV", "Olive or light brown skin. Rarely burns, tans easily."),
    Choice("V", "Type V", "Brown skin. Very rarely burns, tans very easily."),
    Choice("VI", "Type VI", "Dark brown or black skin. Never burns."),
)
AREAS = (
    Choice("forehead", "Forehead"),
    Choice("around_eyes", "Around the eyes"),
    Choice("nose", "Nose"),
    Choice("cheeks", "Cheeks"),
    Choice("upper_lip", "Upper lip"),
    Choice("chin_jawline", "Chin and jawline"),
    Choice("neck", "Neck"),
    Choice("chest", "Chest"),
    Choice("back", "Back"),
    Choice("abdomen", "Tummy"),
    Choice("arms", "Arms"),
    Choice("hands", "Hands"),
    Choice("thighs_buttocks", "Thighs and buttocks"),
)
AREA_LABELS = {a.value: a.label for a in AREAS}
