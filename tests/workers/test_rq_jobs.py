"""Distributed mode in one process: real redis-server, real feed server, RQ SimpleWorker, real index."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from rq import Queue, SimpleWorker
from rq.job import JobStatus

from earful.config import AppConfig, parse_config
from earful.settings import Settings
from earful.state import SQLiteStateStore
from earful.state.redis_store import RedisStateStore
from search.embedded import EmbeddedIndex
from workers import jobs
from workers.rq_queue import QueueUnavailable, RQQueue, decode_batch, display_url, encode_batch
from workers.runtime import Runtime, open_runtime, writer_lock_held
from workers.scheduler import collect_all
from workers.spool import Spool


@pytest.fixture
def feeds_config(tmp_path: Path) -> Iterator[tuple[AppConfig, Path]]:
    """The demo feeds served by a local HTTP server, and the YAML config that collects them."""
    from cli.demo.feeds import demo_config
    from cli.demo.server import DemoServer

    with DemoServer() as server:
        raw = demo_config(server.base_url)
        path = tmp_path / "earful.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        yield parse_config(raw), path


@pytest.fixture
def dist_settings(settings: Settings, redis_url: str, feeds_config: tuple[AppConfig, Path],
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Distributed settings in the environment too, since workers build their processor from it."""
    env = {"EARFUL_REDIS_URL": redis_url, "EARFUL_CONFIG": str(feeds_config[1]),
           "EARFUL_JOB_RETRIES": "2", "EARFUL_JOB_RETRY_INTERVALS": "1"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    jobs.close_processor()
    yield Settings()
    jobs.close_processor()


def work(settings: Settings) -> bool:
    """One burst of an in-process worker on the mention queue (retries that are due included)."""
    runtime_queue = RQQueue(settings)
    worker = SimpleWorker([runtime_queue.queue], connection=runtime_queue.connection)
    return worker.work(burst=True, with_scheduler=True)


def inline_baseline(settings: Settings, config: AppConfig, tmp_path: Path) -> int:
    """How many mentions the embedded default stores from the same feeds."""
    other = settings.model_copy(update={"data_dir": tmp_path / "baseline", "redis_url": None})
    runtime = open_runtime(other, config)
    stats = collect_all(runtime, config.sources)
    count = runtime.index.count()
    runtime.close()
    assert count == stats.indexed - stats.duplicates > 0
    return count


def test_batches_are_queued_and_a_worker_indexes_them(dist_settings: Settings, feeds_config, tmp_path: Path) -> None:
    config, _ = feeds_config
    runtime = open_runtime(dist_settings)
    assert isinstance(runtime.queue, RQQueue) and isinstance(runtime.state, RedisStateStore)
    stats = collect_all(runtime, config.sources)
    assert not runtime.index_opened and not writer_lock_held(dist_settings)  # collecting never opens the index
    assert stats.indexed == 0 and stats.queued > 0
    assert stats.collected == stats.queued + sum(stats.dropped.values())
    assert runtime.queue.queue.count == len(config.sources)  # one batch per feed
    assert len(list(runtime.state.items("health:"))) == len(config.sources)
    runtime.close()

    assert work(dist_settings)
    jobs.close_processor()
    index = EmbeddedIndex(dist_settings.index_dir, writable=False)
    assert index.count() == inline_baseline(dist_settings, config, tmp_path)
    queue = Queue(dist_settings.mention_queue, connection=RQQueue(dist_settings).connection)
    assert queue.count == 0 and queue.failed_job_registry.count == 0
    assert queue.finished_job_registry.count == len(config.sources)


def test_a_failed_job_is_retried_and_indexed_exactly_once(dist_settings: Settings, make_raw,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    batch = [make_raw(f"m{i}", title=f"Acme Mobile outage report {i}", text=f"Acme Mobile was down in city {i}.")
             for i in range(5)]
    queue = RQQueue(dist_settings)
    queue.enqueue(batch)
    holder = EmbeddedIndex(dist_settings.index_dir)  # another writer holds the index: the job must fail
    work(dist_settings)
    [job_id] = queue.queue.scheduled_job_registry.get_job_ids()
    job = queue.queue.fetch_job(job_id)
    assert job is not None and job.get_status() == JobStatus.SCHEDULED
    assert "Only one process can write the embedded index" in caplog.text  # the worker says why
    holder.close()
    time.sleep(1.2)  # the retry interval
    assert work(dist_settings)
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert queue.queue.failed_job_registry.count == 0
    jobs.close_processor()
    index = EmbeddedIndex(dist_settings.index_dir, writable=False)
    assert index.count() == len(batch)
    assert sorted(m.id for m in index.get([raw.id for raw in batch])) == sorted(raw.id for raw in batch)


def test_redis_down_at_enqueue_spools_and_the_next_run_delivers(dist_settings: Settings, feeds_config,
                                                                free_port: Callable[[], int],
                                                                tmp_path: Path) -> None:
    config, _ = feeds_config
    down = dist_settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    state = SQLiteStateStore(dist_settings.data_dir / "state.sqlite3")
    spool = Spool(dist_settings.data_dir / "spool")
    outage = Runtime(down, config, None, state, RQQueue(down), spool)
    failed = collect_all(outage, config.sources)
    assert failed.queued == 0 and failed.errors["processing"] == len(config.sources)
    assert len(spool) == len(config.sources)
    with pytest.raises(QueueUnavailable, match="EARFUL_REDIS_URL"):
        outage.queue.enqueue(decode_batch(encode_batch([next(iter(spool.pending()))[1][0]])))

    recovered = Runtime(dist_settings, config, None, state, RQQueue(dist_settings), spool)
    again = collect_all(recovered, config.sources)  # the feeds answer 304; the spool is what is left
    assert len(spool) == 0 and again.queued == failed.collected - sum(failed.dropped.values())
    assert work(dist_settings)
    jobs.close_processor()
    state.close()
    index = EmbeddedIndex(dist_settings.index_dir, writable=False)
    assert index.count() == inline_baseline(dist_settings, config, tmp_path)


def test_payload_round_trips_and_urls_hide_passwords(make_raw) -> None:
    batch = [make_raw("a", title="Привет, Acme", text="שלום"), make_raw("b", text="x", lang_hint="fa")]
    assert decode_batch(encode_batch(batch)) == batch
    assert display_url("redis://:s3cret@redis:6379/0") == "redis://:***@redis:6379/0"
    assert display_url("redis://localhost:6379/0") == "redis://localhost:6379/0"


def test_workers_index_provisionally_and_refine_with_e5_in_the_background(dist_settings: Settings,
                                                                          make_raw) -> None:  # type: ignore[no-untyped-def]
    from workers.refine import open_refiner
    from workers.refine.redis_queue import RedisRefineQueue
    from workers.sentiment import is_pending

    batch = [make_raw("r1", "Acme Mobile", "I love the new Acme Mobile plan, the coverage is excellent."),
             make_raw("r2", "Globex", "Globex שירות גרוע, הקו נופל כל יום")]
    RQQueue(dist_settings).enqueue(batch)
    assert work(dist_settings)
    processor = jobs.processor()
    assert isinstance(processor.refine_queue, RedisRefineQueue)  # intake did not wait for e5
    stored = {m.id: m.sentiment for m in processor.index.get(["r1", "r2"])}
    assert all(is_pending(s) for s in stored.values()), stored
    assert processor.refine_queue.pending() == 2

    # Processes that only enqueue (earful run / collect: a lazy read-only index) leave it to workers.
    assert open_refiner(dist_settings, lambda: processor.index) is None
    refiner = open_refiner(dist_settings, processor.index)  # what `earful worker` runs beside its jobs
    assert refiner is not None and isinstance(refiner.queue, RedisRefineQueue)
    stats = refiner.run_once()
    assert (stats.taken, stats.refined, stats.failed) == (2, 2, 0)
    assert refiner.queue.pending() == 0
    refiner.queue.close()
    jobs.close_processor()
    index = EmbeddedIndex(dist_settings.index_dir, writable=False)
    refined = {m.id: m.sentiment for m in index.get(["r1", "r2"])}
    assert all(s.model is not None and s.model.startswith("e5") for s in refined.values()), refined
    assert refined["r1"].label == "positive" and refined["r2"].label == "negative"
