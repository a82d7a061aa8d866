"""The ``alerts`` service: the clock that evaluates every rule, as a role runs it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

from earful.alert_store import Incidents
from earful.config import parse_config
from earful.state import SQLiteStateStore
from search.embedded import EmbeddedIndex
from workers.alerts.evaluator import Evaluator
from workers.alerts.service import AlertService

from .conftest import NOW, Clock, mentions_between


def test_the_clock_notices_a_silence_without_any_batch(tmp_path: Path) -> None:
    index = EmbeddedIndex(tmp_path / "index")
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    try:
        index.upsert(mentions_between(NOW - timedelta(days=14), NOW - timedelta(hours=2), 2000))
        config = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                               "alerts": [{"id": "acme-quiet", "brand": "acme", "trigger": "silence"}]})
        service = AlertService(Evaluator(index, state, config, clock=Clock()), tick=0.05)
        stop = threading.Event()
        thread = threading.Thread(target=service.serve, args=(stop,))
        thread.start()
        deadline = time.monotonic() + 60
        while not Incidents(state).all() and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join(timeout=30)
        [incident] = Incidents(state).all()
        assert incident.trigger == "silence" and incident.state == "open"
        health = service.health()
        assert health.state == "stopped" and health.details["ticks"] >= 1 and health.details["rules"] == 1
        assert health.details["failures"] == 0
    finally:
        state.close()
        index.close()
