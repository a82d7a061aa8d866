"""Whose sentiment a filter or an analysis reads: the brand's own when brands are asked for, else the overall.

``sentiment=negative`` alone keeps every mention whose overall sentiment is negative;
``brand=acme&sentiment=negative`` keeps those negative toward Acme (with several brands: toward
any of them). Label counts (trends, compare, breakdowns, top values, themes, alerts) read the
brand's own labels when the filters name exactly one brand, and a series per brand reads each
brand's own; otherwise the overall ones.
"""

from __future__ import annotations

from typing import Any

from search.base import SearchFilters
from search.fields import brand_label_field, brand_milli_field, is_brand_id

LABELS = ("positive", "neutral", "negative", "unscored")
OVERALL_LABEL, OVERALL_MILLI = "sentiment_label", "sentiment_milli"


def scope_brand(filters: SearchFilters) -> str | None:
    """The one brand the filters name, whose own sentiment analyses then count; else None."""
    brands = set(filters.brands)
    if len(brands) != 1:
        return None
    return brands.pop()


def label_field(brand: str | None) -> str:
    """The keyword field holding the label toward ``brand`` (None, or a value no brand id can be: the
    overall label, all such a mention has)."""
    return brand_label_field(brand) if brand and is_brand_id(brand) else OVERALL_LABEL


def milli_field(brand: str | None) -> str:
    """The integer field holding the score in thousandths toward ``brand`` (None: the overall one)."""
    return brand_milli_field(brand) if brand and is_brand_id(brand) else OVERALL_MILLI


def sentiment_fields(filters: SearchFilters) -> tuple[str, ...]:
    """Fields any of which may hold a label the ``sentiments`` filter asks for."""
    fields = tuple(brand_label_field(b) for b in dict.fromkeys(filters.brands) if is_brand_id(b))
    return fields or (OVERALL_LABEL,)


def label_terms(brand: str | None) -> dict[str, Any]:
    """A terms aggregation over the labels toward ``brand`` (None: the overall labels)."""
    return {"terms": {"field": label_field(brand), "size": len(LABELS)}}
