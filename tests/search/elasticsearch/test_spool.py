"""Stopping Elasticsearch in the middle of an ingest loses no mention and stores none twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from earful.models import RawMention
from earful.rules import BrandMatcher
from search.base import SearchFilters, SearchRequest
from search.elasticsearch import ElasticsearchIndex
from workers.collect import deliver, retry_spooled
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.queue import InlineQueue
from workers.sentiment import default_router
from workers.spool import Spool
from workers.stats import RunStats

from ..contract.conftest import Emulator, es_url, open_es  # noqa: F401  (es_url: skip/fail policy)


class StoppingQueue(InlineQueue):
    """Processes inline, then stops the cluster once ``stop_after`` batches went through."""

    def __init__(self, processor: Processor, server: Emulator, stop_after: int) -> None:
        super().__init__(processor)
        self.server, self.stop_after, self.batches = server, stop_after, 0

    def enqueue(self, batch: Sequence[RawMention]) -> RunStats:
        stats = super().enqueue(batch)
        self.batches += 1
        if self.batches == self.stop_after:
            self.server.stop()
        return stats


@pytest.fixture
def server(tmp_path: Path, free_port: Callable[[], int], es_url: str) -> Iterator[Emulator]:  # noqa: F811
    emulator = Emulator(tmp_path / "es-data", free_port())
    emulator.start()
    yield emulator
    emulator.stop()


def test_batches_spooled_while_down_are_indexed_once_after_restart(
        server: Emulator, tmp_path: Path, make_raw, brands_config) -> None:  # type: ignore[no-untyped-def]
    index: ElasticsearchIndex = open_es(server.url, "earful-spool")
    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), default_router(), index)
    queue, spool = StoppingQueue(processor, server, stop_after=2), Spool(tmp_path / "spool")
    raws = [make_raw(f"m{i}", f"Acme Mobile update {i}", f"Acme Mobile network note number {i}")
            for i in range(50)]
    try:
        stats = deliver(queue, spool, raws, batch_size=10)
        assert stats.indexed == 20 and stats.errors["processing"] == 3
        assert sum(len(batch) for _, batch in spool.pending()) == 30
        assert retry_spooled(queue, spool).errors["processing"] == 1  # still down: kept for later
        assert len(list(spool.pending())) == 3

        server.start()
        retried = retry_spooled(queue, spool)
        assert retried.indexed == 30 and not list(spool.pending())
        retry_spooled(queue, spool)  # nothing left: nothing happens
        deliver(queue, spool, raws[:10], batch_size=10)  # re-collected items are upserts
        everything = SearchRequest(filters=SearchFilters(include_duplicates=True), sort="oldest", limit=500,
                                   highlight=False)
        stored = [h.mention.id for h in index.search(everything).hits]
        assert sorted(stored) == sorted(r.id for r in raws)
        assert index.client.count(index=index.names.read_alias)["count"] == 50
    finally:
        index.close()
