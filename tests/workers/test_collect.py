"""A collection run end to end: real feed server, real index; a failing index loses nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pytest

from earful.config import AppConfig, parse_config
from earful.errors import IndexUnavailable
from earful.models import Mention
from earful.settings import Settings
from earful.state import SQLiteStateStore
from search.embedded import EmbeddedIndex
from workers.collect import collect_source
from workers.health import load_health
from workers.queue import InlineQueue
from workers.runtime import Runtime, build_processor
from workers.scheduler import collect_all, due_sources
from workers.spool import Spool


class FlakyIndex(EmbeddedIndex):
    """The real index, refusing writes while ``down`` is set (an outage, not a mock)."""

    down = True

    def upsert(self, mentions: Sequence[Mention]) -> int:
        if self.down:
            raise IndexUnavailable("disk full (simulated)")
        return super().upsert(mentions)


@pytest.fixture
def demo_config() -> Iterator[AppConfig]:
    from cli.demo.feeds import demo_config
    from cli.demo.server import DemoServer

    with DemoServer() as server:
        yield parse_config(demo_config(server.base_url))


def runtime_for(settings: Settings, config: AppConfig, index: EmbeddedIndex) -> Runtime:
    return Runtime(settings=settings, config=config, index=index,
                   state=SQLiteStateStore(settings.state_path),
                   queue=InlineQueue(build_processor(settings, config, index)),
                   spool=Spool(settings.data_dir / "spool"))


def test_run_counts_add_up_and_health_is_recorded(settings: Settings, demo_config: AppConfig) -> None:
    settings.data_dir.mkdir(parents=True)
    runtime = runtime_for(settings, demo_config, EmbeddedIndex(settings.index_dir))
    stats = collect_all(runtime, demo_config.sources)
    assert stats.collected == sum(stats.dropped.values()) + stats.indexed + stats.errors["processing"]
    assert stats.dropped["no_brand"] > 0 and stats.duplicates > 0
    assert runtime.index.count() == stats.indexed - stats.duplicates
    health = load_health(runtime.state, demo_config.sources[0].name)
    assert health["last_status"] == "ok" and health["runs"] == 1 and health["next_run_at"]
    assert due_sources(runtime, datetime.now(timezone.utc)) == []  # next run is an interval away
    runtime.close()


def test_index_outage_spools_batches_and_the_next_run_stores_them(settings: Settings,
                                                                  demo_config: AppConfig) -> None:
    settings.data_dir.mkdir(parents=True)
    index = FlakyIndex(settings.index_dir)
    runtime = runtime_for(settings, demo_config, index)
    failed = collect_all(runtime, demo_config.sources)
    assert failed.indexed == 0 and failed.errors["processing"] >= len(demo_config.sources)
    assert len(runtime.spool) >= len(demo_config.sources)
    index.down = False
    recovered = collect_all(runtime, demo_config.sources)  # feeds answer 304 now
    assert len(runtime.spool) == 0 and recovered.indexed > 200
    fresh = EmbeddedIndex(settings.data_dir / "other-index")
    fresh_runtime = runtime_for(settings.model_copy(update={"data_dir": settings.data_dir / "other"}),
                                demo_config, fresh)
    baseline = collect_all(fresh_runtime, demo_config.sources)
    assert index.count() == fresh.count() == baseline.indexed - baseline.duplicates
    runtime.close()
    fresh_runtime.close()


def test_a_source_that_cannot_be_fetched_is_recorded_not_raised(settings: Settings, tmp_path: Path) -> None:
    settings.data_dir.mkdir(parents=True)
    config = parse_config({"brands": [{"id": "a", "name": "A", "query": "acme"}],
                           "sources": [{"name": "dead", "type": "feed", "url": "http://127.0.0.1:9/feed"}]})
    runtime = runtime_for(settings, config, EmbeddedIndex(settings.index_dir))
    stats = collect_source(config.sources[0], settings=settings, state=runtime.state, queue=runtime.queue,
                           spool=runtime.spool)
    assert stats.errors == {"connection": 1}
    health = load_health(runtime.state, "dead")
    assert health["last_status"] == "error" and health["errors_by_kind"] == {"connection": 1}
    assert "127.0.0.1:9" in health["last_error"] or "connect" in health["last_error"].lower()
    runtime.close()


class PickyQueue(InlineQueue):
    """Processes for real, but the index 'rejects' any batch holding a mention titled 'poison'."""

    def __init__(self, processor, *, down: bool = False) -> None:  # type: ignore[no-untyped-def]
        super().__init__(processor)
        self.down = down

    def enqueue(self, batch):  # type: ignore[no-untyped-def]
        if self.down:
            raise IndexUnavailable("connection refused (simulated)")
        if any(raw.title == "poison" for raw in batch):
            raise ValueError("mapping rejects this document (simulated)")
        return super().enqueue(batch)


def test_a_rejected_spooled_batch_is_set_aside_and_does_not_block_the_rest(settings: Settings, make_raw,
                                                                           brands_config) -> None:
    from workers.collect import retry_spooled

    settings.data_dir.mkdir(parents=True)
    index = EmbeddedIndex(settings.index_dir)
    spool = Spool(settings.data_dir / "spool")
    bad = spool.put([make_raw("p1", title="poison", text="acme")])
    spool.put([make_raw("g1", title="fine", text="acme mobile works")])
    queue = PickyQueue(build_processor(settings, brands_config, index), down=True)
    stopped = retry_spooled(queue, spool)
    assert stopped.errors["processing"] == 1 and len(spool) == 2  # index down: stop, keep both
    queue.down = False
    stats = retry_spooled(queue, spool)
    assert len(spool) == 0 and stats.indexed == 1 and stats.errors["processing"] == 1
    assert (spool.directory / "rejected" / bad.name).exists()  # kept for a person, not lost
    assert index.count() == 1
