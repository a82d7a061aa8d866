"""Batches that could not be processed wait here on disk, so no collected mention is lost."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from earful.models import RawMention

logger = logging.getLogger(__name__)


class Spool:
    """One JSON Lines file per failed batch under ``<data_dir>/spool``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, batch: Sequence[RawMention]) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{uuid.uuid4().hex}.jsonl"
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for raw in batch:
                out.write(raw.model_dump_json() + "\n")
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        directory = os.open(self.directory, os.O_RDONLY)  # the rename itself must survive a crash too
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return path

    def pending(self) -> Iterator[tuple[Path, list[RawMention]]]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("*.jsonl")):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
                yield path, [RawMention.model_validate_json(line) for line in lines if line.strip()]
            except (OSError, ValueError) as exc:
                logger.error("spooled batch %s is unreadable (%s); moved aside as .bad", path, exc)
                path.replace(path.with_suffix(".bad"))

    def set_aside(self, path: Path) -> Path:
        """Move a batch the index keeps rejecting to ``rejected/``: kept for a person, no longer retried."""
        target = self.directory / "rejected" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        return target

    def __len__(self) -> int:
        return len(list(self.directory.glob("*.jsonl"))) if self.directory.is_dir() else 0
