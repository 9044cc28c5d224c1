"""The suitability rule set as the JSON it is stored and served as.

Every row of CLINICAL-FACTS.md §2 is encoded here (`covers` names the row). Where sources
disagree, the rule takes the cautious side, says so in its note and sets `sources_disagree`.
How the cautious side was chosen for a waiting period:
- a regulator's label or a peer-reviewed consensus sets the period where one exists; clinic
  pages (LOW) quoting longer periods are noted but do not override it (isotretinoin);
- where only a manufacturer's IFU and clinic pages speak, the longest period quoted is used,
  because an IFU states its maker's minimum rather than clinical guidance (filler, and
  chemotherapy / radiotherapy / steroids);
- "no treatment" (IFU) against "ask a doctor" (clinics) becomes refer: the most restrictive
  outcome that applies to the whole person rather than to one area.
Changing anything here means a new RULESET_VERSION: stored screenings name the version that
produced them.
"""

from typing import Any

RULESET_VERSION = "2026-11-25.1"

JDD_2024 = {
    "citation": "J Drugs Dermatol 2024, review of microneedling for acne scars",
    "mark": "PR",
}
EXCEED_IFU = {"citation": "Amiea Med Exceed instructions for use", "mark": "IFU"}
CLINICS = {"citation": "Clinic guidance (clinic and trade pages)", "mark": "LOW"}
SKIN_OF_COLOR = {
    "citation": 'Textbook chapter "Applications and Safety in Skin of Color"',
    "mark": "PR",
}
ISOTRETINOIN_LABEL = {
    "citation": "Oral isotretinoin labelling: 6 months after stopping (CLINICAL-FACTS §2)",
    "mark": "REG",
}
WALDMAN_2017 = {
    "citation": "Waldman et al., ASDS task force, Dermatol Surg 2017;43:1249–62",
    "mark": "PR",
}
CHU_2021 = {"citation": "Chu et al., systematic review, Dermatol Surg 2021", "mark": "PR"}
ALSTER = {"citation": 'Alster, "Microneedling", textbook chapter', "mark": "PR"}

_AGAIN = "Answer these questions again once it has cleared up completely."
_SCREENING_ONLY = "This is a screening, not a diagnosis."


def _rule(
    id: str,
    covers: str,
    title: str,
    when: dict[str, Any],
    outcome: str,
    client_reason: str,
    practitioner_note: str,
    sources: list[dict[str, str]],
    *,
    defer_until: dict[str, Any] | None = None,
    sources_disagree: bool = False,
) -> dict[str, Any]:
    return {
        "id": id,
        "covers": covers,
        "title": title,
        "when": when,
        "outcome": outcome,
        "defer_until": defer_until,
        "client_reason": client_reason,
        "practitioner_note": practitioner_note,
        "sources": sources,
        "sources_disagree": sources_disagree,
    }


def _yes(question: str) -> dict[str, Any]:
    return {"answer": question, "is": True}


def _within(question: str, **period: int) -> dict[str, Any]:
    return {"date_within": {"answer": question, **period}}


RULES: list[dict[str, Any]] = [
    _rule(
        "active-infection-in-area",
        "Active infection in area",
        "Active infection in the area",
        _yes("active_infection_in_area"),
        "not_suitable_in_area",
        "You told us you have an infection, such as a cold sore, in or next to an area you want "
        f"treated. Micro-needling is not done on infected skin. {_AGAIN} If it is not getting "
        "better, see a doctor or pharmacist.",
        "Active bacterial, viral or fungal infection, including active herpes simplex, in the "
        "treatment area: not suitable while active. Re-screen when healed.",
        [JDD_2024, EXCEED_IFU],
    ),
    _rule(
        "cold-sore-history",
        "Active infection in area",
        "History of cold sores near the area",
        _yes("cold_sore_history"),
        "precautions",
        "You have had cold sores near an area you want treated. Treatment can go ahead, but you "
        "may need about a week of antiviral medicine to keep a cold sore from flaring up: ask "
        "your doctor before your first session, and tell your practitioner.",
        "HSV history near the treatment area: antiviral prophylaxis for about 1 week may be "
        "needed. Prescribing is a doctor's decision; confirm it before the first session.",
        [JDD_2024, EXCEED_IFU],
    ),
    _rule(
        "active-acne-in-area",
        "Active inflammatory acne in area",
        "Inflamed acne in the area",
        _yes("active_acne_in_area"),
        "not_suitable_in_area",
        "Micro-needling is not done over inflamed acne spots, so that area can't be treated "
        f"while they are active. A doctor or pharmacist can help with active acne. {_AGAIN}",
        "Active inflammatory acne in the treatment area: not suitable while active.",
        [JDD_2024, EXCEED_IFU],
    ),
    _rule(
        "inflamed-skin-condition-in-area",
        "Eczema, psoriasis, rash, rosacea in area",
        "Eczema, psoriasis, rosacea or a rash in the area",
        {
            "answer": "inflamed_skin_condition_in_area",
            "includes_any": ["eczema", "psoriasis", "rosacea", "other_rash"],
        },
        "not_suitable_in_area",
        "Micro-needling is not done where eczema, psoriasis, rosacea or a rash is active, so "
        f"that area can't be treated for now. {_AGAIN}",
        "Eczema, psoriasis, rosacea or another rash active in the treatment area: not "
        "suitable while active.",
        [EXCEED_IFU],
    ),
    _rule(
        "skin-lesion-in-area",
        "Skin cancer, solar keratoses, warts, raised moles in area",
        "Skin cancer, sun-damage patches, warts or raised moles in the area",
        {
            "answer": "skin_lesions_in_area",
            "includes_any": ["skin_cancer", "solar_keratoses", "warts", "raised_moles"],
        },
        "not_suitable_in_area",
        "Micro-needling is not done over skin cancer, rough sun-damage patches, warts or raised "
        "moles, so that area can't be treated. If a doctor hasn't looked at them, please ask "
        f"one to. {_SCREENING_ONLY}",
        "Skin cancer, solar keratoses, warts or raised moles in the treatment area: not "
        "suitable in that area.",
        [EXCEED_IFU],
    ),
    _rule(
        "sunburn-in-area",
        "Recent sun exposure / sunburn in area",
        "Sunburn in the area",
        _yes("sunburn_in_area"),
        "defer",
        "Sunburnt skin has to heal before micro-needling. Healing times vary, so we can't give "
        "a date: answer these questions again when the sunburn has healed completely.",
        "Recent sun exposure or sunburn in the area: defer until healed. The source gives no "
        "fixed period, so no date is computed and online booking waits for a new screening.",
        [ALSTER],
    ),
    _rule(
        "keloid-tendency",
        "Keloid / hypertrophic scarring tendency",
        "Scars that tend to become raised or thick",
        _yes("keloid_tendency"),
        "refer",
        "Because your scars tend to become raised or thick, a doctor should decide whether "
        f"micro-needling is safe for you before you book. {_SCREENING_ONLY}",
        "Keloid or hypertrophic scarring tendency. Sources disagree: a relative "
        "contraindication in the skin-of-colour chapter, no treatment in the Exceed IFU. "
        "Cautious side taken: refer, and the IFU's 'no treatment' stands unless a doctor "
        "clears the client.",
        [SKIN_OF_COLOR, EXCEED_IFU],
        sources_disagree=True,
    ),
    _rule(
        "bleeding-disorder",
        "Bleeding disorder; anticoagulants (warfarin, heparin, aspirin)",
        "Bleeding disorder",
        _yes("bleeding_disorder"),
        "refer",
        "Micro-needling makes many tiny wounds, so with a bleeding disorder a doctor should "
        f"decide whether it is safe for you before you book. {_SCREENING_ONLY}",
        "Bleeding disorder. Sources disagree: the Exceed IFU says no treatment, clinic guidance "
        "says consult a doctor. Cautious side taken: refer; the IFU's 'no treatment' stands "
        "unless a doctor clears the client.",
        [EXCEED_IFU, CLINICS],
        sources_disagree=True,
    ),
    _rule(
        "blood-thinners",
        "Bleeding disorder; anticoagulants (warfarin, heparin, aspirin)",
        "Blood-thinning medicine",
        _yes("blood_thinners"),
        "refer",
        "Because you take a medicine that thins the blood, a doctor should decide whether "
        "micro-needling is safe for you before you book. Please don't stop or change your "
        "medicine for this treatment: talk to the doctor who prescribes it.",
        "Anticoagulant or antiplatelet medicine (warfarin, heparin, aspirin). Sources "
        "disagree: the Exceed IFU says no treatment, clinic guidance says consult a doctor. "
        "Cautious side taken: refer. Never advise the client to stop the medicine.",
        [EXCEED_IFU, CLINICS],
        sources_disagree=True,
    ),
    _rule(
        "uncontrolled-diabetes",
        "Uncontrolled diabetes",
        "Diabetes that is not well controlled",
        {"answer": "diabetes", "in": ["not_controlled", "not_sure"]},
        "refer",
        "With diabetes that is not well controlled, or when you are not sure, a doctor should "
        f"decide whether micro-needling is safe for you before you book. {_SCREENING_ONLY}",
        "Uncontrolled diabetes: refer. 'Not sure how well controlled' is treated as "
        "uncontrolled; the source does not address it, and the cautious reading is taken.",
        [EXCEED_IFU],
    ),
    _rule(
        "immunosuppression",
        "Immunosuppression; systemic infection (HBV, HCV, HIV)",
        "Weakened immune system",
        _yes("immunosuppressed"),
        "refer",
        "With a weakened immune system, a doctor should decide whether micro-needling is safe "
        f"for you before you book. {_SCREENING_ONLY}",
        "Immunosuppression (illness or medicine): refer.",
        [JDD_2024, EXCEED_IFU],
    ),
    _rule(
        "bloodborne-infection",
        "Immunosuppression; systemic infection (HBV, HCV, HIV)",
        "Hepatitis B, hepatitis C or HIV",
        _yes("bloodborne_infection"),
        "refer",
        "Because of the infection you told us about, a doctor should decide whether "
        f"micro-needling is safe for you before you book. {_SCREENING_ONLY}",
        "Systemic infection (HBV, HCV or HIV): refer.",
        [JDD_2024, EXCEED_IFU],
    ),
    _rule(
        "cancer-treatment-or-steroids-now",
        "Chemotherapy, radiotherapy, high-dose corticosteroids",
        "Chemotherapy, radiotherapy or high-dose steroids, now or planned",
        {"answer": "cancer_treatment_or_steroids", "is": "current_or_planned"},
        "refer",
        "While you have, or are about to start, chemotherapy, radiotherapy or high-dose "
        "steroids, micro-needling should wait. Please ask the doctor treating you, and answer "
        "these questions again when that treatment has finished.",
        "Current or planned chemotherapy, radiotherapy or high-dose corticosteroids. Exceed IFU: "
        "no treatment from 4 weeks before to 4 weeks after; clinics quote 3–12 months after. "
        "Sources disagree. With treatment ongoing or planned there is no end date to count "
        "from, so refer to the treating doctor rather than defer.",
        [EXCEED_IFU, CLINICS],
        sources_disagree=True,
    ),
    _rule(
        "cancer-treatment-or-steroids-within-12-months",
        "Chemotherapy, radiotherapy, high-dose corticosteroids",
        "Chemotherapy, radiotherapy or high-dose steroids in the last 12 months",
        _within("cancer_treatment_or_steroids_ended_on", months=12),
        "defer",
        "After chemotherapy, radiotherapy or high-dose steroids, micro-needling waits until 12 "
        "months after your last treatment or dose. If your "
        "doctor thinks it is safe sooner, your practitioner can discuss that with you.",
        "Chemotherapy, radiotherapy or high-dose corticosteroids ended less than 12 months ago. "
        "Sources disagree: Exceed IFU 4 weeks after; clinics 3–12 months. No peer-reviewed "
        "figure exists, so the longest quoted period (12 months) is used. Treating earlier on "
        "a doctor's advice is a clinical decision outside online booking.",
        [EXCEED_IFU, CLINICS],
        defer_until={"answer": "cancer_treatment_or_steroids_ended_on", "months": 12},
        sources_disagree=True,
    ),
    _rule(
        "isotretinoin-now",
        "Isotretinoin (oral)",
        "Taking isotretinoin",
        {"answer": "isotretinoin", "is": "taking"},
        "refer",
        "While you take isotretinoin, micro-needling should wait. Please talk to the doctor who "
        "prescribes it; after you stop, there is usually a wait of 6 months. Answer these "
        "questions again once you have stopped.",
        "Currently on oral isotretinoin. Label: 6 months after stopping; clinics 3–12 months; "
        "the ASDS task force (Waldman 2017) found insufficient evidence to delay superficial "
        "procedures and does not name microneedling. Sources disagree. No stop date exists "
        "yet, so refer to the prescriber rather than defer.",
        [ISOTRETINOIN_LABEL, WALDMAN_2017, CLINICS],
        sources_disagree=True,
    ),
    _rule(
        "isotretinoin-within-6-months",
        "Isotretinoin (oral)",
        "Isotretinoin stopped less than 6 months ago",
        _within("isotretinoin_stopped_on", months=6),
        "defer",
        "Micro-needling waits until 6 months after your last isotretinoin tablet, as the "
        "medicine's labelling advises.",
        "Oral isotretinoin stopped less than 6 months ago: defer to 6 months after the stop "
        "date (label). Sources disagree: the ASDS task force (Waldman 2017) found insufficient "
        "evidence to delay superficial procedures, still advises against mechanical "
        "dermabrasion within 6 months, and does not name microneedling; clinics quote 3–12 "
        "months. The label's 6 months is kept as the cautious side of the label and the "
        "peer-reviewed consensus; the longer clinic periods (LOW) are not used.",
        [ISOTRETINOIN_LABEL, WALDMAN_2017, CLINICS],
        defer_until={"answer": "isotretinoin_stopped_on", "months": 6},
        sources_disagree=True,
    ),
    _rule(
        "new-scar-in-area",
        "Scar younger than 6 months; plastic surgery in area",
        "A scar in the area less than 6 months old",
        _within("new_scar_wound_on", months=6),
        "defer",
        "Micro-needling over a new scar waits until 6 months after the injury.",
        "Scar younger than 6 months in the treatment area: defer to 6 months after the injury.",
        [EXCEED_IFU],
        defer_until={"answer": "new_scar_wound_on", "months": 6},
    ),
    _rule(
        "surgery-in-area",
        "Scar younger than 6 months; plastic surgery in area",
        "An operation in the area less than 12 months ago",
        _within("surgery_in_area_on", months=12),
        "defer",
        "After an operation in the area, micro-needling there waits until 12 months after it.",
        "Surgery, including plastic surgery, in the treatment area less than 12 months ago: "
        "defer to 12 months after it.",
        [EXCEED_IFU],
        defer_until={"answer": "surgery_in_area_on", "months": 12},
    ),
    _rule(
        "filler-in-area",
        "Dermal filler / botulinum toxin in area",
        "Dermal filler in the area less than 12 months ago",
        _within("filler_last_on", months=12),
        "defer",
        "After dermal filler in the area, micro-needling there waits until 12 months after your "
        "last filler treatment.",
        "Dermal filler in the treatment area. Sources disagree: Exceed IFU 6 months, clinics 12 "
        "months. The longer period is used: the IFU states its maker's minimum and no "
        "peer-reviewed figure exists.",
        [EXCEED_IFU, CLINICS],
        defer_until={"answer": "filler_last_on", "months": 12},
        sources_disagree=True,
    ),
    _rule(
        "toxin-in-area",
        "Dermal filler / botulinum toxin in area",
        "Anti-wrinkle injections in the area less than 3 months ago",
        _within("toxin_last_on", months=3),
        "defer",
        "After anti-wrinkle injections in the area, micro-needling there waits until 3 months "
        "after your last injections.",
        "Botulinum toxin in the treatment area less than 3 months ago: defer to 3 months after.",
        [EXCEED_IFU],
        defer_until={"answer": "toxin_last_on", "months": 3},
    ),
    _rule(
        "deep-peel-in-area",
        "Deep chemical peel recently",
        "A deep chemical peel in the area less than 30 days ago",
        _within("deep_peel_last_on", days=30),
        "defer",
        "After a deep chemical peel, micro-needling in that area waits until 30 days after it.",
        "Deep chemical peel in the treatment area less than 30 days ago: defer to 30 days "
        "after. Clinic convention only (LOW).",
        [CLINICS],
        defer_until={"answer": "deep_peel_last_on", "days": 30},
    ),
    _rule(
        "pregnancy-or-breastfeeding",
        "Pregnancy, breastfeeding",
        "Pregnancy or breastfeeding",
        {"answer": "pregnant_or_breastfeeding", "includes_any": ["pregnant", "breastfeeding"]},
        "defer",
        "Clinics wait until after pregnancy and breastfeeding before micro-needling. Answer "
        "these questions again when you are no longer pregnant or breastfeeding.",
        "Pregnancy or breastfeeding: defer by convention (LOW); no evidence either way in our "
        "sources. No date is computed; online booking waits for a new screening.",
        [CLINICS],
    ),
    _rule(
        "anaesthetic-allergy",
        "Allergy to the topical anaesthetic",
        "Reaction to a numbing cream or local anaesthetic",
        _yes("anaesthetic_allergy"),
        "precautions",
        "Tell your practitioner which numbing cream or anaesthetic you reacted to, if you know: "
        "they must not use it, and will talk you through what else is possible.",
        "Allergy to a topical anaesthetic: not suitable with that anaesthetic. Identify the "
        "agent before the session and do not use it; whether another agent is safe is a "
        "clinical judgement.",
        [EXCEED_IFU],
    ),
    _rule(
        "metal-allergy",
        "Metal allergy",
        "Metal allergy",
        _yes("metal_allergy"),
        "precautions",
        "Tell your practitioner which metals you are allergic to, so they can check what the "
        "needles are made of before your session.",
        "Metal allergy: caution. Check the cartridge's needle material with its manufacturer "
        "against the client's allergy before the session.",
        [CHU_2021],
    ),
]
