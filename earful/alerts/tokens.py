"""Signed, expiring, single-purpose tokens: what a link in an email may do without logging in.

A token is ``v1.<payload>.<signature>`` (base64url): the payload names its purpose, its subject
and when it expires; the signature is HMAC-SHA256 over the version and the payload with a key
derived from the installation's secret (``earful.secrets.derived_key``). A token is honoured only
for the purposes the caller names, only before it expires, and only with an intact signature
(compared in constant time); it opens nothing else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone

from earful.errors import EarfulError

VERSION = "v1"
MAX_LENGTH = 2048


class TokenRejected(EarfulError):
    """A token that is malformed, tampered with, expired or meant for something else."""


@dataclass(frozen=True)
class Claim:
    """What a valid token allows: ``purpose`` on ``subject`` until ``expires``."""

    purpose: str
    subject: str
    expires: datetime


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload: str) -> bytes:
    return hmac.new(key, f"{VERSION}.{payload}".encode("ascii"), hashlib.sha256).digest()


def issue(key: bytes, purpose: str, subject: str, expires: datetime) -> str:
    """A token allowing ``purpose`` on ``subject`` until ``expires`` (an aware datetime)."""
    if expires.tzinfo is None:
        raise ValueError("expires must be timezone-aware")
    body = {"p": purpose, "s": subject, "e": int(expires.timestamp())}
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{VERSION}.{payload}.{_b64(_signature(key, payload))}"


def verify(key: bytes, token: str, purposes: Collection[str], now: datetime) -> Claim:
    """The token's claim, or TokenRejected: bad form or signature, expired, or a purpose not in ``purposes``."""
    parts = token.split(".") if len(token) <= MAX_LENGTH else []
    if len(parts) != 3 or parts[0] != VERSION:
        raise TokenRejected("not a token this installation gave out")
    try:
        given = _unb64(parts[2])
    except (binascii.Error, ValueError):
        raise TokenRejected("not a token this installation gave out") from None
    if not hmac.compare_digest(given, _signature(key, parts[1])):
        raise TokenRejected("the link's signature does not match: it was changed or is not from here")
    claim = _claim(parts[1])
    if claim.purpose not in purposes:
        raise TokenRejected("this link is for something else")
    if claim.expires <= now:
        raise TokenRejected(f"this link expired at {claim.expires:%Y-%m-%d %H:%M} UTC")
    return claim


def _claim(payload: str) -> Claim:
    try:
        body = json.loads(_unb64(payload))
        return Claim(str(body["p"]), str(body["s"]), datetime.fromtimestamp(int(body["e"]), timezone.utc))
    except (ValueError, KeyError, TypeError, binascii.Error, OverflowError):
        raise TokenRejected("not a token this installation gave out") from None
