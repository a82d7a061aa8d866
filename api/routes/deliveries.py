"""Notifications sent or waiting: each channel's delivery, its attempts and its last error."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import StateDep
from workers.delivery.listing import DeliveryRecord, page

router = APIRouter(prefix="/alerts", tags=["alerts"])
MAX_LIMIT = 200


class DeliveryPage(BaseModel):
    items: list[DeliveryRecord]
    next_cursor: str | None = None


@router.get("/deliveries", response_model=DeliveryPage)
def list_deliveries(
    state: StateDep,
    rule: Annotated[str | None, Query(max_length=64, description="rule id")] = None,
    status: Annotated[Literal["pending", "retrying", "sent", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> DeliveryPage:
    """Deliveries of notifications, newest first: one per notification and channel, with attempts and errors."""
    items, next_cursor = page(state, rule=rule, status=status, cursor=cursor or None, limit=min(limit, MAX_LIMIT))
    return DeliveryPage(items=items, next_cursor=next_cursor)
