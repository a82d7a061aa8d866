"""Runs a process role's services together: starts them, stops them all on a signal or when one ends.

Services run in threads, except one that needs the main thread (it relies on signals, like RQ's
worker), which runs there while the others run beside it. SIGTERM and SIGINT stop every
service; so does any service ending by itself (done, or failed). While they run, their health
is published in the state store (see ``heartbeat``), where ``earful sources`` reads it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from earful.state import StateStore
from workers.services.base import Service, ServiceHealth
from workers.services.group import PipeHeartbeat
from workers.services.heartbeat import Heartbeat

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Supervisor:
    """The services of one process role, run until stopped."""

    def __init__(self, role: str, services: Sequence[Service], *, state: StateStore | None = None,
                 heartbeat_every: float = 15.0, join_timeout: float = 60.0, health_fd: int | None = None) -> None:
        """``health_fd``: a child process reports its services' health to its parent there, instead of
        publishing it in the state store itself."""
        foreground = [s for s in services if s.main_thread]
        if len(foreground) > 1:
            raise ValueError(f"only one service can run in the main thread: {[s.name for s in foreground]}")
        self.role = role
        self.services = list(services)
        self.stop_event = threading.Event()
        self._foreground = foreground[0] if foreground else None
        self._threads: list[threading.Thread] = []
        self._heartbeat: Heartbeat | PipeHeartbeat | None = None
        if health_fd is not None:
            self._heartbeat, heartbeat_every = PipeHeartbeat(health_fd, self.health), min(heartbeat_every, 2.0)
        elif state is not None:
            self._heartbeat = Heartbeat(state, role, self.health)
        self._heartbeat_every = heartbeat_every
        self._beat_now = threading.Event()
        for service in self.services:
            service.changed = self.beat_now
        self._join_timeout = join_timeout

    def health(self) -> list[ServiceHealth]:
        return [health for service in self.services for health in service.healths()]

    def stop(self) -> None:
        """Ask every service to stop (from any thread)."""
        if self.stop_event.is_set():
            return
        self.stop_event.set()
        self._beat_now.set()
        for service in reversed(self.services):
            service.mark_stopping()
            try:
                service.interrupt()
            except Exception:
                logger.exception("service %s: could not be interrupted", service.name)

    def run(self) -> int:
        """Run until a signal or until a service ends; 0 when every service ended cleanly."""
        previous = self._install_signal_handlers()
        try:
            for service in self.services:
                if service is not self._foreground:
                    self._start_thread(service)
            if self._heartbeat is not None:
                self._start_heartbeat(self._heartbeat)
            if self._foreground is not None:
                self._foreground.serve(self.stop_event)
                self.stop()
            while not self.stop_event.wait(1.0):
                pass
        finally:
            self.stop()
            self._join()
            self._restore(previous)
            if self._heartbeat is not None:
                self._heartbeat.clear()
        return 1 if any(s.state == "failed" for s in self.services) else 0

    def _start_thread(self, service: Service) -> None:
        def serve() -> None:
            service.serve(self.stop_event)
            self.stop()  # one service ending ends the role

        thread = threading.Thread(target=serve, name=service.name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _start_heartbeat(self, heartbeat: Heartbeat | PipeHeartbeat) -> None:
        def beat() -> None:
            while not self.stop_event.is_set():
                heartbeat.beat()
                self._beat_now.wait(self._heartbeat_every)
                self._beat_now.clear()

        threading.Thread(target=beat, name="heartbeat", daemon=True).start()

    def beat_now(self) -> None:
        """Publish health now rather than at the next beat (a service's state changed)."""
        self._beat_now.set()

    def _join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=self._join_timeout)
            if thread.is_alive():
                logger.warning("service %s did not stop within %.0fs; leaving it", thread.name, self._join_timeout)

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def handle(signum: int, frame: FrameType | None) -> None:
            logger.info("%s: %s received, stopping", self.role, signal.Signals(signum).name)
            self.stop()

        return {signum: signal.signal(signum, handle) for signum in STOP_SIGNALS}

    @staticmethod
    def _restore(previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
