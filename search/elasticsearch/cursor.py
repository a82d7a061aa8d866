"""Opaque cursors for Elasticsearch relevance paging: ``search_after`` values plus a point in time.

Time sorts use the same keyset cursors as the embedded index (``search/cursor.py``).
A relevance cursor carries the last hit's sort values and, while it fits, the point in
time it was read from, so deep pages see one consistent snapshot. Without the point in
time (expired, or too long to carry) paging continues on ``search_after`` alone. Cursors are
signed with the installation's secret, and every value read back is checked for type and size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from earful.errors import BadRequest
from search.cursor import BAD, MAX_SORT_KEY, Signer

MAX_CHARS = 1800  # the API accepts cursors up to 2048 characters
MAX_PIT_CHARS = 1500
MAX_SCORE = 1e12


@dataclass(frozen=True)
class RelevanceCursor:
    after: list[Any]  # sort values of the last hit: score, sort_key (and the PIT's shard doc)
    pit: str | None = None


def encode(cursor: RelevanceCursor, signer: Signer) -> str:
    token = signer.dumps({"s": "relevance", "a": cursor.after, "p": cursor.pit})
    if cursor.pit is not None and len(token) > MAX_CHARS:
        # Many shards make long point-in-time ids; page without the snapshot instead.
        token = signer.dumps({"s": "relevance", "a": cursor.after[:2], "p": None})
    return token


def decode(token: str, signer: Signer) -> RelevanceCursor:
    """The cursor in ``token``; BadRequest if it was altered, is out of bounds or was made for another sort."""
    data = signer.loads(token)
    sort, after, pit = data.get("s"), data.get("a"), data.get("p")
    if sort != "relevance":
        shown = str(sort)[:20]
        raise BadRequest(f"cursor was made for sort={shown!r}, not 'relevance'; start again without a cursor")
    if not _valid_after(after) or not (pit is None or (isinstance(pit, str) and 0 < len(pit) <= MAX_PIT_CHARS)):
        raise BadRequest(BAD)
    return RelevanceCursor(after=list(after), pit=pit)  # type: ignore[arg-type]


def _valid_after(after: object) -> bool:
    """[score, sort_key] or [score, sort_key, shard_doc]: numbers in range, nothing else."""
    if not isinstance(after, list) or not 2 <= len(after) <= 3:
        return False
    score, key, *rest = after
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in after)
    return (numbers and abs(score) <= MAX_SCORE and isinstance(key, int) and 0 <= key <= MAX_SORT_KEY
            and all(isinstance(v, int) and 0 <= v <= MAX_SORT_KEY for v in rest))
