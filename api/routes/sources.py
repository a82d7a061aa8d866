"""Per-source health: what each source collected, its errors by kind, when it runs next."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ConfigDep, StateDep
from workers.source_status import SourceStatus, source_statuses

router = APIRouter(tags=["sources"])


@router.get("/sources", response_model=list[SourceStatus])
def list_sources(config: ConfigDep, state: StateDep) -> list[SourceStatus]:
    """Every configured source with its last run, items, duplicates, errors by kind and next run."""
    return source_statuses(config, state)
