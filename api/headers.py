"""Headers on every answer: no sniffing, no framing, no referrer; API answers are never cached."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response

from api.problems import RETRY_AFTER_SECONDS

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
NOT_CACHED = ("/api/", "/health")


async def add_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Security headers on everything (a page may set its own stricter policy), no-store on data."""
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.url.path.startswith(NOT_CACHED):
        response.headers["Cache-Control"] = "no-store"
    if response.status_code == 503:
        response.headers.setdefault("Retry-After", RETRY_AFTER_SECONDS)
    return response
