"""A slow or hostile source costs at most its own deadline: other sources go on, and a stop is immediate."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from earful.config import parse_config
from earful.settings import Settings
from earful.state import SQLiteStateStore
from search.embedded import EmbeddedIndex
from tests.cli.crash_helpers import big_feed, feed_server
from tests.crawlers.hostile import HostileServer, drip
from workers.health import load_health
from workers.queue import InlineQueue
from workers.runtime import Runtime, build_processor
from workers.scheduler import SchedulerService
from workers.spool import Spool


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


def _config(slow_url: str, good_url: str) -> dict[str, object]:
    return {"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
            "sources": [{"name": "slow", "type": "feed", "url": slow_url, "interval": 10},
                        {"name": "good", "type": "feed", "url": good_url, "interval": 10}]}


def test_a_dripping_source_never_holds_back_the_others(tmp_path: Path, hostile: HostileServer) -> None:
    slow = hostile.add(drip(b"HTTP/1.1 200 OK\r\n", byte=b"X", every=0.2, seconds=120))
    settings = Settings(data_dir=tmp_path / "data", fetch_timeout=8.0, sentiment_scorers={"*": "vader"})
    index = EmbeddedIndex(settings.index_dir)
    with feed_server(big_feed(20, words_per_item=10)) as good:
        config = parse_config(_config(slow, good.url))
        runtime = Runtime(settings, config, index, SQLiteStateStore(settings.state_path),
                          InlineQueue(build_processor(settings, config, index)), Spool(settings.data_dir / "spool"))
        service = SchedulerService(runtime, tick=0.2)
        stop = threading.Event()
        thread = threading.Thread(target=service.serve, args=(stop,))
        started = time.monotonic()
        thread.start()
        try:
            deadline = started + 20
            while load_health(runtime.state, "good").get("runs", 0) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            # the good source ran twice (10 s apart) while the slow one was still within its 24 s deadline
            assert load_health(runtime.state, "good")["runs"] >= 2
            assert load_health(runtime.state, "slow").get("runs", 0) == 0
        finally:
            stopping = time.monotonic()
            stop.set()
            thread.join(30)
            stopped_in = time.monotonic() - stopping
        runtime.close()
    assert not thread.is_alive() and stopped_in < 2.0  # the slow fetch was abandoned, not waited for
    assert load_health(SQLiteStateStore(settings.state_path), "slow").get("runs", 0) == 0  # not marked failed


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_collect_once_stops_at_once_on_a_signal(tmp_path: Path, hostile: HostileServer, earful_command: str,
                                                sig: signal.Signals) -> None:
    slow = hostile.add(drip(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n<rss>", byte=b" ",
                            every=0.1, seconds=120))
    config = tmp_path / "earful.yaml"
    with feed_server(big_feed(5, words_per_item=10)) as good:
        config.write_text(yaml.safe_dump(_config(slow, good.url)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
        env.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_CONFIG=str(config),
                   EARFUL_SENTIMENT_SCORERS="*:vader")  # default fetch timeout: a 60 s deadline
        process = subprocess.Popen([earful_command, "collect", "--once"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("[") and "good" in line:  # the good source is done; the slow one drips on
                break
        time.sleep(0.5)
        sent = time.monotonic()
        process.send_signal(sig)
        code = process.wait(timeout=30)
        elapsed = time.monotonic() - sent
        rest = process.stderr.read()
        process.stderr.close()
    assert elapsed < 3.0 and code == 130 and "Traceback" not in rest
    assert "collected by the next run" in rest
