"""What users see about their sources: configuration joined with the health each run records."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from earful.config import AppConfig
from earful.sources import source_types
from earful.state import StateStore
from workers.health import PREFIX, load_health

Status = Literal["never_run", "ok", "not_modified", "partial", "error", "disabled", "not_configured"]


class SourceStatus(BaseModel):
    name: str
    type: str | None = Field(description=f"{', '.join(source_types())}; None for a source no longer configured")
    target: str = Field(default="", description="where it collects from")
    brand: str | None = None
    enabled: bool = True
    configured: bool = Field(default=True, description="False: not in the current config; its health is kept")
    interval_s: int | None = None
    status: Status
    runs: int = 0
    last_run_at: datetime | None = None
    last_duration_s: float | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_collected: int = 0
    last_indexed: int = 0
    last_duplicates: int = 0
    last_dropped: dict[str, int] = Field(default_factory=dict)
    total_collected: int = 0
    total_indexed: int = 0
    total_duplicates: int = 0
    spooled: int = Field(default=0, description="mentions kept on disk while the index was unavailable; "
                                                "stored (and counted) by a later run")
    errors_by_kind: dict[str, int] = Field(default_factory=dict, description="all runs, by kind")
    next_run_at: datetime | None = None


def _status(health: dict[str, Any], enabled: bool, configured: bool) -> Status:
    if not configured:
        return "not_configured"
    if not enabled:
        return "disabled"
    last = health.get("last_status")
    if last == "error" and health.get("last_partial"):
        return "partial"  # failed in part, kept what it collected
    return last if last in ("ok", "not_modified", "error") else "never_run"


def _recorded(health: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in health.items() if k in SourceStatus.model_fields and k != "source"}


def source_statuses(config: AppConfig, state: StateStore) -> list[SourceStatus]:
    """Every configured source (in config order), then health left by sources not in the config (removed, or no config loaded)."""
    out: list[SourceStatus] = []
    for source in config.sources:
        health = load_health(state, source.name)
        fields = _recorded(health)
        fields.update(name=source.name, type=source.type, target=source.target, brand=source.brand,
                      enabled=source.enabled, interval_s=source.interval,
                      status=_status(health, source.enabled, True))
        if not source.enabled:
            fields["next_run_at"] = None
        out.append(SourceStatus(**fields))
    configured = {s.name for s in config.sources}
    for key, health in state.items(PREFIX):
        name = key[len(PREFIX):]
        if name in configured:
            continue
        fields = _recorded(health)
        fields.update(name=name, type=None, configured=False, status="not_configured", next_run_at=None)
        out.append(SourceStatus(**fields))
    return out
