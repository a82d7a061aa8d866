"""Item pipeline: spider items → the same processing as feeds.

Two sinks:
- ``EARFUL_OUTPUT`` set (a collector started this crawl in a subprocess): JSON lines to that file,
  read back by the collector, which hands them to processing and records health like any other source;
- otherwise the class the ``EARFUL_SINK`` setting names, built with the source's name: for
  ``scrapy crawl`` by hand, scrapy.cfg's settings name the processing stage's sink, which hands
  batches to the queue of the runtime it opens (a failed batch is spooled, never lost).
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import load_object

from crawlers.items import PageItem

logger = logging.getLogger(__name__)


class Sink(ABC):
    """Where the pipeline puts what the spider found."""

    @abstractmethod
    def add_mentions(self, mentions: list[str]) -> None:
        """RawMention JSON, as the spider encoded it."""

    @abstractmethod
    def add_aggregates(self, aggregates: list[str]) -> None:
        """AggregateItem JSON, as the spider encoded it."""

    @abstractmethod
    def close(self, summary: dict[str, Any]) -> None: ...


class JsonLinesSink(Sink):
    """One JSON object a line: {"kind": "mention" | "aggregate" | "summary", "data": {...}}."""

    def __init__(self, path: str) -> None:
        self._file: IO[str] = Path(path).open("a", encoding="utf-8")

    def _write(self, kind: str, data: dict[str, Any]) -> None:
        self._file.write(json.dumps({"kind": kind, "data": data}, ensure_ascii=False, default=str) + "\n")

    def add_mentions(self, mentions: list[str]) -> None:
        self._file.write("".join(f'{{"kind": "mention", "data": {data}}}\n' for data in mentions))

    def add_aggregates(self, aggregates: list[str]) -> None:
        self._file.write("".join(f'{{"kind": "aggregate", "data": {data}}}\n' for data in aggregates))

    def close(self, summary: dict[str, Any]) -> None:
        self._write("summary", summary)
        self._file.close()


class MentionPipeline:
    """Hands page items to the sink; anything else is dropped with a reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.output: str | None = crawler.settings.get("EARFUL_OUTPUT")
        self.sink: Sink | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MentionPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        job = getattr(self.crawler.spider, "job", None)
        name = job.source.name if job is not None else "adhoc"
        self.sink = JsonLinesSink(self.output) if self.output else self._configured_sink(name)

    def _configured_sink(self, source_name: str) -> Sink:
        path = self.crawler.settings.get("EARFUL_SINK")
        if not path:
            raise NotConfigured("nowhere to put the items: set EARFUL_OUTPUT (a file) or EARFUL_SINK (a Sink "
                                "class); scrapy.cfg's settings deliver them to processing")
        sink: Sink = load_object(path)(source_name)
        return sink

    def process_item(self, item: Any) -> Any:
        assert self.sink is not None
        if not isinstance(item, PageItem):
            raise DropItem(f"not an Earful item: {type(item).__name__}")
        if item.mentions:
            self.sink.add_mentions(item.mentions)
        if item.aggregates:
            self.sink.add_aggregates(item.aggregates)
        return item

    def close_spider(self) -> None:
        if self.sink is None:
            return
        spider = self.crawler.spider
        take_outbox = getattr(spider, "take_outbox", None)  # pages a spider read but has not yielded yet
        if take_outbox is not None and (rest := take_outbox()) is not None:
            self.process_item(rest)
        summary: dict[str, Any] = getattr(spider, "summary", dict)()
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        summary["scrapy"] = {k: v for k, v in stats.items() if isinstance(v, int | float)}
        summary["finish_reason"] = stats.get("finish_reason")
        self.sink.close(summary)
