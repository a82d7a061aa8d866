"""Items of a ``scrapy crawl`` run by hand go to processing, like a collector's: this process's runtime."""

from __future__ import annotations

import json
import logging
from typing import Any

from crawlers.crawl_job import remember
from crawlers.pipelines import Sink
from earful.models import RawMention
from earful.settings import Settings
from workers.collect import deliver
from workers.runtime import open_runtime

logger = logging.getLogger(__name__)


class RuntimeSink(Sink):
    """Delivers batches to this process's runtime; seen review ids are saved once delivered."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.runtime = open_runtime(Settings())
        self.batch: list[RawMention] = []
        self.aggregates: list[dict[str, Any]] = []
        self.delivered = 0

    def add_mentions(self, mentions: list[str]) -> None:
        for data in mentions:
            self.batch.append(RawMention.model_validate_json(data))
            if len(self.batch) >= self.runtime.settings.batch_size:
                self._flush()

    def add_aggregates(self, aggregates: list[str]) -> None:
        self.aggregates.extend(json.loads(data) for data in aggregates)

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            stats = deliver(self.runtime.queue, self.runtime.spool, batch, self.runtime.settings.batch_size)
            logger.info("%s: delivered %d mentions (%s)", self.source_name, len(batch), stats.summary())
            self.delivered += len(batch)
        reviews = [m.id for m in batch if m.source == "review"]
        if reviews or self.aggregates:
            remember(self.runtime.state, self.source_name, reviews, self.aggregates)

    def close(self, summary: dict[str, Any]) -> None:
        try:
            self._flush()
            logger.info("%s: %d mentions delivered; skipped %s; %s", self.source_name, self.delivered,
                        summary["skipped"] or "none", summary["counts"] or "")
        finally:
            self.runtime.close()
