"""The ``delivery`` service: sends what the outbox holds, as soon as it is due.

Embedded, it sends in a few threads of its own (a slow channel holds one thread, never the others).
In distributed mode it hands each due delivery to the RQ workers as a job (``workers.delivery.jobs``);
a delivery's lease makes it go out once whichever worker runs it, and the job pushes the delivery's
next look-up back by the lease's length so the same delivery is not handed out again meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from earful.models import utcnow
from workers.delivery import outbox
from workers.delivery.sender import Sender
from workers.services import Service

logger = logging.getLogger(__name__)
Dispatch = Callable[[str], None]


class DeliveryService(Service):
    name = "delivery"

    def __init__(self, sender: Sender, *, tick: float = 1.0, threads: int = 4,
                 dispatch: Dispatch | None = None) -> None:
        super().__init__()
        self.sender, self.tick, self.threads, self.dispatch = sender, tick, threads, dispatch
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self.handed_out = 0

    def run(self, stop: threading.Event) -> None:
        with ThreadPoolExecutor(self.threads, thread_name_prefix="delivery") as pool:
            while not stop.is_set():
                try:
                    self._round(pool)
                except Exception:  # the state store is away: the next round tries again
                    logger.exception("looking up due deliveries failed")
                stop.wait(self.tick)

    def _round(self, pool: ThreadPoolExecutor) -> None:
        for key in outbox.due(self.sender.state, utcnow()):
            if self.dispatch is not None:
                self._hand_out(key)
                continue
            with self._lock:
                if key in self._busy:
                    continue
                self._busy.add(key)
            pool.submit(self._deliver, key)

    def _deliver(self, key: str) -> None:
        try:
            self.sender.deliver(key)
        except Exception:
            logger.exception("delivery %s: attempt failed; it stays due", key)
        finally:
            with self._lock:
                self._busy.discard(key)

    def _hand_out(self, key: str) -> None:
        later = (utcnow() + timedelta(seconds=self.sender.lease)).isoformat()
        self.sender.state.set(outbox.DUE + key, {"at": later})
        assert self.dispatch is not None
        self.dispatch(key)
        self.handed_out += 1

    def details(self) -> dict[str, Any]:
        return {**self.sender.counts, "handed_out": self.handed_out, "in_flight": len(self._busy)}
