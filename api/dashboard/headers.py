"""Headers on every response: a strict Content-Security-Policy (no inline scripts or styles, nothing from another
origin), no sniffing, no framing (the OpenAPI pages keep FastAPI's own), and Server-Timing (the time the server
took before it answered, which browsers show and bench/dashboard.py reads)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin"))
STATIC_CACHE = (b"cache-control", b"public, max-age=86400")  # asset URLs carry a digest of the files
OPENAPI_PAGES = ("/docs", "/redoc")  # Swagger UI and ReDoc: FastAPI's pages, with their own scripts


class SecurityHeaders:
    """Pure ASGI middleware (streamed exports pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        static = scope["path"].startswith("/static/")
        secured = not scope["path"].startswith(OPENAPI_PAGES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if secured and h[0] not in names]
                extra.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                if static and message["status"] == 200:
                    extra.append(STATIC_CACHE)
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)
