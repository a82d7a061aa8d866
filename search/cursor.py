"""Opaque paging cursors: base64 JSON with a checksum, bound to the sort they came from.

Time sorts page by keyset on ``sort_key`` (stable while new mentions arrive); relevance
pages by offset. The checksum catches edited or truncated cursors; it is not a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from earful.errors import BadRequest

_KEY = b"earful-search-cursor-v1"
_BAD = "invalid cursor: pass back next_cursor unchanged, or start again without a cursor"


@dataclass(frozen=True)
class Cursor:
    sort: str
    after: int  # last sort_key seen (time sorts) or the offset to resume at (relevance)


def encode(cursor: Cursor) -> str:
    body = json.dumps({"s": cursor.sort, "a": cursor.after}, separators=(",", ":")).encode()
    mac = hmac.new(_KEY, body, hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")


def decode(token: str, sort: str) -> Cursor:
    """The cursor in ``token``; BadRequest if it was altered or belongs to another sort."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
            raise ValueError("not canonical base64")  # stray characters or altered padding bits
        mac, body = raw[:8], raw[8:]
        if not hmac.compare_digest(mac, hmac.new(_KEY, body, hashlib.sha256).digest()[:8]):
            raise ValueError("checksum mismatch")
        data = json.loads(body)
        cursor = Cursor(sort=str(data["s"]), after=int(data["a"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest(_BAD) from exc
    if cursor.sort != sort:
        raise BadRequest(f"cursor was made for sort={cursor.sort!r}, not {sort!r}; "
                         "start again without a cursor")
    if cursor.after < 0:
        raise BadRequest(_BAD)
    return cursor
