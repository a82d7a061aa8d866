"""``earful import``: mentions from an NDJSON or CSV file through the same processing as collection.

Earful's own export keeps each mention's id, brands, times and (when today's scorer made it)
its sentiment; any other CSV is read through a column mapping and its rows go through the
brand rules like collected mentions. Language detection and duplicate detection run for every
row. A row that cannot be read is reported with its line number and skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal
from urllib.parse import urlsplit

from crawlers.reviews.ratings import normalize_rating
from earful.errors import BadRequest
from earful.exchange.columns import is_export_header, to_mention
from earful.exchange.mapping import GENERIC, ColumnMapping, pick
from earful.exchange.readers import Problem, Record, read_csv, read_ndjson
from earful.models import Mention, RawMention, mention_id
from workers.pipeline import Processor
from workers.stats import RunStats

Format = Literal["ndjson", "csv"]
Progress = Callable[[str], None]
BATCH = 1000
PROGRESS_EVERY = 10_000
KEPT_PROBLEMS = 1000  # reported as they happen; the report keeps the first ones
_RAW_FIELDS = set(RawMention.model_fields)


@dataclass
class ImportReport:
    rows: int = 0
    stats: RunStats = field(default_factory=RunStats)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0

    def summary(self) -> str:
        return f"read {self.rows} rows · {self.bad_rows} skipped as unreadable · {self.stats.summary()}"


def file_format(path: Path, given: str | None = None) -> Format:
    name = (given or path.suffix.lstrip(".")).lower()
    if name in ("ndjson", "jsonl", "json"):
        return "ndjson"
    if name == "csv":
        return "csv"
    raise BadRequest(f"{path}: cannot tell the format from the name; use --format ndjson or --format csv")


@dataclass
class RowReader:
    """Turns records into mentions: the export format as it is, other CSV through a mapping."""

    source_name: str | None = None
    mapping: ColumnMapping | None = None
    _columns: dict[str, list[str]] | None = None
    _export: bool | None = None

    def read(self, record: Record, flat: bool) -> tuple[RawMention, Mention | None]:
        if self._export is None:
            self._export = not flat or is_export_header(list(record.fields))
            if not self._export:
                self._columns = (self.mapping or GENERIC).resolve(list(record.fields))
        if self._export:
            mention = to_mention(record.fields, flat=flat)
            if self.source_name:
                mention = mention.model_copy(update={"source_name": self.source_name})
            return RawMention(**mention.model_dump(include=_RAW_FIELDS)), mention
        return self._mapped(record), None

    def _mapped(self, record: Record) -> RawMention:
        mapping = self.mapping or GENERIC
        values = pick(record.fields, self._columns or {})
        if "published_at" not in values or not (values.get("text") or values.get("title")):
            raise ValueError("no date or no text in this row")
        name = self.source_name or "import"
        native = values.get("id") or values.get("url") or hashlib.sha1(
            "\x1f".join(values.get(k, "") for k in ("published_at", "title", "text")).encode()).hexdigest()
        rating = normalize_rating(values["rating"], mapping.rating_scale).rating if "rating" in values else None
        site = values.get("site") or (urlsplit(values["url"]).hostname if values.get("url") else None)
        return RawMention(id=mention_id(name, native), source="import", source_name=name, url=values.get("url"),
                          author=values.get("author"), title=values.get("title", ""), text=values.get("text", ""),
                          published_at=mapping.published(values["published_at"]), site=site,
                          lang_hint=values.get("lang"), rating=rating)


def _records(stream: BinaryIO, fmt: Format) -> Iterator[Record | Problem]:
    return read_ndjson(stream) if fmt == "ndjson" else read_csv(stream)


class _Batch:
    """Rows waiting to be processed, originals before their exact copies.

    An exported copy keeps its original: a copy read before its original (same second) waits
    for it, so that duplicate detection names the same original again.
    """

    def __init__(self, processor: Processor, report: ImportReport) -> None:
        self.processor, self.report = processor, report
        self.raws: list[RawMention] = []
        self.known: dict[str, Mention] = {}
        self.waiting: dict[str, list[tuple[RawMention, Mention]]] = {}

    def add(self, raw: RawMention, mention: Mention | None) -> None:
        if mention is not None and mention.duplicate_of and not self._seen(mention.duplicate_of):
            self.waiting.setdefault(mention.duplicate_of, []).append((raw, mention))
            return
        self._append(raw, mention)
        for copy, known in self.waiting.pop(raw.id, []):
            self._append(copy, known)

    def _append(self, raw: RawMention, mention: Mention | None) -> None:
        self.raws.append(raw)
        if mention is not None:
            self.known[mention.id] = mention

    def _seen(self, original: str) -> bool:
        return original in self.known or bool(self.processor.index.get([original]))

    def flush(self, *, last: bool = False) -> None:
        if last:
            for copies in self.waiting.values():  # their original was not in the file
                for raw, mention in copies:
                    self._append(raw, mention)
            self.waiting.clear()
        if self.raws:
            marked = {m.id for m in self.known.values() if m.duplicate_of}
            self.raws.sort(key=lambda r: r.id in marked)  # stable: originals first
            self.report.stats.add(self.processor.process(self.raws, list(self.known.values())))
            self.raws, self.known = [], {}


def import_stream(stream: BinaryIO, fmt: Format, processor: Processor, reader: RowReader, *,
                  batch: int = BATCH, progress: Progress | None = None,
                  on_problem: Callable[[Problem], None] | None = None) -> ImportReport:
    """Read, convert and process every row; problems are reported (and kept, up to a limit)."""
    report = ImportReport()
    pending = _Batch(processor, report)
    for item in _records(stream, fmt):
        report.rows += 1
        problem = item if isinstance(item, Problem) else _convert(item, fmt, reader, pending)
        if problem is not None:
            report.bad_rows += 1
            if len(report.problems) < KEPT_PROBLEMS:
                report.problems.append(problem)
            if on_problem:
                on_problem(problem)
        if len(pending.raws) >= batch:
            pending.flush()
        if progress and report.rows % PROGRESS_EVERY == 0:
            progress(f"{report.rows:,} rows read · {report.stats.indexed:,} indexed · {report.bad_rows:,} skipped")
    pending.flush(last=True)
    return report


def _convert(record: Record, fmt: Format, reader: RowReader, pending: _Batch) -> Problem | None:
    try:
        raw, mention = reader.read(record, flat=fmt == "csv")
    except (ValueError, TypeError) as exc:
        return Problem(record.line, str(exc) or type(exc).__name__)
    pending.add(raw, mention)
    return None
