"""Sends due deliveries: each under a lease, so across threads, processes and hosts it goes out once.

A channel's transport raises ``DeliveryError``: ``permanent`` when retrying cannot help (a 4xx from a
webhook, a refused recipient), otherwise the delivery waits its backoff and is tried again. One
channel's failure or slowness never holds another's delivery: each is its own attempt.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, Protocol

from earful.errors import EarfulError
from earful.models import utcnow
from earful.state import StateStore
from workers.delivery import outbox
from workers.delivery.outbox import Channel, Notification

logger = logging.getLogger(__name__)
LEASE_SECONDS = 45.0  # longer than any one attempt may take (transports' deadlines are shorter)


class DeliveryError(EarfulError):
    """A channel could not take a notification; ``permanent``: trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, notification: Notification, channel: Channel, key: str) -> None:
        """Hand the notification to the channel; DeliveryError when it was not taken."""


class Sender:
    """Delivers the outbox's due deliveries through one transport per channel kind."""

    def __init__(self, state: StateStore, transports: dict[str, Transport], *,
                 clock: Callable[[], Any] = utcnow, lease: float = LEASE_SECONDS) -> None:
        self.state, self.transports, self.clock, self.lease = state, transports, clock, lease
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.counts = {"sent": 0, "retrying": 0, "failed": 0}

    def deliver(self, key: str) -> str:
        """One attempt at the delivery ``key``: sent, retrying, failed, or busy/done/missing (nothing sent)."""
        name = f"delivery:{key}"
        if not self.state.try_lock(name, self.owner, self.lease):
            return "busy"
        try:
            return self._attempt(key)
        finally:
            self.state.unlock(name, self.owner)

    def deliver_due(self, executor: Executor | None = None) -> list[str]:
        """Every delivery due now (in ``executor``'s threads when given); their keys."""
        keys = outbox.due(self.state, self.clock())
        if executor is None:
            for key in keys:
                self.deliver(key)
        else:
            list(executor.map(self.deliver, keys))
        return keys

    def _attempt(self, key: str) -> str:
        record = self.state.get(outbox.DELIVERY + key)
        if record is None:
            self.state.delete(outbox.DUE + key)
            return "missing"
        if record.get("state") in ("sent", "failed"):
            self.state.delete(outbox.DUE + key)
            return "done"
        notification = outbox.stored(self.state, record["notification"])
        if notification is None:
            outbox.finish(self.state, record, self.clock(), "the notification is gone from the outbox", True)
            return "failed"
        record = outbox.claim_attempt(self.state, record, self.clock())
        channel = Channel(**record["channel"])
        error, permanent = self._send(notification, channel, key)
        record = outbox.finish(self.state, record, self.clock(), error, permanent)
        self.counts[record["state"]] += 1
        return str(record["state"])

    def _send(self, notification: Notification, channel: Channel, key: str) -> tuple[str | None, bool]:
        transport = self.transports.get(channel.kind)
        if transport is None:
            return f"no transport for {channel.kind} channels in this process", False
        try:
            transport.send(notification, channel, key)
        except DeliveryError as exc:
            logger.warning("delivery %s to %s: %s", key, channel.label, exc)
            return str(exc), exc.permanent
        except Exception as exc:  # a transport's bug must not lose the delivery: it is retried
            logger.exception("delivery %s to %s failed unexpectedly", key, channel.label)
            return f"{type(exc).__name__}: {exc}", False
        logger.info("delivered %s to %s", key, channel.label)
        return None, False
