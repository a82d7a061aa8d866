"""Run counters: what came in, what was dropped and why, what was stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RunStats:
    collected: int = 0
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> count
    duplicates: int = 0
    indexed: int = 0
    queued: int = 0  # handed to workers, processed later (distributed mode)
    spooled: int = 0  # kept on disk because they could not be processed now; retried by the next run
    errors: Counter[str] = field(default_factory=Counter)  # kind -> count
    failure: str | None = None  # the first processing failure, for messages

    def add(self, other: RunStats) -> None:
        self.collected += other.collected
        self.dropped.update(other.dropped)
        self.duplicates += other.duplicates
        self.indexed += other.indexed
        self.queued += other.queued
        self.spooled += other.spooled
        self.errors.update(other.errors)
        self.failure = self.failure or other.failure

    def as_dict(self) -> dict[str, object]:
        return {"collected": self.collected, "dropped": dict(self.dropped),
                "duplicates": self.duplicates, "indexed": self.indexed, "queued": self.queued, "spooled": self.spooled,
                "errors": dict(self.errors)}

    def summary(self) -> str:
        dropped = ", ".join(f"{reason} {n}" for reason, n in sorted(self.dropped.items())) or "none"
        errors = ", ".join(f"{kind} {n}" for kind, n in sorted(self.errors.items())) or "none"
        return (f"collected {self.collected} · dropped {sum(self.dropped.values())} ({dropped}) · "
                f"duplicates {self.duplicates} · indexed {self.indexed} · "
                + (f"queued {self.queued} · " if self.queued else "")
                + (f"spooled {self.spooled} · " if self.spooled else "") +
                f"errors {sum(self.errors.values())} ({errors})")
