"""What the API answers besides success, as OpenAPI should say: 400 (never 422), 401, 503 with Retry-After."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

RETRY_AFTER_SECONDS = "10"


class Problem(BaseModel):
    """Every error: what went wrong and what to do."""

    detail: str


def _error(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {"model": Problem, "description": description}
    if retry_after:
        answer["headers"] = {"Retry-After": {"description": "seconds to wait before trying again",
                                             "schema": {"type": "integer"}}}
    return answer


API_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("a parameter is invalid; the detail says which and how to fix it"),
    401: _error("EARFUL_API_KEYS is set and the request has no valid 'Authorization: Bearer KEY'"),
    503: _error("the index cannot answer right now", retry_after=True),
}


def drop_validation_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents 422 for parameter errors; this API answers them with 400."""
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            responses.pop("422", None)
    schemas = spec.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return spec


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _error("nothing has that name")}
