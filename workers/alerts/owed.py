"""Evaluations owed: a batch that finds its rule held by another evaluator leaves a note for the holder.

Without the note, the batch's mentions would wait for the next batch or clock tick to be judged: two
sources indexed at once in one process, or two workers of a cluster, would each see the other holding
the rule, and the one that skipped would never look again. The holder reads the notes once it has let
go of the rule and evaluates again (the notes carry the batch's oldest publication times, so history
filled in behind the detector is still recognised as such).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from earful.state import StateStore

logger = logging.getLogger(__name__)
PREFIX = "alert-owed:"
KEPT = 32  # the oldest publication times a note keeps: enough to tell a catch-up from a few late mentions


def owe(state: StateStore, rule_id: str, published: list[datetime]) -> None:
    """Leave a note that ``rule_id`` is owed an evaluation for a batch published at ``published`` (sorted)."""
    state.set(f"{PREFIX}{rule_id}:{uuid.uuid4().hex}", {"published": [t.isoformat() for t in published[:KEPT]]})


def _notes(state: StateStore, rule_ids: Iterable[str]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    wanted = set(rule_ids)
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for key, value in state.items(PREFIX):
        rule = key[len(PREFIX):].rpartition(":")[0]
        if rule in wanted:
            found.setdefault(rule, []).append((key, value))
    return found


def waiting(state: StateStore, rule_ids: Iterable[str]) -> set[str]:
    """Which of ``rule_ids`` have notes no evaluation has taken yet."""
    return set(_notes(state, rule_ids))


def take(state: StateStore, rule_ids: Iterable[str]) -> dict[str, list[datetime]]:
    """Remove the notes of ``rule_ids`` (whose leases the caller holds): the publication times they carry."""
    notes = _notes(state, rule_ids)
    times: dict[str, list[datetime]] = {}
    for rule, found in notes.items():
        for key, value in found:
            try:
                found_times = [datetime.fromisoformat(str(t)) for t in value["published"]]
            except (KeyError, TypeError, ValueError):
                logger.warning("ignoring an unreadable owed-evaluation note %s", key)
                found_times = []
            times.setdefault(rule, []).extend(found_times)
    keys = tuple(key for found in notes.values() for key, _ in found)
    if keys:
        state.write({}, deletes=keys)
    return times
