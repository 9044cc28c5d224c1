"""Needle depth checks, without the database: parsing what was typed, a warning outside the
area's usual range (with its source) and a stop above the device's labelled maximum."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from needlepoint.screening.choices import AREA_LABELS
from needlepoint.screening.plans import AREA_DEPTHS_MM, DEPTH_CHART

# Pen devices range 0.25–3.0 mm (Alster chapter, CLINICAL-FACTS §3); a depth needs no more
# than two decimals to say which setting was used.
MAX_DECIMALS = 2
MAX_PASSES = 20


class Level(StrEnum):
    WARNING = "warning"  # outside the area's usual range: charted, shown with the source
    STOP = "stop"  # above the device's labelled maximum: refused


@dataclass(frozen=True)
class Finding:
    area: str
    level: Level
    message: str
    source: str | None = None


class DepthError(ValueError):
    """A depth or pass count that cannot be charted; the message says why, for a person."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_depth(raw: object, *, field: str = "depth_mm") -> Decimal:
    """A depth in mm from a form or JSON value: a positive number with at most two decimals."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DepthError("Enter the needle depth in mm, e.g. 0.5.", field)
    try:
        depth = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise DepthError(
            f"The depth must be a number of mm, e.g. 0.5, not {raw!r}.", field
        ) from None
    if not depth.is_finite():
        raise DepthError("The depth must be a number of mm, e.g. 0.5.", field)
    if depth <= 0:
        raise DepthError("The depth must be more than 0 mm.", field)
    exponent = depth.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise DepthError("Give the depth to at most two decimals (e.g. 0.25 mm).", field)
    if depth >= 10:
        raise DepthError("A needle depth is under 10 mm; check the figure.", field)
    return depth


def parse_passes(raw: object, *, field: str = "passes") -> int:
    try:
        passes = int(str(raw).strip())
    except ValueError:
        raise DepthError(f"The passes must be a whole number, not {raw!r}.", field) from None
    if not 1 <= passes <= MAX_PASSES:
        raise DepthError(f"The passes must be between 1 and {MAX_PASSES}.", field)
    return passes


def parse_area(raw: object, *, field: str = "area") -> str:
    if raw not in AREA_LABELS:
        raise DepthError(f"Unknown area {raw!r}; choose one of the listed areas.", field)
    return str(raw)


def mm(depth: Decimal) -> str:
    """A depth as people write it: 0.5, not 0.50; 1, not 1.00."""
    return f"{depth.normalize():f}"


def check_depth(area: str, depth: Decimal, device_max: Decimal) -> list[Finding]:
    """The findings for one area: STOP above the device's maximum, WARNING outside the usual
    range for the area (or none known)."""
    label = AREA_LABELS.get(area, area)
    if depth > device_max:
        return [
            Finding(
                area,
                Level.STOP,
                f"{label}: {depth} mm is above the device's labelled maximum of {device_max} mm.",
            )
        ]
    usual = AREA_DEPTHS_MM.get(area)
    if usual is None:
        return []
    low, high = (Decimal(str(v)) for v in usual)
    if low <= depth <= high:
        return []
    span = f"{low} mm" if low == high else f"{low}–{high} mm"
    side = "deeper" if depth > high else "shallower"
    return [
        Finding(
            area,
            Level.WARNING,
            f"{label}: {mm(depth)} mm is {side} than the usual {span} for this area.",
            f"{DEPTH_CHART.citation} [{DEPTH_CHART.mark}]",
        )
    ]
