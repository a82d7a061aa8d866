"""The sockets under a fetch: one deadline for the whole request, cancellable, and no redirect into a private network.

``Deadline`` bounds everything a request does (name lookup, connect, TLS, headers, body, every
redirect): each socket wait is cut into short slices, so a server that drips a byte now and then
still ends at the deadline, and a shutdown (``cancel``) ends a fetch within a fraction of a second.
``AddressGuard`` decides where a request may connect: the configured URL's own host and port
anywhere (the operator chose it, even on a local network), anything else only at public addresses.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import httpcore

from earful.errors import SourceError

SLICE = 0.25  # seconds a socket waits before the deadline and the cancel flag are looked at again
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")
_DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Cancelled(SourceError):
    """The fetch was abandoned because the process is stopping."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}: not fetched, Earful is stopping", kind="cancelled")


class Deadline:
    """When a request must be done by, and whether it was cancelled."""

    def __init__(self, seconds: float, cancel: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.cancel = cancel
        self.expired = False

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def slice(self, timeout: float | None) -> float:
        """How long the next socket wait may take; raises once cancelled or past the deadline."""
        if self.cancel is not None and self.cancel.is_set():
            raise httpcore.ReadError("cancelled")
        left = self.remaining()
        if left <= 0:
            self.expired = True
            raise httpcore.ReadTimeout("deadline")
        return max(0.001, min(SLICE, left, timeout if timeout is not None else left))

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address (not loopback, private, link-local, reserved, multicast …)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def port_of(scheme: str, port: int | None) -> int:
    return port if port is not None else _DEFAULT_PORTS.get(scheme, 80)


class AddressGuard:
    """Where a fetch that started at ``host``:``port`` may connect."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host.lower().strip("[]")
        self.ports = {port} | ({80, 443} if port in (80, 443) else set())  # http ↔ https on the same host

    def trusted(self, host: str, port: int) -> bool:
        return host.lower().strip("[]") == self.host and port in self.ports

    def check(self, host: str, port: int, addresses: Iterable[IPAddress]) -> None:
        if self.trusted(host, port):
            return
        for address in addresses:
            if not is_public(address):
                raise SourceError(f"refused to follow a redirect to {host}:{port}, which is a private, loopback "
                                  f"or link-local address ({address}); only the configured address may be "
                                  "local. Put the final address in the config if it really is that one",
                                  kind="bad_url")


def resolve(host: str, port: int, deadline: Deadline) -> list[IPAddress]:
    """The host's addresses, looked up within the deadline."""
    bare = host.strip("[]")
    try:
        return [ipaddress.ip_address(bare)]
    except ValueError:
        pass
    future = _RESOLVER.submit(socket.getaddrinfo, bare, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=max(0.001, deadline.remaining()))
    except FutureTimeout:
        deadline.expired = True
        raise httpcore.ConnectTimeout(f"looking up {bare} took too long") from None
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot look up {bare}: {exc}") from None
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sockets, checked by the guard and bounded by the deadline."""

    def __init__(self, deadline: Deadline, guard: AddressGuard) -> None:
        self.deadline = deadline
        self.guard = guard
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = resolve(host, port, self.deadline)
        self.guard.check(host, port, addresses)
        error: Exception | None = None
        for address in addresses:
            left = self.deadline.remaining()
            if left <= 0:
                self.deadline.expired = True
                raise httpcore.ConnectTimeout("deadline")
            wait = min(timeout, left) if timeout is not None else left
            try:
                stream = self.inner.connect_tcp(str(address), port, wait, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream, self.deadline)
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(0.0, self.deadline.remaining())))


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every wait is bounded by the deadline and the cancel flag."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        idle_since = time.monotonic()
        while True:
            wait = self.deadline.slice(timeout)
            try:
                return self.inner.read(max_bytes, wait)
            except httpcore.ReadTimeout:
                if timeout is not None and time.monotonic() - idle_since >= timeout:
                    raise  # silent for a whole read timeout

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        left = self.deadline.remaining()
        if left <= 0:
            self.deadline.expired = True
            raise httpcore.WriteTimeout("deadline")
        self.inner.write(buffer, min(timeout, left) if timeout is not None else left)

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        left = max(0.001, self.deadline.remaining())
        tls = self.inner.start_tls(ssl_context, server_hostname, min(timeout, left) if timeout is not None else left)
        return DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
