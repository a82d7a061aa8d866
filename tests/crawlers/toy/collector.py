"""The toy collector: every line of the file is a mention; a line that is not JSON is skipped and counted."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from crawlers.base import Collector, CollectResult
from earful.errors import SourceError
from earful.models import RawMention, mention_id
from earful.state import StateStore
from tests.crawlers.toy.config import ToySource


class ToyCollector(Collector[ToySource]):
    def collect(self, source: ToySource, state: StateStore) -> CollectResult:
        try:
            lines = Path(source.path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SourceError(f"cannot read {source.path}: {exc.strerror}", kind="fetch") from None
        result = CollectResult()
        for line in lines:
            try:
                post = json.loads(line)
            except ValueError:
                result.skip("not_json")
                continue
            result.mentions.append(RawMention(
                id=mention_id("toy", str(post["id"])), source="toy", source_name=source.name,
                title=post.get("title", ""), text=post.get("text", ""),
                published_at=datetime(2026, 11, 1, tzinfo=timezone.utc)))
        return result
