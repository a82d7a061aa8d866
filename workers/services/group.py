"""A group of services in a child process of its own, run by the parent as one service.

The parent starts the child (a fresh interpreter running the role table's group), reads its
services' health from a pipe, restarts it with growing pauses when it dies (and gives up, ending
the parent cleanly, when it keeps dying), and stops it with SIGTERM when the parent stops. The
child watches its parent: it is sent SIGTERM by the kernel when the parent dies (Linux), and
checks its parent id besides, so a parent killed with SIGKILL leaves no orphan behind.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from earful.models import utcnow
from earful.processes import end_with_parent
from workers.services.base import Service, ServiceHealth

logger = logging.getLogger(__name__)

MAX_RESTARTS = 5  # within RESTART_WINDOW seconds; one more and the parent gives up
RESTART_WINDOW = 300.0


class ChildGroup(Service):
    """Runs ``command`` (a child that serves ``services`` and reports their health on fd ``HEALTH_FD``)."""

    def __init__(self, name: str, services: Sequence[str], command: Sequence[str], *,
                 stop_timeout: float = 55.0, first_pause: float = 1.0, nice: int = 0,
                 pass_fds: Sequence[int] = (), env: dict[str, str] | None = None) -> None:
        """``nice``: the child's CPU priority below the parent's (0-19), so background work yields to it;
        ``pass_fds``/``env``: file descriptors the child inherits and variables added to its environment."""
        super().__init__()
        self.pass_fds = tuple(pass_fds)
        self.env = dict(env or {})
        self.name = name
        self.services = list(services)
        self.command = list(command)
        self.stop_timeout = stop_timeout
        self.first_pause = first_pause
        self.nice = nice
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts: list[float] = []
        self._reported: list[ServiceHealth] = []
        self._note: str | None = None

    def run(self, stop: threading.Event) -> None:
        pause = self.first_pause
        while not stop.is_set():
            code = self._run_once(stop)
            if stop.is_set() or code == 0:
                return
            now = time.monotonic()
            self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW] + [now]
            if len(self.restarts) > MAX_RESTARTS:
                raise RuntimeError(f"the {self.name} process died {len(self.restarts)} times in "
                                   f"{RESTART_WINDOW:.0f}s (last exit code {code}); see its log above")
            self._note = f"the {self.name} process exited with code {code}; restarting in {pause:.0f}s"
            logger.error("%s", self._note)
            stop.wait(pause)
            pause = min(pause * 2, 30.0)

    def _run_once(self, stop: threading.Event) -> int:
        self._reported = []
        read_end, write_end = os.pipe()
        env = {**os.environ, **self.env, "EARFUL_HEALTH_FD": str(write_end), "EARFUL_PARENT_PID": str(os.getpid())}
        try:
            self.process = subprocess.Popen(self.command, env=env, pass_fds=(write_end, *self.pass_fds),
                                            preexec_fn=self._prepare)
        finally:
            os.close(write_end)
        reader = threading.Thread(target=self._read_health, args=(os.fdopen(read_end, "rb"),),
                                  name=f"{self.name}-health", daemon=True)
        reader.start()
        self._note = None
        while self.process.poll() is None and not stop.wait(0.2):
            pass
        if self.process.poll() is None:
            self._stop_child(self.process)
        reader.join(timeout=5)
        return self.process.wait()

    def _prepare(self) -> None:
        """In the child, before it runs: end with the parent, and step back on the CPU."""
        end_with_parent()
        if self.nice:
            os.nice(self.nice)

    def _stop_child(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            logger.warning("the %s process did not stop within %.0fs; killing it", self.name, self.stop_timeout)
            process.kill()

    def _read_health(self, pipe: IO[bytes]) -> None:
        with pipe:
            for line in pipe:
                try:
                    reported = [ServiceHealth.model_validate(item) for item in json.loads(line)]
                except ValueError:
                    logger.warning("unreadable health report from the %s process", self.name)
                    continue
                states = [h.state for h in reported] != [h.state for h in self._reported]
                self._reported = reported
                if states and self.changed is not None:
                    self.changed()

    def healths(self) -> list[ServiceHealth]:
        """The child's services as it last reported them (or as this side knows them)."""
        pid = self.process.pid if self.process is not None else None
        reported = self._reported or [ServiceHealth(name=name, state="starting", since=utcnow())
                                      for name in self.services]  # what the child has not reported yet
        out = []
        for health in reported:
            if self.state in ("failed", "stopped", "finished") and health.state in ("starting", "running"):
                health = health.model_copy(update={"state": self.state, "error": self.health().error})
            elif self._note and self.state == "running":
                health = health.model_copy(update={"state": "starting", "error": self._note})
            health.details = {**health.details, "process": self.name, "pid": pid,
                              "restarts": len(self.restarts)}
            out.append(health)
        return out

    def details(self) -> dict[str, Any]:
        return {"pid": self.process.pid if self.process else None, "services": self.services,
                "restarts": len(self.restarts)}


class PipeHeartbeat:
    """In the child: writes its services' health to the parent's pipe."""

    def __init__(self, fd: int, health: Any) -> None:
        self._out = os.fdopen(fd, "w", buffering=1)
        self.health = health

    def beat(self) -> None:
        try:
            self._out.write(json.dumps([h.model_dump(mode="json") for h in self.health()]) + "\n")
        except (OSError, ValueError):  # the parent is gone; the parent watch ends this process
            pass

    def clear(self) -> None:
        self.beat()
        try:
            self._out.close()
        except OSError:
            pass


def watch_parent(parent: int, on_gone: Any, every: float = 1.0) -> threading.Thread:
    """Calls ``on_gone`` once this process's parent is no longer ``parent`` (it died)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        logger.warning("the parent process %d is gone; stopping", parent)
        on_gone()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread
