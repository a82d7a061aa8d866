"""Service health published in the state store, so other processes (``earful sources``) can read it.

Each running process keeps one entry, ``service:<host>.<pid>``, rewritten every few seconds
and removed when it stops cleanly. An entry that has not been rewritten for a while belongs to
a process that died; it is reported as ``gone`` and dropped after a day.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from earful.models import utcnow
from earful.state import StateStore
from workers.services.base import ServiceHealth

logger = logging.getLogger(__name__)

PREFIX = "service:"
STALE_AFTER = timedelta(seconds=60)  # four missed beats
FORGET_AFTER = timedelta(days=1)


class ProcessHealth(BaseModel):
    """One process's services as it last published them."""

    process: str = Field(description="host.pid")
    role: str = Field(description="what the process runs: run, serve, scheduler, worker")
    started_at: datetime
    updated_at: datetime
    alive: bool = Field(default=True, description="False: not heard of for a minute (the process is gone)")
    services: list[ServiceHealth] = Field(default_factory=list)


class Heartbeat:
    """Writes this process's service health under its own key."""

    def __init__(self, state: StateStore, role: str, health: Callable[[], list[ServiceHealth]]) -> None:
        self.state = state
        self.role = role
        self.health = health
        self.key = f"{PREFIX}{socket.gethostname()}.{os.getpid()}"
        self.started_at = utcnow()

    def beat(self) -> None:
        entry = ProcessHealth(process=self.key[len(PREFIX):], role=self.role, started_at=self.started_at,
                              updated_at=utcnow(), services=self.health())
        try:
            self.state.set(self.key, entry.model_dump(mode="json", exclude={"alive"}))
        except Exception as exc:  # health reporting must never stop the services it reports on
            logger.warning("could not publish service health: %s", exc)

    def clear(self) -> None:
        try:
            self.state.delete(self.key)
        except Exception as exc:
            logger.warning("could not remove this process's service health: %s", exc)


def published(state: StateStore, now: datetime | None = None) -> list[ProcessHealth]:
    """Every process's last published service health; entries of long-gone processes are removed."""
    now = now or utcnow()
    out = []
    for key, value in state.items(PREFIX):
        try:
            entry = ProcessHealth.model_validate(value)
        except ValueError:
            logger.warning("service health %s is unreadable; ignoring it", key)
            continue
        if now - entry.updated_at > FORGET_AFTER:
            _forget(state, key)
            continue
        entry.alive = now - entry.updated_at <= STALE_AFTER
        out.append(entry)
    return out


def _forget(state: StateStore, key: str) -> None:
    try:
        state.delete(key)
    except Exception as exc:
        logger.warning("could not remove old service health %s: %s", key, exc)
