"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import IndexDep
from api.problems import RETRY_AFTER_SECONDS
from api.schemas import Health
from earful import __version__
from earful.errors import EarfulError
from workers.services import ServiceHealth

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {
    "model": Health, "description": "the index cannot answer; Retry-After says when to look again",
    "headers": {"Retry-After": {"description": "seconds", "schema": {"type": "integer"}}}}})
def health(request: Request, index: IndexDep) -> Health | JSONResponse:
    """OK when the index answers; 503 otherwise. ``services``: this process's background services."""
    services = _services(request)
    try:
        return Health(status="ok", version=__version__, mentions=index.count(), services=services)
    except EarfulError as exc:
        body = Health(status="unavailable", version=__version__, detail=str(exc), services=services)
        return JSONResponse(status_code=503, content=body.model_dump(mode="json"),
                            headers={"Retry-After": RETRY_AFTER_SECONDS})


def _services(request: Request) -> list[ServiceHealth]:
    report = getattr(request.app.state, "services", None)
    return report() if report is not None else []
