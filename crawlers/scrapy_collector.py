"""What the review and web collectors share: each run is a Scrapy crawl in a child process.

Twisted's reactor cannot be restarted within one process, and ``earful run`` collects again
and again, so every crawl gets a fresh ``python -m scrapy crawl``. The child writes items as
JSON lines (pipeline setting EARFUL_OUTPUT); its log is forwarded line by line, so progress
and errors show up in ours. Mentions come back in the CollectResult: health, spool and
processing stay exactly as for feeds.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from crawlers.base import Collector, CollectResult
from crawlers.crawl_job import CrawlJob, load_seen, remember, scrapy_overrides
from crawlers.pages.source import PageSource
from earful.errors import SourceError
from earful.models import RawMention
from earful.processes import end_with_parent
from earful.state import StateStore

logger = logging.getLogger(__name__)

_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(?P<name>[^\]]+)\] (?P<level>[A-Z]+): (?P<msg>.*)$")
_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR,
           "CRITICAL": logging.CRITICAL}
_FORWARDED_INFO = ("scrapy.extensions.logstats", "crawlers")  # progress lines worth showing
S = TypeVar("S", bound=PageSource)


def crawl_command(spider: str, job_path: Path, output: Path, overrides: dict[str, Any]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"job={job_path}",
               "-s", f"EARFUL_OUTPUT={output}"]
    for key, value in overrides.items():
        command += ["-s", f"{key}={value}"]
    return command


class ScrapyCollector(Collector[S], Generic[S]):
    spider = ""
    remembers_seen = False  # items collected before are skipped (their ids are kept in the crawl state)
    extra_settings: dict[str, Any] = {}  # tests and benchmarks may add Scrapy settings here

    def collect(self, source: S, state: StateStore) -> CollectResult:
        profile = self.config.profiles.get(source.profile) if source.profile else None
        job = CrawlJob(source, profile, load_seen(state, source.name) if self.remembers_seen else set())
        with tempfile.TemporaryDirectory(prefix="earful-crawl-") as tmp:
            job_path, output = Path(tmp) / "job.json", Path(tmp) / "items.jsonl"
            job_path.write_text(json.dumps(job.to_json()), encoding="utf-8")
            overrides = {**scrapy_overrides(self.settings), "LOGSTATS_INTERVAL": 10, **self.extra_settings}
            code, tail = self._run(source.name, crawl_command(self.spider, job_path, output, overrides))
            lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
        result, summary, aggregates = _read_output(lines)
        if code != 0 or summary is None:
            detail = "\n    ".join(tail) or "no output"
            raise SourceError(f"the {self.spider} crawl of {source.name} failed (exit code {code}); its last "
                              f"log lines:\n    {detail}", kind="crawl")
        _apply_summary(result, summary, source.name)
        if self.remembers_seen:
            remember(state, source.name, [m.id for m in result.mentions], aggregates)
            for agg in aggregates:
                logger.info("%s: aggregate rating %s/%s (%s) from %s ratings on %s", source.name, agg["raw"],
                            agg["scale"], agg["normalized"], agg["rating_count"] or agg["review_count"], agg["url"])
        logger.info("%s: %d mentions from %d pages, skipped %s, adjusted %s, %d pages failed", source.name,
                    len(result.mentions), summary.get("pages_ok", 0), result.skipped or "none",
                    result.counts or "none", len(result.failures))
        return result

    def _run(self, name: str, command: list[str]) -> tuple[int, list[str]]:
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings", "PYTHONUNBUFFERED": "1"}
        try:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                       text=True, encoding="utf-8", errors="replace", preexec_fn=end_with_parent)
        except OSError as exc:
            raise SourceError(f"could not start the {self.spider} crawl of {name} ({exc}); check that "
                              "Scrapy is installed in this environment", kind="crawl") from None
        tail: deque[str] = deque(maxlen=15)
        assert process.stderr is not None
        reader = threading.Thread(target=_forward, args=(process.stderr, name, tail), daemon=True)
        reader.start()
        try:
            code = self._wait(process, tail)
        finally:
            reader.join(timeout=10)
            process.stderr.close()
        return code, list(tail)

    def _wait(self, process: subprocess.Popen[str], tail: deque[str]) -> int:
        """The crawl's exit code; it is ended early when the process stops or the crawl overruns."""
        limit = self.settings.crawl_timeout + 120
        deadline = time.monotonic() + limit
        while True:
            try:
                return process.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                pass
            if self.stop is not None and self.stop.is_set():
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                raise SourceError(f"the {self.spider} crawl was stopped: Earful is stopping", kind="cancelled")
            if time.monotonic() > deadline:
                process.kill()
                tail.append(f"killed after {limit}s (crawl_timeout)")
                return process.wait()


def _forward(stream: IO[str], name: str, tail: deque[str]) -> None:
    """The child's log into ours: progress lines and warnings/errors, prefixed with the source."""
    for line in stream:
        line = line.rstrip()
        if not line:
            continue
        tail.append(line[:500])
        match = _LOG_LINE.match(line)
        if not match:
            continue
        level = _LEVELS.get(match["level"], logging.INFO)
        if level >= logging.WARNING or match["name"].startswith(_FORWARDED_INFO):
            message = match["msg"]  # our spiders name the source themselves
            logger.log(level, "%s", message if message.startswith(f"{name}: ") else f"{name}: {message}")


def _read_output(lines: list[str]) -> tuple[CollectResult, dict[str, Any] | None, list[dict[str, Any]]]:
    result, summary, aggregates = CollectResult(), None, []
    for line in lines:
        try:
            record = json.loads(line)
            kind, data = record["kind"], record["data"]
            if kind == "mention":
                result.mentions.append(RawMention.model_validate(data))
            elif kind == "aggregate":
                aggregates.append(data)
            elif kind == "summary":
                summary = data
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("an item of the crawl could not be read back (%s); skipped", exc)
            result.skip("unreadable_item")
    return result, summary, aggregates


def _apply_summary(result: CollectResult, summary: dict[str, Any], name: str) -> None:
    for reason, n in (summary.get("skipped") or {}).items():
        result.skip(reason, n)
    for reason, n in (summary.get("counts") or {}).items():
        result.note(reason, n)
    failures = [SourceError(str(f["message"]), kind=str(f["kind"])) for f in summary.get("failures") or []]
    kinds = summary.get("error_kinds") or {}
    if failures and not summary.get("pages_ok") and not result.mentions:
        kind = max(kinds, key=lambda k: kinds[k]) if kinds else "fetch"
        raise SourceError(f"{name}: no page could be fetched: {'; '.join(map(str, failures[:3]))}", kind=kind)
    result.failures.extend(failures)  # pages that failed; what the others gave is kept
