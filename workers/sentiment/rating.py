"""Star ratings inform a review's sentiment: rating first, the text decides the middle.

A 1-star review is negative even when its text praises the packaging, and a 5-star one is
positive even when the text grumbles about delivery. Ratings in the middle of the scale
(3 of 5) say little, so there the text's label stands. The score blends both, so averages
over time still move with what people write.
"""

from __future__ import annotations

from earful.models import SentimentLabel

# Rating.normalized is the position between worst and best: on 1..5 stars 1★ 0, 2★ 0.25, 3★ 0.5,
# 4★ 0.75, 5★ 1.
NEGATIVE_AT_MOST = 0.3  # 2 of 5 stars or less is a negative review
POSITIVE_AT_LEAST = 0.7  # 4 of 5 stars or more is a positive one
RATING_WEIGHT = 0.5  # share of the rating in the blended score
SUFFIX = "+rating"


def rating_score(normalized: float) -> float:
    """0..1 (worst..best) → −1..1: 1★ −1, 2★ −0.5, 3★ 0, 4★ 0.5, 5★ 1."""
    return max(-1.0, min(1.0, 2.0 * normalized - 1.0))


def rating_label(normalized: float) -> SentimentLabel | None:
    """The label a clear rating implies, or None for a middling one."""
    if normalized <= NEGATIVE_AT_MOST:
        return "negative"
    if normalized >= POSITIVE_AT_LEAST:
        return "positive"
    return None


def blend(text_score: float | None, text_label: SentimentLabel, normalized: float) -> tuple[float, SentimentLabel]:
    """(score, label) of a rated review; ``text_score`` None when the text is not scored (yet)."""
    stars = rating_score(normalized)
    score = stars if text_score is None else RATING_WEIGHT * stars + (1 - RATING_WEIGHT) * text_score
    label = rating_label(normalized)
    if label is None:
        label = text_label if text_score is not None else "neutral"
    return round(score, 4), label
