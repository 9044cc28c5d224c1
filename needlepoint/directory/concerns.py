"""The skin concerns the brief names as treated by micro-needling (CLINICAL-FACTS.md §1)."""

CONCERNS: list[tuple[str, str]] = [
    ("lines", "Fine lines"),
    ("wrinkles", "Wrinkles"),
    ("hyperpigmentation", "Hyper-pigmentation"),
    ("enlarged-pores", "Enlarged pores"),
    ("acne", "Acne"),
    ("scars", "Scars"),
    ("sun-damage", "Sun damage"),
    ("stretch-marks", "Stretch marks"),
]
CONCERN_SLUGS = tuple(slug for slug, _ in CONCERNS)
