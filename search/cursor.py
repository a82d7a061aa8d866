"""Opaque paging cursors: base64 JSON signed with the installation's secret, bound to the sort they came from.

Time sorts page by keyset on ``sort_key`` (stable while new mentions arrive); relevance pages by
offset (embedded) or ``search_after`` (Elasticsearch). The signature (HMAC-SHA256 with a secret
kept in the data directory or EARFUL_CURSOR_SECRET) means a client cannot make up a cursor, and
every value read back is bounded anyway: a cursor can never ask a backend for more than
``MAX_OFFSET`` results.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from earful.errors import BadRequest

BAD = "invalid cursor: pass back next_cursor unchanged, or start again without a cursor"
MAX_TOKEN_CHARS = 2048
MAX_OFFSET = 100_000  # relevance paging by offset stops here (sort by time to go through everything)
MAX_SORT_KEY = (1 << 64) - 1
_MAC_BYTES = 16


class Signer:
    """Signs and checks cursor bodies with one secret (random per process when none is given).

    ``secret`` may be a callable, read on first use: a process that never pages needs no key.
    """

    def __init__(self, secret: bytes | Callable[[], bytes] | None = None) -> None:
        self._secret = secret
        self._cached: bytes | None = None
        self._lock = threading.Lock()

    @property
    def _key(self) -> bytes:
        with self._lock:
            if self._cached is None:
                secret = self._secret() if callable(self._secret) else self._secret
                self._cached = secret or os.urandom(32)
            return self._cached

    def dumps(self, data: dict[str, Any]) -> str:
        body = json.dumps(data, separators=(",", ":")).encode()
        mac = hmac.new(self._key, body, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")

    def loads(self, token: str) -> dict[str, Any]:
        """The signed body; BadRequest for anything this installation did not sign."""
        try:
            if len(token) > MAX_TOKEN_CHARS:
                raise ValueError("too long")
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
                raise ValueError("not canonical base64")  # stray characters or altered padding bits
            mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
            if not hmac.compare_digest(mac, hmac.new(self._key, body, hashlib.sha256).digest()[:_MAC_BYTES]):
                raise ValueError("signature mismatch")
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, TypeError) as exc:
            raise BadRequest(BAD) from exc
        return data


@dataclass(frozen=True)
class Cursor:
    sort: str
    after: int  # last sort_key seen (time sorts) or the offset to resume at (relevance)


def encode(cursor: Cursor, signer: Signer) -> str:
    return signer.dumps({"s": cursor.sort, "a": cursor.after})


def decode(token: str, sort: str, signer: Signer) -> Cursor:
    """The cursor in ``token``; BadRequest if it was altered, is out of bounds or belongs to another sort."""
    data = signer.loads(token)
    made_for, after = data.get("s"), data.get("a")
    if not isinstance(made_for, str) or not isinstance(after, int) or isinstance(after, bool):
        raise BadRequest(BAD)
    if made_for != sort:
        raise BadRequest(f"cursor was made for sort={made_for[:20]!r}, not {sort!r}; start again without a cursor")
    upper = MAX_OFFSET if sort == "relevance" else MAX_SORT_KEY
    if not 0 <= after <= upper:
        raise BadRequest(BAD)
    return Cursor(sort=made_for, after=after)
