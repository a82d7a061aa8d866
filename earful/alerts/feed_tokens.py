"""Read-only tokens for the alert feed, kept with the crawl state: a feed reader puts one in the URL.

Only the token's SHA-256 is stored (``alert-feed-token:<hash>``), so the state holds nothing that
opens the feed; a token is looked up by its hash, listed by a short id, and revoked by deleting it.
A token reads the Atom feed of incidents (of one rule, when made for one) and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from pydantic import BaseModel, ValidationError

from earful.state import StateStore

FEED_TOKEN = "alert-feed-token:"
PREFIX = "ef_"


class FeedToken(BaseModel):
    id: str
    name: str = ""
    rule: str | None = None
    created_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class FeedTokens:
    """Create, find, list and revoke feed tokens."""

    def __init__(self, state: StateStore) -> None:
        self.state = state

    def create(self, now: datetime, *, name: str = "", rule: str | None = None) -> tuple[str, FeedToken]:
        """A new token (shown once: only its hash is kept) and its record."""
        token = PREFIX + secrets.token_urlsafe(32)
        digest = _hash(token)
        record = FeedToken(id=digest[:12], name=name, rule=rule, created_at=now)
        self.state.set(FEED_TOKEN + digest, record.model_dump(mode="json"))
        return token, record

    def find(self, token: str) -> FeedToken | None:
        if not token.startswith(PREFIX) or len(token) > 100:
            return None
        value = self.state.get(FEED_TOKEN + _hash(token))
        try:
            return FeedToken.model_validate(value) if value is not None else None
        except ValidationError:
            return None

    def list(self) -> list[FeedToken]:
        out = []
        for _, value in self.state.items(FEED_TOKEN):
            try:
                out.append(FeedToken.model_validate(value))
            except ValidationError:
                continue
        return sorted(out, key=lambda t: t.created_at)

    def revoke(self, token_id: str) -> bool:
        """Delete the token with that id; False when there is none."""
        for key, value in self.state.items(FEED_TOKEN):
            if value.get("id") == token_id:
                self.state.delete(key)
                return True
        return False
