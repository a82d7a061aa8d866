"""``earful export`` and ``earful import``: every mention out as NDJSON or CSV, and back in."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from cli.commands.scope_args import add_filters, resolve_args
from cli.helpers import load_settings, say
from earful.models import Mention

PROGRESS_SECONDS = 5.0


class _Progress:
    """Counts what went out and says so every few seconds; knows the last id for --after."""

    def __init__(self) -> None:
        self.written, self.last_id = 0, ""
        self.started = self.shown = time.monotonic()

    def track(self, mentions: Iterator[Mention]) -> Iterator[Mention]:
        for mention in mentions:
            yield mention
            self.written, self.last_id = self.written + 1, mention.id
            if self.written % 1000 == 0 and time.monotonic() - self.shown >= PROGRESS_SECONDS:
                self.shown = time.monotonic()
                say(f"exported {self.written:,} mentions … (last id {self.last_id})")


def cmd_export(args: argparse.Namespace) -> int:
    from earful.exchange.writers import csv_lines, ndjson_lines
    from search import export
    from search.factory import open_index

    settings = load_settings()
    query, filters = resolve_args(args, settings)
    index = open_index(settings, writable=False)
    writer = ndjson_lines if args.format == "ndjson" else csv_lines
    out, progress = sys.stdout.buffer, _Progress()
    try:
        for line in writer(progress.track(export.mentions(index, query, filters, after=args.after))):
            out.write(line.encode("utf-8"))
        out.flush()
    except BrokenPipeError:
        say(f"the reader stopped after {progress.written:,} mentions; go on with --after {progress.last_id}")
        return 1
    finally:
        index.close()
    say(f"exported {progress.written:,} mentions in {time.monotonic() - progress.started:.1f}s"
        + (f"; last id {progress.last_id} (--after {progress.last_id} goes on from there)"
           if progress.last_id else ""))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from earful.exchange.mapping import load_mapping
    from search.factory import open_index
    from workers.importer import RowReader, file_format, import_stream
    from workers.runtime import build_processor

    settings = load_settings()
    path = Path(args.file)
    fmt = file_format(path, args.format)
    mapping = load_mapping(args.mapping) if args.mapping else None
    if not path.is_file():
        say(f"{path}: no such file")
        return 2
    index = open_index(settings, writable=True)
    try:
        processor = build_processor(settings, settings.app_config, index)
        with path.open("rb") as stream:
            report = import_stream(stream, fmt, processor, RowReader(args.source, mapping), progress=say,
                                   on_problem=lambda p: say(f"{path}:{p.line}: skipped: {p.reason}"))
    finally:
        index.close()
    say(f"{path}: {report.summary()}")
    return 1 if report.rows and not report.stats.indexed and report.bad_rows else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = sub.add_parser("export", help="every matching mention, oldest first, as NDJSON or CSV on stdout")
    export.add_argument("--format", choices=["ndjson", "csv"], default="ndjson")
    export.add_argument("--after", help="id of the last mention a previous export wrote: go on after it")
    add_filters(export)
    export.set_defaults(func=cmd_export)
    imp = sub.add_parser("import", help="load mentions from an NDJSON or CSV file (Earful's export or "
                                        "another tool's CSV) through the usual processing")
    imp.add_argument("file")
    imp.add_argument("--source", help="source name for the imported mentions (default: as exported, or 'import')")
    imp.add_argument("--mapping", help="YAML column mapping for another tool's CSV (docs/export-import.md)")
    imp.add_argument("--format", choices=["ndjson", "csv"], help="when the file name does not tell")
    imp.set_defaults(func=cmd_import)
