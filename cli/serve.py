"""Serving the API with uvicorn (the ``api`` service), with the bind-address safety check."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from earful.config import AppConfig
from earful.errors import ConfigError
from earful.settings import Settings
from earful.state import StateStore
from search.base import IndexBackend
from workers.services import Service, ServiceHealth

if TYPE_CHECKING:
    import uvicorn


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings, insecure: bool) -> None:
    """Refuse to expose an API without keys unless the user says so."""
    if not is_loopback(host) and not settings.api_keys and not insecure:
        raise ConfigError(f"refusing to serve on {host} without API keys: set EARFUL_API_KEYS="
                          "key1,key2 (clients send 'Authorization: Bearer KEY'), bind 127.0.0.1, "
                          "or pass --insecure if another layer guards access")


def api_server(settings: Settings, index: IndexBackend, host: str, port: int, *, config: AppConfig | None = None,
               state: StateStore | None = None,
               services: Callable[[], list[ServiceHealth]] | None = None) -> uvicorn.Server:
    """A uvicorn server for the API. ``config``/``state``: the running collector's, when there is one;
    ``services``: the health of this process's services, for /health."""
    import uvicorn

    from api.http_protocol import BoundedHttpTools
    from api.main import create_app

    app = create_app(settings, index, state, config=config, services=services)
    # Forwarded headers are believed only from EARFUL_TRUSTED_PROXIES (the app's middleware), never by default.
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False,
                                         http=BoundedHttpTools, loop="auto"))  # auto: uvloop


def serve_api(settings: Settings, index: IndexBackend, host: str, port: int, *,
              config: AppConfig | None = None, state: StateStore | None = None) -> None:
    """Blocks until interrupted (the demo; roles run the API as a service)."""
    api_server(settings, index, host, port, config=config, state=state).run()


class ApiService(Service):
    """The HTTP API in a thread of its own, on ``sock``, beside its ``replicas`` (child processes serving the
    same socket: ``cli.api_processes``); stopping it lets running requests finish."""

    name = "api"

    def __init__(self, server: uvicorn.Server, url: str, sock: socket.socket,
                 replicas: Sequence[Service] = ()) -> None:
        super().__init__()
        self.server = server
        self.url = url
        self.sock = sock
        self.replicas = list(replicas)

    def run(self, stop: threading.Event) -> None:
        replicas_stop = threading.Event()
        threads = [threading.Thread(target=replica.serve, args=(replicas_stop,), name=replica.name, daemon=True)
                   for replica in self.replicas]
        for thread in threads:
            thread.start()
        try:
            self.server.run(sockets=[self.sock])
        finally:
            replicas_stop.set()
            for replica in self.replicas:
                replica.interrupt()
            for thread in threads:
                thread.join(timeout=60)

    def interrupt(self) -> None:
        self.server.should_exit = True

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "started": bool(self.server.started),
                               "processes": 1 + len(self.replicas)}
        if self.replicas:
            out["replicas"] = [{"state": replica.state, "error": replica.health().error, **replica.details()}
                               for replica in self.replicas]
        return out
