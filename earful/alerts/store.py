"""What the alerts' own records need of a state store (``earful.state.StateStore`` is one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class KeyValues(Protocol):
    """Keys to JSON objects: the part of the state store snoozes and feed tokens use."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: dict[str, Any]) -> None: ...

    def delete(self, key: str) -> None: ...

    def items(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]: ...
