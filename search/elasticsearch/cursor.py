"""Opaque cursors for Elasticsearch relevance paging: ``search_after`` values plus a point in time.

Time sorts use the same keyset cursors as the embedded index (``search/cursor.py``).
A relevance cursor carries the last hit's sort values and, while it fits, the point in
time it was read from, so deep pages see one consistent snapshot. Without the point in
time (expired, or too long to carry) paging continues on ``search_after`` alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from earful.errors import BadRequest

_KEY = b"earful-es-cursor-v1"
_BAD = "invalid cursor: pass back next_cursor unchanged, or start again without a cursor"
MAX_CHARS = 1800  # the API accepts cursors up to 2048 characters


@dataclass(frozen=True)
class RelevanceCursor:
    after: list[Any]  # sort values of the last hit: score, sort_key (and the PIT's shard doc)
    pit: str | None = None


def encode(cursor: RelevanceCursor) -> str:
    token = _encode({"s": "relevance", "a": cursor.after, "p": cursor.pit})
    if cursor.pit is not None and len(token) > MAX_CHARS:
        # Many shards make long point-in-time ids; page without the snapshot instead.
        token = _encode({"s": "relevance", "a": cursor.after[:2], "p": None})
    return token


def _encode(data: dict[str, Any]) -> str:
    body = json.dumps(data, separators=(",", ":")).encode()
    mac = hmac.new(_KEY, body, hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")


def decode(token: str) -> RelevanceCursor:
    """The cursor in ``token``; BadRequest if it was altered or made for another sort."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
            raise ValueError("not canonical base64")
        mac, body = raw[:8], raw[8:]
        if not hmac.compare_digest(mac, hmac.new(_KEY, body, hashlib.sha256).digest()[:8]):
            raise ValueError("checksum mismatch")
        data = json.loads(body)
        sort, after, pit = data["s"], data["a"], data["p"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest(_BAD) from exc
    if sort != "relevance":
        raise BadRequest(f"cursor was made for sort={sort!r}, not 'relevance'; start again without a cursor")
    if not isinstance(after, list) or len(after) < 2 or (pit is not None and not isinstance(pit, str)):
        raise BadRequest(_BAD)
    return RelevanceCursor(after=after, pit=pit)
