"""The FastAPI application: routers, auth, and errors that say what to fix."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import dashboard
from api.deps import require_api_key
from api.headers import SecurityHeaders
from api.problems import API_RESPONSES, RETRY_AFTER_SECONDS, drop_validation_responses
from api.routes import (
    alert_actions,
    alert_feed,
    alerts,
    compare,
    deliveries,
    export,
    health,
    mentions,
    ratings,
    searches,
    sources,
    themes,
    top,
    trends,
)
from api.session import Sessions
from earful import __version__
from earful.config import AppConfig
from earful.errors import BadRequest, IndexUnavailable
from earful.secrets import derived_key
from earful.settings import Settings
from earful.sources import source_types
from earful.state import StateStore
from search.base import IndexBackend
from workers.services import ServiceHealth

logger = logging.getLogger(__name__)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        parts.append(f"{name}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts)


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI schema, with the source filter's values taken from the source-type registry."""
    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = drop_validation_responses(get_openapi(title=app.title, version=app.version,
                                                         description=app.description, routes=app.routes))
            kinds = f"source type ({', '.join(source_types())}) or source name"
            for path in spec.get("paths", {}).values():
                for parameter in path.get("get", {}).get("parameters", []):
                    if parameter.get("name") == "source":
                        parameter["description"] = kinds
            app.openapi_schema = spec
        return app.openapi_schema

    return schema


def create_app(settings: Settings, index: IndexBackend, state: StateStore | None = None, *,
               config: AppConfig | None = None,
               services: Callable[[], list[ServiceHealth]] | None = None) -> FastAPI:
    """The API and the dashboard over ``index``; routes under /api/ need a key (or a dashboard session)
    when EARFUL_API_KEYS is set, and so do the dashboard's pages.

    ``state`` (source health) is opened from settings on first use when not given; ``config``
    (the sources it lists) defaults to EARFUL_CONFIG; ``services`` reports the health of the
    serving process's services in /health.
    """
    app = FastAPI(title="Earful", version=__version__,
                  description="Search, trends, compare, themes, ratings, export and alerts over the mentions Earful "
                              "has collected.")
    app.state.settings = settings
    app.state.index = index
    app.state.state_store = state
    app.state.app_config = config
    app.state.services = services
    # Without keys, every API process of the installation signs anonymous sessions with the same derived key.
    anonymous = None if settings.api_keys else derived_key(settings, "anonymous-sessions")
    app.state.sessions = Sessions(settings.api_keys, int(settings.session_hours * 3600), anonymous)
    secured = [Depends(require_api_key)]
    for resource in (mentions, trends, sources, compare, top, themes, ratings, export, searches, alerts, deliveries):
        app.include_router(resource.router, prefix="/api/v1", dependencies=secured, responses=API_RESPONSES)
    app.include_router(health.router)
    app.include_router(alert_actions.router)  # the signed token is the credential
    app.include_router(alert_feed.router, prefix="/api/v1", responses=API_RESPONSES)  # API key or feed token
    app.add_middleware(SecurityHeaders)
    dashboard.install(app)
    if settings.trusted_proxies:  # only then are X-Forwarded-Proto (Secure cookies) and -For believed
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.openapi = _openapi(app)  # type: ignore[method-assign]

    @app.exception_handler(BadRequest)
    async def bad_request(_: Request, exc: BadRequest) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def invalid_params(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": _validation_message(exc)})

    @app.exception_handler(IndexUnavailable)
    async def unavailable(_: Request, exc: IndexUnavailable) -> JSONResponse:
        logger.error("index unavailable: %s", exc)
        return JSONResponse(status_code=503, content={"detail": f"the index is unavailable: {exc}"},
                            headers={"Retry-After": RETRY_AFTER_SECONDS})

    return app
