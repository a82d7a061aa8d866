"""Webhooks: a signed JSON POST per delivery, with a Slack-compatible ``text`` field.

``X-Earful-Signature: sha256=<hex>`` is HMAC-SHA256, with the endpoint's secret, over
``<X-Earful-Timestamp>.<body>``; a receiver recomputes it and refuses timestamps older than its replay
window (``verify``). ``X-Earful-Delivery`` (also ``Idempotency-Key``) is the same on every retry of a
delivery. 2xx is delivered; 408, 429, 5xx, timeouts and connection failures are retried with backoff;
any other 4xx is final. Redirects are not followed; the body read back is bounded; a rule made
through the API may only post to public addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import ssl
import time
from collections.abc import Mapping

import certifi
import httpcore

from crawlers.http.network import AddressGuard, Deadline, GuardedBackend, port_of
from earful import __version__
from earful.errors import SourceError
from earful.settings import Settings
from workers.delivery.outbox import Channel, Notification
from workers.delivery.sender import DeliveryError

REPLAY_WINDOW = 300  # seconds a receiver should accept a timestamp for
MAX_ANSWER = 64 * 1024
_SSL = ssl.create_default_context(cafile=certifi.where())


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: bytes, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           window: int = REPLAY_WINDOW) -> bool:
    """What a receiver does: the signature matches and the timestamp is within the replay window."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= window and hmac.compare_digest(sign(secret, timestamp, body), signature)


def body_of(notification: Notification, key: str) -> bytes:
    document = {"delivery": key, "notification": notification.id, "kind": notification.kind,
                "rule": notification.rule_id, "subject": notification.subject,
                "text": notification.payload.get("text") or notification.subject, **notification.payload}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode()


class WebhookTransport:
    """POSTs through the same guarded, deadline-bound sockets the collectors fetch with."""

    def __init__(self, settings: Settings, environ: Mapping[str, str] = os.environ) -> None:
        self.settings, self.environ = settings, environ
        self.timeout = min(settings.fetch_timeout, 10.0)

    def secret(self, channel: Channel) -> bytes | None:
        if channel.secret_env:
            value = self.environ.get(channel.secret_env)
            if not value:
                raise DeliveryError(f"{channel.secret_env} (the secret of webhook {channel.target}) is not set in "
                                    "this process's environment; set it and the delivery is retried")
            return value.encode()
        default = self.settings.webhook_secret
        return default.get_secret_value().encode() if default is not None else None

    def send(self, notification: Notification, channel: Channel, key: str) -> None:
        body = body_of(notification, key)
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "User-Agent": self.settings.user_agent,
                   "X-Earful-Delivery": key, "Idempotency-Key": key, "X-Earful-Timestamp": stamp,
                   "X-Earful-Version": __version__}
        secret = self.secret(channel)
        if secret is not None:
            headers["X-Earful-Signature"] = sign(secret, stamp, body)
        status = self._post(channel, headers, body)
        if 200 <= status < 300:
            return
        retried = status in (408, 425, 429) or status >= 500
        raise DeliveryError(f"{channel.target} answered {status}" + ("" if retried else "; not retried (a 4xx)"),
                            permanent=not retried)

    def _post(self, channel: Channel, headers: dict[str, str], body: bytes) -> int:
        url = httpcore.URL(channel.target)
        deadline = Deadline(self.timeout * 2)
        host = "" if channel.public_only else url.host.decode("ascii")  # "": no address is trusted
        guard = AddressGuard(host, port_of(url.scheme.decode(), url.port))
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self.timeout)
        try:
            with httpcore.ConnectionPool(ssl_context=_SSL, network_backend=GuardedBackend(deadline, guard),
                                         max_connections=1) as pool:
                with pool.stream("POST", channel.target, headers=list(headers.items()), content=body,
                                 extensions={"timeout": timeouts}) as response:
                    _drain(response)
                    return response.status
        except SourceError as exc:
            raise DeliveryError(f"{channel.target}: {exc}", permanent=True) from None
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:
            raise DeliveryError(f"cannot reach {channel.target} ({type(exc).__name__}: {exc}); retried") from None


def _drain(response: httpcore.Response) -> None:
    """Read at most ``MAX_ANSWER`` of the answer (nothing in it matters but its status)."""
    read = 0
    for chunk in response.iter_stream():
        read += len(chunk)
        if read > MAX_ANSWER:
            break
