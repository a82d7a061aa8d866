"""The ``refiner`` service: refines whatever is queued, beside intake, until stopped."""

from __future__ import annotations

import threading
from typing import Any

from workers.refine.refiner import Refiner
from workers.services import Service


class RefinerService(Service):
    """``Refiner.run_forever`` as a service (the embedding engine releases the GIL, so a thread does)."""

    name = "refiner"

    def __init__(self, refiner: Refiner) -> None:
        super().__init__()
        self.refiner = refiner

    def run(self, stop: threading.Event) -> None:
        self.refiner.run_forever(stop)

    def close(self) -> None:
        self.refiner.queue.close()

    def details(self) -> dict[str, Any]:
        return {"scorer": self.refiner.router.describe(), "queued": self.refiner.queue.pending()}
