"""Dependencies shared by the routes: settings, the index, the API-key check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from earful.settings import Settings
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
