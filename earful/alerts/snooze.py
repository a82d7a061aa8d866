"""Snoozed rules, kept with the crawl state: no notifications until the snooze ends, detection goes on.

A snooze is one state entry per rule (``alert-snooze:<rule>``) holding when it ends; an expired
entry is simply ignored (and replaced by the next snooze). Whoever sends notifications asks
``is_snoozed`` first; incidents raised meanwhile are still stored, marked with ``snoozed_until``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ValidationError

from earful.state import StateStore

SNOOZE = "alert-snooze:"
SNOOZE_HOURS = (1, 24)
Via = Literal["link", "api", "cli"]


class Snooze(BaseModel):
    rule: str
    until: datetime
    at: datetime
    via: Via
    incident: str | None = None


def snooze_rule(state: StateStore, rule_id: str, hours: int, now: datetime, *, via: Via,
                incident: str | None = None) -> Snooze:
    """Snooze ``rule_id`` for ``hours`` from ``now`` (replacing a shorter or longer snooze)."""
    snooze = Snooze(rule=rule_id, until=now + timedelta(hours=hours), at=now, via=via, incident=incident)
    state.set(SNOOZE + rule_id, snooze.model_dump(mode="json"))
    return snooze


def unsnooze(state: StateStore, rule_id: str) -> None:
    state.delete(SNOOZE + rule_id)


def current_snooze(state: StateStore, rule_id: str, now: datetime) -> Snooze | None:
    """The rule's snooze while it lasts, else None."""
    value = state.get(SNOOZE + rule_id)
    if value is None:
        return None
    try:
        found = Snooze.model_validate(value)
    except ValidationError:
        return None
    return found if found.until > now else None


def is_snoozed(state: StateStore, rule_id: str, now: datetime) -> bool:
    """Whether notifications of ``rule_id`` are held back at ``now``."""
    return current_snooze(state, rule_id, now) is not None
