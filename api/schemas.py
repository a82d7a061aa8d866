"""Response models, one per resource; they are what /docs shows."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from earful.models import Mention
from workers.services import ServiceHealth


class MentionItem(Mention):
    score: float | None = Field(default=None, description="relevance score (relevance sort only)")
    highlight: dict[str, list[str]] = Field(
        default_factory=dict, description="field -> HTML fragments with matches in <b>…</b>")


class MentionPage(BaseModel):
    total: int = Field(description="all matches, not just this page")
    items: list[MentionItem]
    next_cursor: str | None = Field(default=None, description="pass as cursor= for the next page")


class TrendBucketOut(BaseModel):
    start: datetime = Field(description="bucket start in the requested time zone")
    count: int
    positive: int
    neutral: int
    negative: int
    unscored: int
    mean_sentiment: float | None = Field(description="mean score of the scored mentions, −1..1")


class GroupOut(BaseModel):
    value: str | None = Field(description="the value; null for every value outside the top ones")
    other: bool
    total: int
    buckets: list[TrendBucketOut]


class TrendOut(BaseModel):
    interval: str
    tz: str
    since: datetime
    until: datetime
    total: int
    buckets: list[TrendBucketOut]
    group_by: str | None = None
    groups: list[GroupOut] | None = Field(default=None, description="with group_by: one series per value")



class Health(BaseModel):
    status: str
    version: str
    mentions: int | None = None
    detail: str | None = None
    services: list[ServiceHealth] = Field(default_factory=list,
                                          description="this process's background services and their state")
