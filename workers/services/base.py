"""The shape of every long-running part of a process: start, run until stopped, stop, report health.

A service's ``run(stop)`` works until the ``stop`` event is set (or until its work is done, for a
one-shot service) and returns; ``interrupt`` wakes a ``run`` that blocks on something other than
the event (a server loop, a blocking read). ``serve`` wraps ``run`` and keeps the state that
``health`` reports. A service takes plain settings and options and builds what it needs, so it
can run in a thread of any process, or later in a child process of its own.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from earful.models import utcnow

logger = logging.getLogger(__name__)

State = Literal["starting", "running", "stopping", "stopped", "finished", "failed"]


class ServiceHealth(BaseModel):
    """What a service says about itself."""

    name: str
    state: State = Field(description="running; stopped or finished (ended cleanly); failed (see error)")
    since: datetime = Field(description="when it entered this state")
    error: str | None = None
    details: dict[str, Any] = Field(default_factory=dict, description="what it works on, its counts")


class Service(ABC):
    """One long-running part of a process."""

    name = ""
    main_thread = False  # True: must run in the process's main thread (it relies on signals)
    changed: Callable[[], None] | None = None  # set by the supervisor: call it to publish health at once

    def __init__(self) -> None:
        self._state: State = "starting"
        self._since = utcnow()
        self._error: str | None = None
        self._lock = threading.Lock()

    @abstractmethod
    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set (or the work is done)."""

    def interrupt(self) -> None:  # noqa: B027 - optional hook
        """Wake ``run`` when it blocks on something else than ``stop``; called after ``stop`` is set."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the service holds; called once ``run`` has returned."""

    def details(self) -> dict[str, Any]:
        """What to show beside the state (targets, counts)."""
        return {}

    def serve(self, stop: threading.Event) -> None:
        """``run`` with its state kept for ``health``; an exception marks the service failed."""
        self._set("running")
        try:
            self.run(stop)
        except BaseException as exc:  # SystemExit from a server that could not start counts too
            logger.error("service %s failed: %s", self.name, exc, exc_info=not isinstance(exc, SystemExit))
            self._set("failed", f"{type(exc).__name__}: {exc}")
            return
        finally:
            self._close_quietly()
        self._set("stopped" if stop.is_set() else "finished")

    def mark_stopping(self) -> None:
        with self._lock:
            if self._state in ("starting", "running"):
                self._state, self._since = "stopping", utcnow()

    @property
    def state(self) -> State:
        return self._state

    def healths(self) -> list[ServiceHealth]:
        """What this service reports (a group in a child process reports each of its services)."""
        return [self.health()]

    def health(self) -> ServiceHealth:
        with self._lock:
            state, since, error = self._state, self._since, self._error
        try:
            details = self.details()
        except Exception as exc:  # health must answer even when a detail cannot be read
            details = {"details_error": str(exc)}
        return ServiceHealth(name=self.name, state=state, since=since, error=error, details=details)

    def _set(self, state: State, error: str | None = None) -> None:
        with self._lock:
            self._state, self._since, self._error = state, utcnow(), error
        if self.changed is not None:
            self.changed()

    def _close_quietly(self) -> None:
        try:
            self.close()
        except Exception:
            logger.exception("service %s: closing failed", self.name)
