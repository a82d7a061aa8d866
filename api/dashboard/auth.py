"""Signing in with an API key once (then a session cookie), and signing out."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dashboard.web import AnyViewerDep, PageError, form_fields, render, safe_next, set_session_cookie
from api.deps import SessionsDep
from api.session import COOKIE

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
MAX_FAILURES = 10  # wrong keys from one address within FAILURE_WINDOW_S before it must wait
FAILURE_WINDOW_S = 300.0


class Throttle:
    """Counts wrong keys per client address, so keys cannot be guessed at speed."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        with self._lock:
            recent = self._failures.get(client, deque())
            while recent and recent[0] < time.monotonic() - FAILURE_WINDOW_S:
                recent.popleft()
            return len(recent) >= MAX_FAILURES

    def failed(self, client: str) -> None:
        with self._lock:
            if len(self._failures) > 10_000:
                self._failures.clear()
            self._failures.setdefault(client, deque()).append(time.monotonic())


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, seen: AnyViewerDep) -> Response:
    target = safe_next(request.query_params.get("next"))
    if seen.signed_in or not seen.sign_in_required:
        return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    return render(request, seen, "sign_in.html", {"next_url": target, "error": None})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, seen: AnyViewerDep, sessions: SessionsDep) -> Response:
    """Check the key and the form's CSRF token, then open a fresh session (a new nonce: no fixation)."""
    fields = await form_fields(request, seen)
    target = safe_next(fields.get("next"))
    client = request.client.host if request.client else "?"
    throttle: Throttle = request.app.state.sign_in_throttle
    if throttle.blocked(client):
        raise PageError(status.HTTP_429_TOO_MANY_REQUESTS, "Too many wrong keys from this address: wait a few "
                                                            "minutes, then try again.")
    key = sessions.matching_key(fields.get("key", "").strip()) if fields.get("key") else None
    if key is None:
        throttle.failed(client)
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
