"""Services and the supervisor: start, run until stopped, stop cleanly on a signal, report health."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from earful.models import utcnow
from earful.state import SQLiteStateStore
from workers.services import Service, Supervisor, published
from workers.services.heartbeat import PREFIX


class Loop(Service):
    """Counts ticks until stopped; ``fail_after`` ticks it raises instead."""

    def __init__(self, name: str, *, fail_after: int | None = None, main_thread: bool = False) -> None:
        super().__init__()
        self.name = name
        self.main_thread = main_thread
        self.fail_after = fail_after
        self.ticks = 0
        self.closed = False

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(0.01):
            self.ticks += 1
            if self.fail_after is not None and self.ticks >= self.fail_after:
                raise RuntimeError("disk on fire")

    def close(self) -> None:
        self.closed = True

    def details(self) -> dict[str, Any]:
        return {"ticks": self.ticks}


class Blocking(Service):
    """Blocks on something else than the stop event; ``interrupt`` releases it."""

    name = "blocking"

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def run(self, stop: threading.Event) -> None:
        self.release.wait()

    def interrupt(self) -> None:
        self.release.set()


class Once(Service):
    name = "once"

    def run(self, stop: threading.Event) -> None:
        time.sleep(0.05)


def run_in_thread(supervisor: Supervisor) -> tuple[threading.Thread, list[int]]:
    code: list[int] = []
    thread = threading.Thread(target=lambda: code.append(supervisor.run()))
    thread.start()
    return thread, code


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_services_run_until_stopped_then_close() -> None:
    loop, blocking = Loop("loop"), Blocking()
    supervisor = Supervisor("test", [loop, blocking])
    thread, code = run_in_thread(supervisor)
    wait_for(lambda: loop.ticks > 2)
    assert [h.state for h in supervisor.health()] == ["running", "running"]
    supervisor.stop()
    thread.join(timeout=10)
    assert code == [0] and loop.closed
    assert [(h.name, h.state) for h in supervisor.health()] == [("loop", "stopped"), ("blocking", "stopped")]
    assert supervisor.health()[0].details["ticks"] == loop.ticks


def test_a_failing_service_stops_the_others_and_the_role_fails() -> None:
    healthy, failing = Loop("healthy"), Loop("failing", fail_after=3)
    supervisor = Supervisor("test", [healthy, failing])
    thread, code = run_in_thread(supervisor)
    thread.join(timeout=10)
    assert code == [1]
    states = {h.name: h for h in supervisor.health()}
    assert states["failing"].state == "failed" and states["failing"].error == "RuntimeError: disk on fire"
    assert states["healthy"].state == "stopped" and healthy.closed


def test_a_service_that_finishes_ends_the_role_cleanly() -> None:
    loop = Loop("loop")
    supervisor = Supervisor("test", [Once(), loop])
    thread, code = run_in_thread(supervisor)
    thread.join(timeout=10)
    assert code == [0] and [h.state for h in supervisor.health()] == ["finished", "stopped"]


def test_sigterm_stops_every_service_including_the_main_thread_one() -> None:
    foreground, background = Loop("foreground", main_thread=True), Loop("background")
    supervisor = Supervisor("test", [foreground, background])
    before = signal.getsignal(signal.SIGTERM)
    threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGTERM)).start()
    assert supervisor.run() == 0  # in the main thread, as the commands run it
    assert foreground.ticks > 0 and background.ticks > 0
    assert [h.state for h in supervisor.health()] == ["stopped", "stopped"]
    assert signal.getsignal(signal.SIGTERM) == before  # handlers restored


def test_two_main_thread_services_are_refused() -> None:
    with pytest.raises(ValueError, match="main thread"):
        Supervisor("test", [Loop("a", main_thread=True), Loop("b", main_thread=True)])


def test_health_is_published_in_the_state_store_while_running(tmp_path: Path) -> None:
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    loop = Loop("loop")
    supervisor = Supervisor("run", [loop], state=state, heartbeat_every=0.05)
    thread, _ = run_in_thread(supervisor)
    wait_for(lambda: bool(published(state)) and published(state)[0].services[0].state == "running")
    [entry] = published(state)
    assert entry.role == "run" and entry.alive and entry.process.endswith(f".{os.getpid()}")
    assert entry.services[0].name == "loop" and "ticks" in entry.services[0].details
    supervisor.stop()
    thread.join(timeout=10)
    assert published(state) == []  # a clean stop removes the entry


def test_a_silent_process_is_gone_and_later_forgotten(tmp_path: Path) -> None:
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    then = utcnow() - timedelta(minutes=5)
    entry = {"process": "host.1", "role": "worker", "started_at": then.isoformat(), "updated_at": then.isoformat(),
             "services": []}
    state.set(PREFIX + "host.1", entry)
    state.set(PREFIX + "host.2", {**entry, "process": "host.2", "updated_at": (then - timedelta(days=2)).isoformat()})
    state.set(PREFIX + "host.3", {"not": "a health entry"})
    [gone] = published(state)
    assert gone.process == "host.1" and not gone.alive
    assert state.get(PREFIX + "host.2") is None  # older than a day: removed
