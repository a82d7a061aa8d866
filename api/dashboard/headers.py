"""The dashboard's headers: a strict Content-Security-Policy (no inline scripts or styles, nothing from another
origin) on every answer but the pages that bring their own (FastAPI's OpenAPI pages, the self-contained pages of
notification action links), Server-Timing (the time the server took before it answered,
which browsers show and bench/dashboard.py reads), and a day's caching for the static files. The other security
headers (nosniff, no framing, the referrer policy) come from ``api.headers`` for every answer."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.types import Scope

from api.headers import HeaderMiddleware, Headers
from earful.alerts.links import ACTION_PATH

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
STATIC_CACHE = (b"cache-control", b"public, max-age=86400")  # asset URLs carry a digest of the files
# Swagger UI and ReDoc (FastAPI's pages, with their own scripts); action-link pages (one inline style sheet)
OWN_POLICY = ("/docs", "/redoc", ACTION_PATH)


class PageHeaders(HeaderMiddleware):
    """Replaces any weaker policy; streamed exports pass through untouched."""

    def rewriter(self, scope: Scope) -> Callable[[Headers, int], Headers]:
        started = time.perf_counter()
        strict = not scope["path"].startswith(OWN_POLICY)
        static = scope["path"].startswith("/static/")

        def rewrite(headers: Headers, status: int) -> Headers:
            if strict:
                headers = [h for h in headers if h[0].lower() != b"content-security-policy"]
                headers += [(b"content-security-policy", CSP.encode()), (b"cross-origin-opener-policy", b"same-origin")]
            if static and status == 200:
                headers.append(STATIC_CACHE)
            headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
            return headers

        return rewrite
