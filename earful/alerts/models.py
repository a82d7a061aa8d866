"""Incidents as stored and served: figures, the window, evidence, the series around it, versions, feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from earful.alerts.rules import AlertRule

IncidentState = Literal["open", "updated", "resolved"]
Verdict = Literal["useful", "not_useful", "expected"]
ThresholdWhy = Literal["young", "bursty", "echo"]
THRESHOLD_WHY: dict[str, str] = {  # why a volume spike had to reach more than the preset's score, for people
    "young": "the brand's highest daily peak so far: it is less than two weeks old, and a brand's first bursts "
             "are mostly its ordinary ones",
    "bursty": "the third-highest of the brand's last 14 daily peaks: it bursts most days, so only a bigger burst is news",
    "echo": "the peak of the brand's own volume incident in the last 24 hours: a smaller burst the same day is "
            "that one's echo",
}


class SeriesPoint(BaseModel):
    """One bucket around an incident: what came and the band it was expected in."""

    start: datetime
    observed: int
    negative: int | None = None
    expected: float
    lower: float
    upper: float


class EvidenceMention(BaseModel):
    id: str
    url: str | None = None
    title: str = ""
    text: str = Field(default="", description="the first 300 characters")
    source: str
    source_name: str
    author: str | None = None
    published_at: datetime
    sentiment: str
    sentiment_score: float | None = None
    passage: str | None = Field(default=None, description="what was read toward the rule's brand to give it its "
                                "label (its passages, joined by ' … ', up to 300 characters); null when the "
                                "mention was read whole")
    engagement: int | None = None


class DrivingTerm(BaseModel):
    term: str
    window: int = Field(description="mentions in the window holding it")
    baseline: int = Field(description="mentions in the window and the week before holding it")
    score: float


class SourceShift(BaseModel):
    source: str = Field(description="configured source name")
    window: int
    window_share: float
    baseline_share: float


class Evidence(BaseModel):
    """Why it fired: the mentions, words and sources that drive it, compared with the week before."""

    top_mentions: list[EvidenceMention] = Field(default_factory=list)
    terms: list[DrivingTerm] = Field(default_factory=list)
    sources: list[SourceShift] = Field(default_factory=list)
    sentiment: dict[str, int] = Field(default_factory=dict, description="labels in the window")
    baseline_sentiment: dict[str, float] = Field(default_factory=dict, description="label shares the week before")
    read: int = Field(default=0, description="the window's newest mentions read for the top ones (at most 200)")
    provisional: int = Field(default=0, description="of those, how many the accurate scorer had not read yet: `sentiment` "
                                            "counts them with their provisional label")


class Version(BaseModel):
    """What was true when the incident reached a sequence number (for threading notifications)."""

    sequence: int
    state: IncidentState
    at: datetime
    observed: float
    expected: float
    score: float


class Feedback(BaseModel):
    verdict: Verdict
    at: datetime
    note: str = Field(default="", max_length=500)
    via: Literal["link", "api", "cli"] = Field(default="api", description="a link in a notification, the API, the CLI")


class IncidentSummary(BaseModel):
    """An incident without its evidence and series (listings)."""

    id: str
    rule: str
    brand: str | None = None
    trigger: str
    state: IncidentState
    sequence: int = Field(description="1 when opened, +1 at each change worth telling")
    interval: int = Field(description="bucket length, seconds")
    sensitivity: str
    threshold: float = Field(description="the score it had to reach (the preset's; a quiet brand's volume spike "
                                         "less, as it has fewer chances a day to score high by chance; more where "
                                         "threshold_why says so)")
    threshold_why: ThresholdWhy | None = Field(
        default=None, description="what raised a volume spike's threshold past the preset's: young (the brand's "
                                  "highest daily peak so far, in its first 14 days), bursty (the third-highest of "
                                  "its last 14 daily peaks: its usual bursts), echo (the peak of its own volume "
                                  "incident in the last 24 hours, at 400 mentions a day or more); null: the preset")
    opened_at: datetime = Field(description="start of the bucket whose data raised it")
    detected_at: datetime = Field(description="when it was raised")
    updated_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = Field(default=None, description="back_in_band, new_level or rule_removed")
    window_start: datetime = Field(description="first bucket of the window that raised it")
    window_end: datetime = Field(description="end of that window")
    observed: float = Field(description="mentions in the window (negative ones for negative triggers)")
    expected: float
    lower: float
    upper: float
    score: float = Field(description="robust z of the window: above the band for spikes, below it for silence")
    total: float | None = Field(default=None, description="all mentions in the window (negative triggers)")
    usual_share: float | None = Field(default=None, description="the usual negative share (negative triggers)")
    peak_score: float
    peak_observed: float
    peak_at: datetime
    baseline_from: datetime = Field(description="the baseline was learnt from here …")
    baseline_to: datetime = Field(description="… to here")
    snoozed_until: datetime | None = Field(default=None, description="its rule was snoozed until then: not notified")
    feedback: list[Feedback] = Field(default_factory=list)

    @property
    def verdict(self) -> Verdict | None:
        """The latest verdict people gave it."""
        return self.feedback[-1].verdict if self.feedback else None


class Incident(IncidentSummary):
    evidence: Evidence | None = None
    series: list[SeriesPoint] = Field(default_factory=list)
    versions: list[Version] = Field(default_factory=list)

    def summary(self) -> IncidentSummary:
        return IncidentSummary(**self.model_dump(exclude={"evidence", "series", "versions"}))


class RuleView(AlertRule):
    """A rule as listed: where it comes from (the config file's rules are read-only)."""

    origin: Literal["config", "api"]
    read_only: bool
    snoozed_until: datetime | None = Field(default=None, description="notifications held back until then")
