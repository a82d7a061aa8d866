"""How rq-upkeep tells a dead worker from a live one: its process on this host, its published health elsewhere."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import redis

from earful.models import utcnow
from earful.state.redis_store import RedisStateStore
from workers.rq_upkeep import worker_alive


def test_a_worker_on_this_host_is_alive_while_its_process_is() -> None:
    host = socket.gethostname()
    assert worker_alive(f"{host}.{os.getpid()}", None)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert not worker_alive(f"{host}.{gone.pid}", None)


def test_a_worker_elsewhere_is_judged_by_its_published_health(redis_url: str) -> None:
    state = RedisStateStore(redis.Redis.from_url(redis_url))
    now = utcnow()
    state.set("service:far-away.12", {"updated_at": now.isoformat()})
    state.set("service:far-away.13", {"updated_at": (now - timedelta(minutes=2)).isoformat()})
    assert worker_alive("far-away.12", state)
    assert not worker_alive("far-away.13", state)  # silent for more than a minute
    assert not worker_alive("far-away.14", state)  # never published, or long forgotten
    assert worker_alive("far-away.14", None)  # nothing to judge by: RQ's own timeout decides
