"""The ``alerts`` service: evaluates every rule on a clock, beside the per-batch evaluation.

The clock is what notices silence (no batch comes when a source breaks) and what moves rules
forward when their buckets end without new mentions.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from earful.models import utcnow
from workers.alerts.evaluator import Evaluator
from workers.services import Service

logger = logging.getLogger(__name__)


class AlertService(Service):
    name = "alerts"

    def __init__(self, evaluator: Evaluator, *, tick: float = 30.0) -> None:
        super().__init__()
        self.evaluator = evaluator
        self.tick = tick
        self.ticks = 0
        self.last_tick: str | None = None

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.evaluator.tick()
            except Exception:  # the clock must outlive any one bad round
                logger.exception("alert evaluation round failed; trying again at the next tick")
            self.ticks += 1
            self.last_tick = utcnow().isoformat()
            stop.wait(self.tick)

    def details(self) -> dict[str, Any]:
        return {"rules": len(self.evaluator.current_rules()), "tick_s": self.tick, "ticks": self.ticks,
                "last_tick": self.last_tick, "evaluations": self.evaluator.evaluations,
                "failures": self.evaluator.failures}
