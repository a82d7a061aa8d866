"""Signing in with an API key once (then a session cookie), and signing out."""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dashboard.web import AnyViewerDep, PageError, form_fields, render, safe_next, set_session_cookie
from api.deps import SessionsDep, StateDep
from api.session import COOKIE
from earful.state import StateStore

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
MAX_FAILURES = 10  # wrong keys from one address within FAILURE_WINDOW_S before it must wait
FAILURE_WINDOW_S = 300.0


class Throttle:
    """Counts wrong keys per client address, so keys cannot be guessed at speed. The count lives in the state
    store, so every API process of the installation shares it (a guesser gains nothing from their number)."""

    PREFIX = "sign-in-failures:"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writes = 0

    def blocked(self, state: StateStore, client: str) -> bool:
        return len(self._recent(state, client)) >= MAX_FAILURES

    def failed(self, state: StateStore, client: str) -> None:
        with self._lock:
            recent = self._recent(state, client)[-MAX_FAILURES:] + [time.time()]
            state.set(self._key(client), {"at": recent})
            self._writes += 1
            if self._writes % 1000 == 0:  # addresses that never came back
                self._forget_old(state)

    def _recent(self, state: StateStore, client: str) -> list[float]:
        entry = state.get(self._key(client)) or {}
        since = time.time() - FAILURE_WINDOW_S
        return [t for t in entry.get("at", []) if isinstance(t, (int, float)) and t >= since]

    def _key(self, client: str) -> str:
        return self.PREFIX + hashlib.sha256(client.encode()).hexdigest()[:24]

    def _forget_old(self, state: StateStore) -> None:
        since = time.time() - FAILURE_WINDOW_S
        stale = [key for key, value in state.items(self.PREFIX) if max(value.get("at") or [0]) < since]
        for key in stale:
            state.delete(key)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, seen: AnyViewerDep) -> Response:
    target = safe_next(request.query_params.get("next"))
    if seen.signed_in or not seen.sign_in_required:
        return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    return render(request, seen, "sign_in.html", {"next_url": target, "error": None})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, seen: AnyViewerDep, sessions: SessionsDep, state: StateDep) -> Response:
    """Check the key and the form's CSRF token, then open a fresh session (a new nonce: no fixation)."""
    fields = await form_fields(request, seen)
    target = safe_next(fields.get("next"))
    client = request.client.host if request.client else "?"
    throttle: Throttle = request.app.state.sign_in_throttle
    if throttle.blocked(state, client):
        raise PageError(status.HTTP_429_TOO_MANY_REQUESTS, "Too many wrong keys from this address: wait a few "
                                                            "minutes, then try again.")
    key = sessions.matching_key(fields.get("key", "").strip()) if fields.get("key") else None
    if key is None:
        throttle.failed(state, client)
        logger.warning("dashboard sign-in with a wrong key from %s", client)
        return render(request, seen, "sign_in.html", {"next_url": target, "error": "That is not one of this Earful's "
                      "API keys (EARFUL_API_KEYS). Check it and try again."}, status_code=status.HTTP_401_UNAUTHORIZED)
    _, cookie = sessions.open(key)
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    set_session_cookie(response, request, cookie, sessions)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, seen: AnyViewerDep) -> Response:
    await form_fields(request, seen)
    response = RedirectResponse("/sign-in" if seen.sign_in_required else "/", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response
