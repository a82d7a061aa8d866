"""``earful worker|scheduler|queue`` as users run them: real processes, real redis-server, real feeds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rq import Queue, SimpleWorker

from earful.config import AppConfig, parse_config
from earful.settings import Settings
from earful.state.redis_store import RedisStateStore
from search.embedded import EmbeddedIndex
from workers import jobs
from workers.rq_queue import RQQueue, connect
from workers.runtime import open_runtime
from workers.scheduler import collect_all


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[tuple[AppConfig, Path]]:
    from cli.demo.feeds import demo_config
    from cli.demo.server import DemoServer

    with DemoServer() as server:
        raw = demo_config(server.base_url, interval="1h")
        path = tmp_path / "earful.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        yield parse_config(raw), path


@pytest.fixture
def env(tmp_path: Path, redis_url: str, feeds: tuple[AppConfig, Path],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The same distributed settings for the subprocesses and for this process."""
    values = {"EARFUL_DATA_DIR": str(tmp_path / "data"), "EARFUL_REDIS_URL": redis_url,
              "EARFUL_CONFIG": str(feeds[1]), "EARFUL_JOB_RETRIES": "1", "EARFUL_JOB_RETRY_INTERVALS": "0"}
    for name in [n for n in os.environ if n.startswith("EARFUL_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    jobs.close_processor()
    yield {**{k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")},
           "NO_PROXY": "127.0.0.1,localhost"}
    jobs.close_processor()


def run(earful_command: str, *args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, *args], env=env, capture_output=True, text=True, timeout=timeout)


def status(earful_command: str, env: dict[str, str]) -> dict[str, int]:
    result = run(earful_command, "queue", "status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    [row] = [q for q in json.loads(result.stdout)["queues"] if q["queue"] == "mentions"]
    return row


def test_worker_commands_without_redis_say_what_to_set(earful_command: str, tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    clean["EARFUL_DATA_DIR"] = str(tmp_path / "data")
    for args in (("worker", "--burst"), ("queue", "status"), ("queue", "retry-failed")):
        result = run(earful_command, *args, env=clean)
        assert result.returncode == 2 and "EARFUL_REDIS_URL" in result.stderr, args


def test_failed_jobs_are_kept_shown_and_requeued(earful_command: str, env: dict[str, str], make_raw) -> None:
    settings = Settings()
    batch = [make_raw(f"q{i}", title=f"Acme Mobile refund {i}", text="Acme Mobile refunded me twice.")
             for i in range(5)]
    queue = RQQueue(settings)
    queue.enqueue(batch)
    assert status(earful_command, env)["queued"] == 1

    holder = EmbeddedIndex(settings.index_dir)  # a second writer on the embedded index
    refused = run(earful_command, "worker", "--burst", env=env)
    assert refused.returncode == 1
    assert "Only one process can write the embedded index" in refused.stderr and "EARFUL_ES_URL" in refused.stderr
    SimpleWorker([queue.queue], connection=queue.connection).work(burst=True)  # fails, retries once, fails
    holder.close()
    jobs.close_processor()
    failed = status(earful_command, env)
    assert failed["failed"] == 1 and failed["queued"] == 0
    text = run(earful_command, "queue", "status", env=env)
    assert "mentions" in text.stdout and "earful queue retry-failed" in text.stderr

    retried = run(earful_command, "queue", "retry-failed", env=env)
    assert retried.returncode == 0 and "requeued 1 failed jobs" in retried.stderr
    assert status(earful_command, env)["queued"] == 1
    worked = run(earful_command, "worker", "--burst", env=env)
    assert worked.returncode == 0, worked.stderr
    assert "process_batch: 5 mentions from test-feed" in worked.stderr and "batch of 5" in worked.stderr
    assert "refined 5 mentions" in worked.stderr  # a burst worker refines after its jobs
    after = status(earful_command, env)
    assert after["queued"] == 0 and after["failed"] == 0
    assert EmbeddedIndex(settings.index_dir, writable=False).count() == len(batch)


@pytest.mark.slow
def test_scheduler_and_worker_processes_collect_everything(earful_command: str, env: dict[str, str],
                                                           feeds: tuple[AppConfig, Path], tmp_path: Path) -> None:
    config, _ = feeds
    settings = Settings()
    baseline_settings = settings.model_copy(update={"data_dir": tmp_path / "baseline", "redis_url": None})
    baseline = open_runtime(baseline_settings, config)
    collect_all(baseline, config.sources)
    expected = baseline.index.count()
    baseline.close()

    logs = {name: (tmp_path / f"{name}.log").open("w+") for name in ("worker", "scheduler")}
    procs = {"worker": subprocess.Popen([earful_command, "worker"], env=env, stderr=logs["worker"],
                                        stdout=subprocess.DEVNULL),
             "scheduler": subprocess.Popen([earful_command, "scheduler", "--tick", "1"], env=env,
                                           stderr=logs["scheduler"], stdout=subprocess.DEVNULL)}
    state = RedisStateStore.from_url(settings.redis_url or "")
    queue = Queue(settings.mention_queue, connection=connect(settings))
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            collected = len(list(state.items("health:"))) == len(config.sources)
            if collected and queue.finished_job_registry.count == len(config.sources):
                break
            assert all(proc.poll() is None for proc in procs.values()), "a service exited early"
            time.sleep(0.5)
        else:
            pytest.fail("the scheduler and worker did not finish one round in 180 s")
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        codes = {name: proc.wait(timeout=60) for name, proc in procs.items()}
        state.close()
    output = {}
    for name, handle in logs.items():
        handle.seek(0)
        output[name] = handle.read()
        handle.close()
    assert codes == {"worker": 0, "scheduler": 0}, output
    assert EmbeddedIndex(settings.index_dir, writable=False).count() == expected
    assert f"scheduler: {len(config.sources)} sources" in output["scheduler"]
    assert "queued" in output["scheduler"] and "scheduler: stopped" in output["scheduler"]
    assert output["worker"].count("batch of") == len(config.sources)
    assert queue.failed_job_registry.count == 0
