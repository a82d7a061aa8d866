"""Response models of the analyses: compare, breakdowns, top values, themes, ratings, saved searches."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from earful.models import Mention
from search.analytics.series import Tally


class Sentiments(BaseModel):
    count: int
    positive: int
    neutral: int
    negative: int
    unscored: int
    net_sentiment: float | None = Field(description="(positive − negative) / scored mentions, −1..1")

    @classmethod
    def of(cls, tally: Tally) -> Sentiments:
        return cls(count=tally.count, positive=tally.labels["positive"], neutral=tally.labels["neutral"],
                   negative=tally.labels["negative"], unscored=tally.labels["unscored"],
                   net_sentiment=tally.net_sentiment)


class Rated(Sentiments):
    rated: int = Field(description="mentions with a review rating")
    mean_rating: float | None = Field(description="mean normalised rating, 0 (worst) .. 1 (best)")

    @classmethod
    def of(cls, tally: Tally) -> Rated:
        return cls(**Sentiments.of(tally).model_dump(), rated=tally.rated, mean_rating=tally.mean_rating)


class CompareBucket(Rated):
    start: datetime = Field(description="bucket start in the requested time zone")
    share_of_voice: float | None = Field(description="this brand's mentions / all compared brands' mentions")


class Change(BaseModel):
    count: int = Field(description="mentions now minus mentions in the previous period")
    count_pct: float | None = Field(description="relative change in %, null when the previous period had none")
    share_of_voice: float | None = Field(description="change in share of voice, in points of 0..1")
    net_sentiment: float | None = Field(description="change in net sentiment")


class BrandTotals(Rated):
    share_of_voice: float | None


class BrandCompare(BaseModel):
    brand: str
    buckets: list[CompareBucket]
    total: BrandTotals
    previous: BrandTotals = Field(description="the period of the same length just before")
    change: Change


class CompareOut(BaseModel):
    interval: str
    tz: str
    since: datetime
    until: datetime
    previous_since: datetime
    brands: list[BrandCompare]


class TopValueOut(Sentiments):
    value: str


class TopOut(BaseModel):
    field: str
    values: list[TopValueOut]
    other: int = Field(description="mentions holding values not listed")


class ThemeOut(BaseModel):
    term: str = Field(description="a word or a two-word phrase, folded as the index folds text")
    query: str = Field(description="q= that opens this theme's mentions (with the same filters and period)")
    count: int = Field(description="mentions in the period holding it")
    background: int = Field(description="mentions in the background holding it")
    score: float = Field(description="significance (JLH; see docs/analytics.md)")
    sentiment: Sentiments
    example: Mention | None


class ThemesOut(BaseModel):
    since: datetime
    until: datetime
    compare_to: str
    background_since: datetime | None
    mentions: int = Field(description="mentions in the period")
    background: int = Field(description="mentions in the background")
    sampled: int = Field(description="mentions read to find candidate terms")
    themes: list[ThemeOut]


class RatingBucketOut(BaseModel):
    start: datetime
    count: int
    mean_rating: float | None = Field(description="0 (worst) .. 1 (best)")
    mean_stars: float | None = Field(description="the mean on a 1–5 star scale")
    stars: dict[str, int] = Field(description="'1'..'5' -> reviews")


class RatingSeriesOut(BaseModel):
    site: str | None = Field(description="null: every site")
    buckets: list[RatingBucketOut]


class RatingsOut(BaseModel):
    interval: str
    tz: str
    since: datetime
    until: datetime
    series: list[RatingSeriesOut]
