"""Earful's exception tree.

    EarfulError
    ├── ConfigError          bad settings or YAML config (names file, key, problem)
    ├── QuerySyntaxError     a rule or query string that does not parse (has a position)
    ├── SourceError          a source could not be fetched or parsed
    ├── IndexUnavailable     the index backend cannot be reached or written
    └── BadRequest           a request parameter that cannot be honoured
"""

from __future__ import annotations


class EarfulError(Exception):
    """Root of every error Earful raises on purpose."""


class ConfigError(EarfulError):
    """The settings or the YAML config are invalid."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        where = ": ".join(part for part in (file, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


class QuerySyntaxError(EarfulError):
    """A rule or query string that cannot be parsed; ``position`` is a 0-based offset."""

    def __init__(self, message: str, *, query: str, position: int) -> None:
        self.query = query
        self.position = position
        self.reason = message
        super().__init__(f"{message} at position {position}")


class SourceError(EarfulError):
    """A source could not be fetched or read; ``kind`` groups errors for source health.

    ``retry_after`` (seconds) is how long the source asked us to wait before the next try.
    """

    def __init__(self, message: str, *, kind: str = "fetch", retry_after: float | None = None) -> None:
        self.kind = kind
        self.retry_after = retry_after
        super().__init__(message)


class IndexUnavailable(EarfulError):
    """The index backend cannot serve or store mentions right now."""


class BadRequest(EarfulError):
    """A request parameter that cannot be honoured; the message says what to fix."""
