"""A role's service group in a child process: supervised (a crash is restarted), stopped with its parent by
SIGTERM or Ctrl-C, never outliving a parent killed with SIGKILL; the API reads what the child writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import yaml

from workers.runtime import writer_lock_held
from workers.services import ChildGroup
from workers.services import group as group_module


@pytest.fixture
def demo_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    from cli.demo.feeds import demo_config
    from cli.demo.server import DemoServer

    with DemoServer() as server:
        config = tmp_path / "earful.yaml"
        config.write_text(yaml.safe_dump(demo_config(server.base_url)), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
        env.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_CONFIG=str(config),
                   EARFUL_SENTIMENT_SCORERS="*:vader")
        yield env


def _health(port: int) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
    return body


def _until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _child_pid(port: int) -> int | None:
    services = _health(port)["services"]
    scheduler = next(s for s in services if s["name"] == "scheduler")
    return scheduler["details"].get("pid") if scheduler["state"] == "running" else None


def _start(earful_command: str, env: dict[str, str], port: int) -> psutil.Popen:
    return psutil.Popen([earful_command, "run", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.mark.slow
def test_the_api_serves_what_the_child_collects_and_a_crashed_child_is_restarted(
        earful_command: str, demo_env: dict[str, str], free_port: Any) -> None:
    port = free_port()
    parent = _start(earful_command, demo_env, port)
    try:
        child = _until(lambda: _child_pid(port), 60, "the collecting child")
        assert child != parent.pid and psutil.Process(child).ppid() == parent.pid
        _until(lambda: httpx.get(f"http://127.0.0.1:{port}/api/v1/mentions", timeout=5).json()["total"] > 0,
               120, "mentions collected by the child to be searchable in the parent")
        os.kill(child, signal.SIGKILL)
        answered = httpx.get(f"http://127.0.0.1:{port}/api/v1/mentions", params={"q": "acme"}, timeout=5)
        assert answered.status_code == 200  # the API does not depend on the child
        restarted = _until(lambda: (pid := _child_pid(port)) and pid != child and pid, 60, "a new child")
        scheduler = next(s for s in _health(port)["services"] if s["name"] == "scheduler")
        assert scheduler["details"]["restarts"] == 1 and psutil.Process(restarted).ppid() == parent.pid
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(60) == 0
        assert not psutil.pid_exists(restarted) or psutil.Process(restarted).status() == psutil.STATUS_ZOMBIE
    finally:
        if parent.poll() is None:
            parent.kill()


@pytest.mark.slow
@pytest.mark.parametrize("moment", [0.0, 1.5, 5.0])
def test_a_parent_killed_with_sigkill_leaves_no_child_behind(earful_command: str, demo_env: dict[str, str],
                                                             free_port: Any, moment: float) -> None:
    from earful.settings import Settings

    port = free_port()
    parent = _start(earful_command, demo_env, port)
    try:
        child = _until(lambda: _child_pid(port), 60, "the collecting child")
        time.sleep(moment)
        family = parent.children(recursive=True)
        parent.kill()
        parent.wait(10)
        _, alive = psutil.wait_procs(family, timeout=15)
        assert not alive and not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE
        assert not writer_lock_held(Settings(data_dir=Path(demo_env["EARFUL_DATA_DIR"])))
    finally:
        if parent.poll() is None:
            parent.kill()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_process_group_stops_both(earful_command: str, demo_env: dict[str, str], free_port: Any,
                                                   sig: signal.Signals) -> None:
    port = free_port()
    parent = _start(earful_command, demo_env, port)
    try:
        child = _until(lambda: _child_pid(port), 60, "the collecting child")
        os.killpg(parent.pid, sig)  # what a terminal's Ctrl-C (or a service manager) does
        assert parent.wait(60) == 0
        _, alive = psutil.wait_procs([psutil.Process(child)] if psutil.pid_exists(child) else [], timeout=15)
        assert not alive
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_child_that_keeps_dying_ends_the_group_as_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(group_module, "MAX_RESTARTS", 2)
    marker = tmp_path / "starts"
    command = [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('x'); raise SystemExit(3)"]
    group = ChildGroup("flaky", ["one"], command, first_pause=0.05)
    stop = threading.Event()
    group.serve(stop)
    assert group.state == "failed" and "died 3 times" in (group.health().error or "")
    assert marker.read_text() == "xxx"
    [reported] = group.healths()
    assert reported.name == "one" and reported.state == "failed"


def test_a_child_that_ends_cleanly_ends_the_group(tmp_path: Path) -> None:
    group = ChildGroup("once", ["one"], [sys.executable, "-c", "pass"])
    group.serve(threading.Event())
    assert group.state == "finished" and group.restarts == []


def test_stopping_the_group_stops_the_child_with_sigterm(tmp_path: Path) -> None:
    marker = tmp_path / "term"
    code = ("import signal, sys, time\n"
            f"signal.signal(signal.SIGTERM, lambda *a: (open({str(marker)!r}, 'w').write('term'), sys.exit(0)))\n"
            "time.sleep(60)\n")
    group = ChildGroup("sleepy", ["one"], [sys.executable, "-c", code])
    stop = threading.Event()
    runner = threading.Thread(target=group.serve, args=(stop,))
    runner.start()
    _until(lambda: group.process is not None and psutil.pid_exists(group.process.pid), 10, "the child")
    time.sleep(0.5)
    stop.set()
    runner.join(30)
    assert not runner.is_alive() and marker.read_text() == "term" and group.state == "stopped"


def test_a_group_can_run_at_a_lower_cpu_priority(tmp_path: Path) -> None:
    out = tmp_path / "nice"
    code = f"import os; open({str(out)!r}, 'w').write(str(os.nice(0)))"
    group = ChildGroup("background", ["one"], [sys.executable, "-c", code], nice=7)
    group.serve(threading.Event())
    assert int(out.read_text()) == os.nice(0) + 7
