"""What the benchmarks share: building an index from generated mentions, timing a call (p50/p95)."""

from __future__ import annotations

import random
import shutil
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from earful.models import Mention
from search.embedded import EmbeddedIndex


def build(path: Path, mentions: Iterable[Mention], n: int, *, batch: int = 20_000) -> None:
    """Index ``mentions`` (``n`` of them) into a new embedded index at ``path``, with progress."""
    index = EmbeddedIndex(path)
    started = time.perf_counter()
    pending: list[Mention] = []
    done = 0
    for mention in mentions:
        pending.append(mention)
        if len(pending) == batch:
            done += index.upsert(pending)
            pending.clear()
            print(f"  indexed {done:>9,} / {n:,}  ({done / (time.perf_counter() - started):,.0f} mentions/s)",
                  flush=True)
    done += index.upsert(pending)
    index.close()
    elapsed = time.perf_counter() - started
    print(f"built {done:,} mentions in {elapsed:.1f} s: {done / elapsed:,.0f} mentions/s", flush=True)


def ready_index(path: Path, mentions: Callable[[int], Iterable[Mention]], n: int, *, reuse: bool,
                batch: int = 20_000) -> EmbeddedIndex:
    """The read-only index at ``path``: reused when asked and present, else built from ``mentions(n)``."""
    if not (reuse and path.is_dir()):
        shutil.rmtree(path, ignore_errors=True)
        print(f"building {n:,} mentions in {path}", flush=True)
        build(path, mentions(n), n, batch=batch)
    return EmbeddedIndex(path, writable=False)


def prepared(directory: Path, n: int, reuse: bool, mentions: Callable[[int], Iterable[Mention]]) -> Path:
    """The index of ``n`` mentions under ``directory``: the one built before (``reuse``), else a new one."""
    path = directory / f"n{n}"
    if not (reuse and path.is_dir()):
        shutil.rmtree(path, ignore_errors=True)
        print(f"building {n:,} mentions in {path}", flush=True)
        build(path, mentions(n), n)
    return path


def report(name: str, times: list[float], cpu: list[float], width: int = 48) -> None:
    """p50 and p95 wall time and the median CPU time, in milliseconds."""
    times, cpu = sorted(times), sorted(cpu)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{name:<{width}} p50 {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   "
          f"CPU p50 {statistics.median(cpu):7.2f} ms   (n={len(times)})", flush=True)


def measure(name: str, runs: int, call: Callable[[random.Random], object], *, warm: int = 5) -> None:
    """p50 and p95 of ``runs`` calls (after ``warm`` unmeasured ones), in milliseconds, and the median
    CPU time of the process per call (all its threads): on a busy machine, the part that is ours."""
    rng = random.Random(1)
    for _ in range(warm):
        call(rng)
    times, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        call(rng)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    report(name, times, cpu)
