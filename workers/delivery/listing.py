"""Deliveries as people look them up: newest first, filtered, a page at a time (``earful alerts deliveries``,
``GET /api/v1/alerts/deliveries``)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from earful.errors import BadRequest
from earful.state import StateStore
from workers.delivery import outbox

DeliveryState = Literal["pending", "retrying", "sent", "failed"]


class DeliveryRecord(BaseModel):
    """One notification to one channel: where it stands."""

    key: str = Field(description="the idempotency key receivers see (X-Earful-Delivery)")
    notification: str
    kind: str = Field(description="incident, digest, batch or test")
    rule: str | None = None
    subject: str
    channel: str = Field(description="email:ADDRESS or webhook:URL")
    state: DeliveryState
    attempts: int
    created_at: datetime
    next_at: datetime | None = Field(default=None, description="next attempt (pending or retrying)")
    sent_at: datetime | None = None
    last_error: str | None = None

    @classmethod
    def of(cls, value: dict[str, Any]) -> DeliveryRecord:
        channel = value.get("channel") or {}
        waiting = value.get("state") in ("pending", "retrying")
        fields = {k: value.get(k) for k in ("key", "notification", "kind", "rule", "subject", "state", "attempts",
                                            "created_at", "sent_at", "last_error")}
        fields.update(channel=f"{channel.get('kind')}:{channel.get('target')}",
                      next_at=value.get("next_at") if waiting else None)
        return cls.model_validate(fields)


def page(state: StateStore, *, rule: str | None = None, status: str | None = None, cursor: str | None = None,
         limit: int = 50) -> tuple[list[DeliveryRecord], str | None]:
    """Newest first; ``cursor`` from the previous page."""
    after = _decode(cursor) if cursor else None
    found = [DeliveryRecord.of(v) for _, v in state.items(outbox.DELIVERY)
             if (rule is None or v.get("rule") == rule) and (status is None or v.get("state") == status)]
    found.sort(key=lambda d: (d.created_at.isoformat(), d.key), reverse=True)
    if after is not None:
        found = [d for d in found if (d.created_at.isoformat(), d.key) < after]
    chosen = found[:limit]
    more = len(found) > limit and bool(chosen)
    return chosen, _encode(chosen[-1]) if more else None


def _encode(last: DeliveryRecord) -> str:
    return base64.urlsafe_b64encode(f"{last.created_at.isoformat()}|{last.key}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, str]:
    try:
        created, key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|", 1)
        datetime.fromisoformat(created)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("cursor is not one this API gave out; start again without it") from None
    return created, key
