"""Per-source health: what each source collected, its errors by kind, when it runs next."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import SettingsDep
from earful.state import StateStore, open_state
from workers.source_status import SourceStatus, source_statuses

router = APIRouter(tags=["sources"])


def _state(request: Request, settings: SettingsDep) -> StateStore:
    state: StateStore | None = getattr(request.app.state, "state_store", None)
    if state is None:
        state = request.app.state.state_store = open_state(settings)
    return state


@router.get("/sources", response_model=list[SourceStatus])
def list_sources(request: Request, settings: SettingsDep) -> list[SourceStatus]:
    """Every configured source with its last run, items, duplicates, errors by kind and next run."""
    config = getattr(request.app.state, "app_config", None) or settings.app_config
    return source_statuses(config, _state(request, settings))
