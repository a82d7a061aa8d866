"""Incidents, not alert storms: one incident per episode, opened, updated while it grows, resolved, cooled down.

States: ``open`` (just raised), ``updated`` (it grew, or came back during its cooldown), ``resolved``
(back in the band for a while, or its new level was adopted as normal). ``sequence`` counts the
versions people were or will be told about (1 when opened), so updates can be threaded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from earful.alerts.models import ThresholdWhy
from workers.alerts.signals import Signal

State = Literal["open", "updated", "resolved"]
Change = Literal["opened", "updated", "reopened", "resolved"]
GROWTH = 1.25  # an update is news when observed/expected passed the last told ratio by this factor


@dataclass
class Incident:
    """One episode of one trigger; bucket indices (``Tracker`` turns them into times)."""

    trigger: str
    opened: int  # the bucket whose data raised it
    updated: int
    state: State = "open"
    sequence: int = 1
    resolved: int | None = None
    resolution: str | None = None  # back_in_band | new_level
    scale: int = 1  # buckets in the window that raised it
    observed: float = 0.0
    expected: float = 0.0
    score: float = 0.0
    total: float = 0.0
    usual_share: float = 0.0
    peak_score: float = 0.0
    peak_observed: float = 0.0
    peak_at: int = 0
    told_ratio: float = 0.0
    threshold: float = 0.0  # the score its opening signal had to reach
    bar: ThresholdWhy | None = None  # what raised a volume incident's threshold past the preset's (None: nothing)

    @property
    def active(self) -> bool:
        return self.state != "resolved"

    def record(self, i: int, signal: Signal) -> None:
        self.updated = i
        self.observed, self.expected, self.score = signal.observed, signal.expected, signal.score
        self.total, self.usual_share = signal.total, signal.usual_share
        if abs(signal.score) >= abs(self.peak_score):
            self.peak_score, self.peak_observed, self.peak_at = signal.score, signal.observed, i


@dataclass(frozen=True)
class Snapshot:
    incident: Incident | None
    fields: Incident | None
    in_band: int
    clear_from: int


def _ratio(signal: Signal) -> float:
    return signal.observed / max(signal.expected, 1e-9)


class Episode:
    """The incident life cycle of one trigger over one series."""

    def __init__(self, trigger: str, resolve_after: int, cooldown: int) -> None:
        self.trigger = trigger
        self.resolve_after = resolve_after
        self.cooldown = cooldown
        self.current: Incident | None = None
        self.in_band = 0
        self.clear_from = 0  # windows of a new detection start after the last incident

    @property
    def active(self) -> bool:
        return self.current is not None and self.current.active

    def snapshot(self) -> Snapshot:
        """What ``restore`` puts back: stepping changes the incident in place, so its fields are copied."""
        copy = replace(self.current) if self.current is not None else None
        return Snapshot(self.current, copy, self.in_band, self.clear_from)

    def restore(self, saved: Snapshot) -> None:
        if saved.incident is not None and saved.fields is not None:
            saved.incident.__dict__.update(saved.fields.__dict__)  # the same object, as lists elsewhere hold it
        self.current, self.in_band, self.clear_from = saved.incident, saved.in_band, saved.clear_from

    def step(self, i: int, signal: Signal | None, continues: bool = False) -> Change | None:
        """Feed bucket ``i``'s signal; the change it caused, if any. ``continues``: a detection that carries
        on the last incident (reopens it however long ago it resolved)."""
        if self.active:
            return self._follow(i, signal)
        if signal is None or not signal.opens:
            return None
        incident = self.current
        if incident is not None and incident.resolved is not None and (i - incident.resolved < self.cooldown or continues):
            incident.state, incident.resolved, incident.resolution = "updated", None, None
            incident.sequence += 1
            incident.told_ratio = _ratio(signal)
            incident.scale = max(incident.scale, signal.scale)
            incident.record(i, signal)
            return "reopened"
        self.current = Incident(self.trigger, opened=i, updated=i, scale=signal.scale, told_ratio=_ratio(signal),
                                threshold=signal.threshold)
        self.current.record(i, signal)
        self.in_band = 0
        return "opened"

    def _follow(self, i: int, signal: Signal | None) -> Change | None:
        incident = self.current
        assert incident is not None
        if signal is not None and signal.holds:
            self.in_band = 0
            incident.record(i, signal)
            if signal.score > 0 and _ratio(signal) >= GROWTH * incident.told_ratio:
                incident.told_ratio = _ratio(signal)
                incident.state = "updated"
                incident.sequence += 1
                return "updated"
            return None
        self.in_band += 1
        if self.in_band >= self.resolve_after:
            self.resolve(i, "back_in_band")
            return "resolved"
        return None

    def resolve(self, i: int, why: str) -> None:
        incident = self.current
        assert incident is not None
        incident.state, incident.resolved, incident.resolution = "resolved", i, why
        incident.sequence += 1
        self.clear_from = i + 1
