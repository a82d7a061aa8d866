"""The mention: the one record every collector yields and every stage passes on."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, Field, field_validator

SentimentLabel = Literal["positive", "neutral", "negative", "unscored"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken to be UTC; aware ones are converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def mention_id(source: str, native_id: str) -> str:
    """Stable id: re-collecting the same item is an idempotent upsert."""
    return hashlib.sha1(f"{source}\x1f{native_id}".encode("utf-8")).hexdigest()[:24]


class Sentiment(BaseModel):
    score: float | None = None  # -1..1; None when no scorer exists for the language
    label: SentimentLabel = "unscored"
    model: str | None = None  # name and version of the scorer that produced it


class Passage(BaseModel):
    """A part of the mention the scorer read: ``(title + "\n" + text)[start:end] == text``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class BrandSentiment(Sentiment):
    """The sentiment toward one brand, and the passages read for it (none while provisional)."""

    passages: list[Passage] = Field(default_factory=list)


class Rating(BaseModel):
    raw: str | None = None  # as written on the page ("4,9", "94")
    scale: float | None = None  # best possible value
    normalized: float | None = Field(default=None, ge=0.0, le=1.0)


class Engagement(BaseModel):
    score: int | None = None
    comments: int | None = None
    shares: int | None = None


class RawMention(BaseModel):
    """What a collector hands to processing: text and metadata, nothing derived."""

    id: str
    source: str  # kind of source: feed, reddit, review, web
    source_name: str  # the configured source's name
    url: str | None = None
    author: str | None = None
    title: str = ""
    text: str = ""
    published_at: datetime
    collected_at: datetime = Field(default_factory=utcnow)
    site: str | None = None
    lang_hint: str | None = None  # language declared by the source, if any
    brands: list[str] = Field(default_factory=list)  # preset by sources bound to one brand
    rating: Rating | None = None
    engagement: Engagement | None = None

    @field_validator("published_at", "collected_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class Mention(RawMention):
    """A processed mention, as stored in the index."""

    lang: str | None = None
    sentiment: Sentiment = Field(default_factory=Sentiment, description="overall: that of the brands "
                                 "(docs/sentiment.md, sentiment per brand)")
    brand_sentiment: dict[str, BrandSentiment] = Field(
        default_factory=dict, description="brand id -> the sentiment toward that brand and the passages read")
    content_hash: str = ""
    duplicate_of: str | None = None  # id of the first mention with the same text
    near_dup_of: str | None = None

    def sentiment_toward(self, brand: str) -> Sentiment:
        """The sentiment toward ``brand``; a mention scored before per-brand scores has its overall one."""
        return self.brand_sentiment.get(brand) or self.sentiment
