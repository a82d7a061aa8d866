"""Several processes serving the API on one port, so searches use every core.

One API process holds the GIL for all its requests: with 8 concurrent clients on 2 cores it queues
them behind one core while the other idles. The role's process binds the port and serves on it;
``EARFUL_API_PROCESSES - 1`` replicas (child processes, supervised like the role's other groups:
restarted when they die, ended with the parent) inherit the listening socket and accept on it too,
so the kernel hands each connection to whichever process is free. Every process opens the index
read-only and the same state store; sessions, cursors and action links are signed with secrets that
all of them share. A replica answers /health with the services its parent last published (the
parent publishes every ``REPLICA_HEARTBEAT_S`` seconds and at once on a change).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

from earful.errors import ConfigError
from earful.settings import Settings
from earful.state import StateStore
from workers.services import ServiceHealth

API_FD_ENV = "EARFUL_API_FD"  # set by the parent in a replica's environment: the listening socket
MAX_AUTO_PROCESSES = 4
REPLICA_HEARTBEAT_S = 2.0


def process_count(settings: Settings) -> int:
    """EARFUL_API_PROCESSES, or one per core (at most ``MAX_AUTO_PROCESSES``)."""
    return settings.api_processes or max(1, min(os.cpu_count() or 1, MAX_AUTO_PROCESSES))


def listening_socket(host: str, port: int) -> socket.socket:
    """The API's socket, bound and listening, inheritable by the replicas."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise ConfigError(f"cannot serve the API on {host}:{port}: {exc.strerror or exc}; stop what uses "
                          "that port or choose another with EARFUL_PORT / --port") from None
    sock.set_inheritable(True)
    return sock


def inherited_socket() -> socket.socket | None:
    """In a replica: the parent's listening socket (None in any other process)."""
    fd = os.environ.pop(API_FD_ENV, None)
    return socket.socket(fileno=int(fd)) if fd else None


def parent_services(state: StateStore, parent_pid: int) -> Callable[[], list[ServiceHealth]]:
    """In a replica: the services of the role's process as it last published them."""
    from workers.services.heartbeat import published

    process = f"{socket.gethostname()}.{parent_pid}"

    def services() -> list[ServiceHealth]:
        return next((entry.services for entry in published(state) if entry.process == process), [])

    return services
