"""Opens the state store the settings ask for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from earful.state.base import StateStore
from earful.state.sqlite import SQLiteStateStore

if TYPE_CHECKING:
    from earful.settings import Settings


def open_state(settings: Settings) -> StateStore:
    """Redis when EARFUL_REDIS_URL is set (shared by every process), else SQLite under EARFUL_DATA_DIR."""
    if settings.redis_url:
        from earful.state.redis_store import RedisStateStore

        return RedisStateStore.from_url(settings.redis_url)
    return SQLiteStateStore(settings.state_path)
