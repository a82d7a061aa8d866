"""The RQ job that sends one delivery in a worker (distributed mode), and how it is handed out."""

from __future__ import annotations

import threading
from collections.abc import Callable

from earful.settings import Settings
from earful.state import open_state
from workers.delivery.sender import Sender
from workers.delivery.transports import open_sender

DELIVER = "workers.delivery.jobs.deliver"
_lock = threading.Lock()
_sender: Sender | None = None


def deliver(key: str) -> str:
    """One attempt at delivery ``key`` (once, under its lease, whichever worker runs it)."""
    global _sender
    with _lock:
        if _sender is None:
            settings = Settings()
            _sender = open_sender(settings, open_state(settings))
    return _sender.deliver(key)


def rq_dispatch(settings: Settings, connection: object) -> Callable[[str], None]:
    """Hands a due delivery to the workers: a job at the front of the mention queue."""
    from rq import Queue

    queue = Queue(settings.mention_queue, connection=connection)  # type: ignore[arg-type]

    def dispatch(key: str) -> None:
        queue.enqueue(DELIVER, key, at_front=True, job_timeout=120, result_ttl=3600,
                      description=f"deliver {key[:120]}")

    return dispatch

