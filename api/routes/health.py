"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import IndexDep
from api.schemas import Health
from earful import __version__
from earful.errors import EarfulError

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(index: IndexDep) -> Health | JSONResponse:
    """OK when the index answers; 503 otherwise."""
    try:
        return Health(status="ok", version=__version__, mentions=index.count())
    except EarfulError as exc:
        body = Health(status="unavailable", version=__version__, detail=str(exc))
        return JSONResponse(status_code=503, content=body.model_dump())
