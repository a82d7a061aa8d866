"""Star ratings as written on pages ("4,9", "94" of 100, "4 out of 5") → Rating(raw, scale, 0..1)."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

from earful.models import Rating

logger = logging.getLogger(__name__)

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_OUT_OF = re.compile(r"(?:/|\bout\s+of\b|\bof\b|\bsur\b|\bvon\b|\bde\b|\bиз\b)\s*(\d+(?:[.,]\d+)?)", re.IGNORECASE)
_PERCENT = re.compile(r"\d\s*%")
_FULL_STARS, _EMPTY_STARS = "★⭐", "☆"
DEFAULT_BEST = 5.0  # schema.org's default bestRating


@dataclass(frozen=True)
class Normalized:
    """A rating and, when it could not be used, why (for counts and logs)."""

    rating: Rating | None
    problem: str | None = None  # missing_rating, unreadable_rating, impossible_rating
    inferred_scale: bool = False


def parse_number(value: object) -> float | None:
    """A decimal number from 4, "4.5", "4,9", " 94 ", "4.5 stars"; None when there is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    try:  # the common case, "4.5"
        number = float(value)  # type: ignore[arg-type]
        return number if math.isfinite(number) else None
    except (TypeError, ValueError):
        pass
    match = _NUMBER.search(str(value))
    if not match:
        return None
    number = float(match.group(0).replace(",", "."))
    return number if math.isfinite(number) else None


def parse_count(value: object) -> int | None:
    """A count from 480, "1,143", "1.143", "250 reviews"; None when there is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value >= 0 else None
    match = re.search(r"\d[\d,.\s\u00a0\u202f]*", str(value))
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0))
    return int(digits) if digits else None


def _stars(text: str) -> tuple[float, float] | None:
    full = sum(text.count(c) for c in _FULL_STARS)
    empty = text.count(_EMPTY_STARS)
    return (float(full), float(full + empty)) if full + empty else None


def normalize_rating(value: object, best: object = None, worst: object = None,
                     default_best: float | None = None) -> Normalized:
    """Raw value, best possible value and 0..1 position between worst and best.

    Without a best value the scale is taken from ``default_best`` (a profile's ``rating_scale``),
    from the text ("4 out of 5", "80%"), else guessed from the value: 5, 10 or 100.
    Without a worst value it is 1 on small scales (schema.org's default) and 0 on larger ones,
    or 0 when the value itself is below 1.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return Normalized(None, "missing_rating")
    raw = value.strip() if isinstance(value, str) else str(value)
    number = parse_number(value)
    best_value, inferred = parse_number(best), False
    if number is None and isinstance(value, str) and (stars := _stars(value)):
        number, best_value = stars[0], best_value or stars[1]
    if number is None:
        return Normalized(Rating(raw=raw[:100]), "unreadable_rating")
    if best_value is None and isinstance(value, str):
        if out_of := _OUT_OF.search(value):
            best_value = parse_number(out_of.group(1))
        elif _PERCENT.search(value):
            best_value = 100.0
    if best_value is None:
        best_value = default_best
    if best_value is None:
        inferred = True
        best_value = next((scale for scale in (DEFAULT_BEST, 10.0, 100.0) if number <= scale), None)
    worst_value = parse_number(worst)
    if worst_value is None and best_value is not None:
        worst_value = 1.0 if best_value <= 10 and number >= 1 else 0.0
    if best_value is None or worst_value is None or not worst_value <= number <= best_value \
            or best_value <= worst_value:
        return Normalized(Rating(raw=raw[:100], scale=best_value), "impossible_rating", inferred)
    position = (number - worst_value) / (best_value - worst_value)
    return Normalized(Rating(raw=raw[:100], scale=best_value, normalized=round(position, 6)), None, inferred)
