"""Dependencies shared by the routes: settings, the index, the state store, the config, the API-key check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from earful.config import AppConfig
from earful.settings import Settings
from earful.state import StateStore, open_state
from search.base import IndexBackend


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_index(request: Request) -> IndexBackend:
    return request.app.state.index  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[IndexBackend, Depends(get_index)]


def require_api_key(request: Request, settings: SettingsDep) -> None:
    """With EARFUL_API_KEYS set, every /api/ call needs ``Authorization: Bearer KEY``."""
    if not settings.api_keys:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        for key in settings.api_keys:
            if hmac.compare_digest(token.encode(), key.encode()):
                return
    raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                        detail="missing or wrong API key: send 'Authorization: Bearer KEY' "
                               "with a key from EARFUL_API_KEYS",
                        headers={"WWW-Authenticate": "Bearer"})


def get_state(request: Request, settings: SettingsDep) -> StateStore:
    """The crawl state store (source health, saved searches), opened on first use."""
    state: StateStore | None = getattr(request.app.state, "state_store", None)
    if state is None:
        state = request.app.state.state_store = open_state(settings)
    return state


def get_config(request: Request, settings: SettingsDep) -> AppConfig:
    return getattr(request.app.state, "app_config", None) or settings.app_config


StateDep = Annotated[StateStore, Depends(get_state)]
ConfigDep = Annotated[AppConfig, Depends(get_config)]
