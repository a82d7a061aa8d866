"""Browser sessions: signed cookies bound to the API key they were opened with, and CSRF tokens bound to them.

A cookie reads ``KEYID.EXPIRES.NONCE.MAC``: the key's id is a hash prefix (never the key), the MAC an
HMAC-SHA256 under a secret derived from that key, so every API process with the same keys accepts it and
removing a key from EARFUL_API_KEYS ends its sessions. Without keys (loopback only) a session is anonymous
and only carries the CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

COOKIE = "earful_session"
CSRF_HEADER = "x-csrf-token"
ANONYMOUS = "anon"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def key_id(key: str) -> str:
    return hashlib.sha256(b"earful-key-id\0" + key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Session:
    key_id: str  # ANONYMOUS, or the id of the key it was opened with
    nonce: str
    expires: int  # epoch seconds

    @property
    def signed_in(self) -> bool:
        return self.key_id != ANONYMOUS


class Sessions:
    """Opens, reads and checks sessions; ``lifetime_s`` is how long one lasts after sign-in."""

    def __init__(self, keys: Sequence[str], lifetime_s: int, anonymous_secret: bytes | None = None) -> None:
        """``anonymous_secret``: signs sessions when there are no keys; give every process serving the same
        installation the same one (default: random, this process only)."""
        self.lifetime_s = lifetime_s
        self._keys = list(keys)
        self._secrets = {key_id(k): hashlib.sha256(b"earful-session\0" + k.encode()).digest() for k in keys}
        # Anonymous sessions (the sign-in form's CSRF token) must verify in every process serving the same keys.
        joined = "\0".join(sorted(keys)).encode()
        self._secrets[ANONYMOUS] = hashlib.sha256(b"earful-anonymous\0" + joined).digest() if keys \
            else anonymous_secret or os.urandom(32)

    @property
    def required(self) -> bool:
        """True when API keys are configured: pages need a signed-in session."""
        return bool(self._keys)

    def matching_key(self, candidate: str) -> str | None:
        """The configured key equal to ``candidate`` (compared in constant time), else None."""
        found = None
        for key in self._keys:
            if hmac.compare_digest(candidate.encode(), key.encode()):
                found = key
        return found

    def open(self, key: str | None) -> tuple[Session, str]:
        """A new session (a fresh nonce every time) and its cookie value."""
        session = Session(key_id(key) if key else ANONYMOUS, secrets.token_urlsafe(16),
                          int(time.time()) + self.lifetime_s)
        payload = f"{session.key_id}.{session.expires}.{session.nonce}"
        return session, f"{payload}.{self._mac(session.key_id, payload)}"

    def read(self, cookie: str | None) -> Session | None:
        """The session a cookie holds, or None when it is missing, forged, expired or its key was removed."""
        parts = (cookie or "").split(".")
        if len(parts) != 4 or parts[0] not in self._secrets or not parts[1].isdigit():
            return None
        payload = ".".join(parts[:3])
        if not hmac.compare_digest(parts[3], self._mac(parts[0], payload)) or int(parts[1]) < time.time():
            return None
        return Session(parts[0], parts[2], int(parts[1]))

    def csrf_token(self, session: Session) -> str:
        return _b64(hmac.new(self._secrets[session.key_id], f"csrf.{session.nonce}".encode(), "sha256").digest())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        return bool(session and token) and hmac.compare_digest(str(token), self.csrf_token(session))  # type: ignore[arg-type]

    def _mac(self, kid: str, payload: str) -> str:
        return _b64(hmac.new(self._secrets[kid], payload.encode(), "sha256").digest())
