"""The queue between collectors and processing. Embedded mode processes inline."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence

from earful.models import RawMention
from workers.pipeline import Processor
from workers.stats import RunStats


class MentionQueue(ABC):
    """Collectors hand batches here; where and when they are processed is the backend's business."""

    @abstractmethod
    def enqueue(self, batch: Sequence[RawMention]) -> RunStats:
        """Queue (or process) a batch; returns what is known so far about it."""


class InlineQueue(MentionQueue):
    """Processes each batch in the calling thread: the embedded default, no servers.

    Collectors run in parallel threads; the lock keeps one batch at a time in the
    index writer.
    """

    def __init__(self, processor: Processor) -> None:
        self.processor = processor
        self._lock = threading.Lock()

    def enqueue(self, batch: Sequence[RawMention]) -> RunStats:
        if not batch:
            return RunStats()
        with self._lock:
            return self.processor.process(batch)
