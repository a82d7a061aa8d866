"""Dependencies shared by the routes: settings, the index, the state store, the config, the API-key (or
dashboard session) check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from api.session import COOKIE, CSRF_HEADER, SAFE_METHODS, Session, Sessions
from earful.config import AppConfig
from earful.settings import Settings
from earful.state import StateStore, open_state
from search.base import IndexBackend


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_index(request: Request) -> IndexBackend:
    return request.app.state.index  # type: ignore[no-any-return]


def get_sessions(request: Request) -> Sessions:
    return request.app.state.sessions  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
IndexDep = Annotated[IndexBackend, Depends(get_index)]
SessionsDep = Annotated[Sessions, Depends(get_sessions)]


def current_session(request: Request, sessions: SessionsDep) -> Session | None:
    """The browser session the request's cookie holds, if it is valid."""
    return sessions.read(request.cookies.get(COOKIE))


def _bearer_ok(request: Request, sessions: Sessions) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and sessions.matching_key(token.strip()) is not None


def require_api_key(request: Request, settings: SettingsDep, sessions: SessionsDep) -> None:
    """With EARFUL_API_KEYS set, every /api/ call needs ``Authorization: Bearer KEY`` or a dashboard
    session; a session's state-changing calls also need its CSRF token in ``X-CSRF-Token``."""
    if not settings.api_keys or _bearer_ok(request, sessions):
        return
    session = current_session(request, sessions)
    if session is not None and session.signed_in:
        if request.method in SAFE_METHODS or sessions.csrf_ok(session, request.headers.get(CSRF_HEADER)):
            return
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="missing or wrong CSRF token: send the page's "
                                                              "token in X-CSRF-Token")
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
