"""Real ``earful`` processes through crashes and outages: a worker killed with SIGKILL mid-batch, the
Elasticsearch emulator stopped and restarted under a worker and under ``collect --once``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pytest
import yaml
from rq import Queue

from earful.models import RawMention
from earful.settings import Settings
from search.factory import open_index
from tests.cli.crash_helpers import big_feed, feed_server
from tests.search.contract.conftest import Emulator
from workers.rq_queue import RQQueue
from workers.runtime import writer_lock_held


def _raws(prefix: str, n: int) -> list[RawMention]:
    when = datetime(2026, 11, 20, tzinfo=timezone.utc)
    return [RawMention(id=f"{prefix}{i}", source="feed", source_name="batch-feed", title=f"Acme report {i}",
                       text=f"acme {prefix} {i} " + "coverage billing support " * 40, brands=["acme"],
                       url=f"https://news.example.com/{prefix}{i}", published_at=when) for i in range(n)]


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_") and not k.lower().endswith("_proxy")}
    clean.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_REDIS_URL=redis_url, NO_PROXY="127.0.0.1",
                 EARFUL_SENTIMENT_SCORERS="*:vader", EARFUL_JOB_RETRIES="1", EARFUL_JOB_RETRY_INTERVALS="1")
    return clean


def _settings(env: dict[str, str]) -> Settings:
    return Settings(**{k[len("EARFUL_"):].lower(): v for k, v in env.items() if k.startswith("EARFUL_")})


def _wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    ends = time.monotonic() + timeout
    while not check():
        if time.monotonic() > ends:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


def _count(settings: Settings) -> int:
    try:
        index = open_index(settings, writable=False)
    except Exception:  # noqa: BLE001 - not created yet
        return 0
    try:
        return index.count()
    except Exception:  # noqa: BLE001 - not reachable yet
        return 0
    finally:
        index.close()


@pytest.fixture
def start_worker(earful_command: str, env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], psutil.Popen]]:
    started: list[psutil.Popen] = []
    logs: list[object] = []

    def start() -> psutil.Popen:
        log = (tmp_path / f"worker{len(started)}.log").open("w")
        logs.append(log)
        process = psutil.Popen([earful_command, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
    for log in logs:
        log.close()  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.4, 1.2])
def test_a_worker_killed_mid_batch_leaves_no_orphans_and_its_batch_is_done_by_the_next(
        env: dict[str, str], start_worker: Callable[[], psutil.Popen], tmp_path: Path, delay: float) -> None:
    settings = _settings(env)
    queue = RQQueue(settings)
    batches = [_raws(f"b{n}-", 1500) for n in range(3)]
    for batch in batches:
        queue.enqueue(batch)
    worker = start_worker()
    _wait(lambda: queue.queue.started_job_registry.count > 0, 60, "the worker to start a batch")
    time.sleep(delay)
    family = worker.children(recursive=True)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, f"processes outlived the killed worker: {[p.cmdline() for p in alive]}"
    assert not writer_lock_held(settings)  # nothing kept the embedded index's writer lock

    started = time.monotonic()
    again = start_worker()  # starts cleanly: no lock, no stale scheduler
    total = sum(len(b) for b in batches)
    _wait(lambda: _count(settings) == total and queue.queue.count == 0
          and queue.queue.started_job_registry.count == 0, 90, "every batch to be indexed")
    assert time.monotonic() - started < 60
    assert queue.queue.failed_job_registry.count == 0
    again.send_signal(signal.SIGTERM)
    assert again.wait(60) == 0


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    emulator = Emulator(tmp_path / "es", port)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.mark.slow
def test_an_index_outage_longer_than_every_retry_is_waited_out_by_the_worker(
        env: dict[str, str], emulator: Emulator, start_worker: Callable[[], psutil.Popen]) -> None:
    env.update(EARFUL_ES_URL=emulator.url, EARFUL_JOB_TIMEOUT="12")  # waits 6 s per job, then requeues
    settings = _settings(env)
    emulator.stop()
    queue = RQQueue(settings)
    batches = [_raws(f"o{n}-", 200) for n in range(4)]
    for batch in batches:
        queue.enqueue(batch)
    worker = start_worker()
    time.sleep(25)  # retries (1 after 1 s) and several waits of half the job timeout are long over
    jobs = Queue(settings.mention_queue, connection=queue.connection)
    assert jobs.failed_job_registry.count == 0
    assert worker.is_running()
    emulator.start()
    _wait(lambda: _count(settings) == 800, 120, "the batches to be indexed once the index is back")
    assert jobs.failed_job_registry.count == 0 and jobs.count == 0


def _feed_env(env: dict[str, str], tmp_path: Path, url: str, es_url: str) -> dict[str, str]:
    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                                      "sources": [{"name": "big", "type": "feed", "url": url}]}))
    out = {k: v for k, v in env.items() if k not in ("EARFUL_REDIS_URL",)}
    out.update(EARFUL_CONFIG=str(config), EARFUL_ES_URL=es_url, EARFUL_ES_TIMEOUT="2", EARFUL_BATCH_SIZE="100")
    return out


@pytest.mark.slow
def test_collect_once_tells_the_truth_about_an_outage_and_credits_the_spool(
        earful_command: str, env: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    with feed_server(big_feed(300, words_per_item=20)) as server:
        feed_env = _feed_env(env, tmp_path, server.url, emulator.url)
        emulator.stop()
        down = subprocess.run([earful_command, "collect", "--once"], env=feed_env, capture_output=True,
                              text=True, timeout=300)
        assert down.returncode == 1 and "could not store" in down.stderr, down.stderr
        [source] = json.loads(subprocess.run([earful_command, "sources", "--json"], env=feed_env,
                                             capture_output=True, text=True, timeout=60).stdout)
        assert source["status"] == "error" and "spool" in source["last_error"]
        assert source["spooled"] == 300 and source["total_indexed"] == 0

        emulator.start()
        up = subprocess.run([earful_command, "collect", "--once"], env=feed_env, capture_output=True,
                            text=True, timeout=300)
        assert up.returncode == 0, up.stderr
        assert _count(_settings(feed_env)) == 300
        [source] = json.loads(subprocess.run([earful_command, "sources", "--json"], env=feed_env,
                                             capture_output=True, text=True, timeout=60).stdout)
        assert source["spooled"] == 0 and source["total_indexed"] == 300
        assert source["status"] in ("ok", "not_modified") and not source["last_error"]
        assert server.requests == 2  # the cursor moved on once the mentions were spooled: no refetch needed
