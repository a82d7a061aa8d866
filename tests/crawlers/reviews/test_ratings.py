"""Rating normalisation: raw value and scale kept, position on the scale in 0..1."""

from __future__ import annotations

import pytest

from crawlers.reviews.ratings import normalize_rating, parse_count, parse_number


@pytest.mark.parametrize(("value", "best", "worst", "raw", "scale", "normalized"), [
    ("4,9", None, None, "4,9", 5.0, 0.975),          # decimal comma
    ("4.5", "5", "1", "4.5", 5.0, 0.875),
    (5, 5, 1, "5", 5.0, 1.0),
    (1, 5, 1, "1", 5.0, 0.0),
    ("94", "100", None, "94", 100.0, 0.94),          # 0-100 scale
    ("94", None, None, "94", 100.0, 0.94),           # 0-100 scale, inferred from the value
    ("3", "4", "0", "3", 4.0, 0.75),                 # explicit worstRating 0
    ("8", "10", None, "8", 10.0, 0.777778),          # worst defaults to 1 on small scales
    ("0.5", "5", None, "0.5", 5.0, 0.1),             # below 1: the scale starts at 0
    ("4 out of 5 stars", None, None, "4 out of 5 stars", 5.0, 0.75),
    ("80%", None, None, "80%", 100.0, 0.8),
    ("★★★★☆", None, None, "★★★★☆", 5.0, 0.75),
    (" 4.0 ", None, None, "4.0", 5.0, 0.75),
])
def test_ratings_are_normalised(value: object, best: object, worst: object, raw: str, scale: float,
                                normalized: float) -> None:
    result = normalize_rating(value, best, worst)
    assert result.problem is None
    assert result.rating is not None
    assert (result.rating.raw, result.rating.scale) == (raw, scale)
    assert result.rating.normalized == pytest.approx(normalized, abs=1e-6)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_rating_gives_no_rating(value: object) -> None:
    result = normalize_rating(value, "5")
    assert result.rating is None and result.problem == "missing_rating"


@pytest.mark.parametrize(("value", "best", "worst"), [
    ("7", "5", None),       # above the best value
    ("-1", "5", None),      # negative
    ("3", "5", "5"),        # worst == best: no scale at all
    ("250", None, None),    # larger than any scale we can guess
    ("2", "5", "3"),        # below the stated worst value
])
def test_impossible_ratings_keep_the_raw_value_but_no_position(value: str, best: object, worst: object) -> None:
    result = normalize_rating(value, best, worst)
    assert result.problem == "impossible_rating"
    assert result.rating is not None and result.rating.raw == value and result.rating.normalized is None


def test_unreadable_rating_is_reported() -> None:
    result = normalize_rating("excellent", "5")
    assert result.problem == "unreadable_rating"
    assert result.rating is not None and result.rating.raw == "excellent" and result.rating.normalized is None


def test_a_profile_scale_applies_when_the_page_gives_none() -> None:
    result = normalize_rating("8", default_best=10)
    assert result.rating is not None and result.rating.scale == 10.0 and not result.inferred_scale
    assert normalize_rating("4").inferred_scale


def test_numbers_and_counts() -> None:
    assert parse_number("4,9") == 4.9 and parse_number(4) == 4.0 and parse_number("n/a") is None
    assert parse_number(float("nan")) is None and parse_number(True) is None
    assert parse_count("1,143") == 1143 and parse_count("89\n   ") == 89 and parse_count(" 250 reviews") == 250
    assert parse_count(None) is None and parse_count("none") is None
