"""Import: the demo corpus exported and imported into an empty index answers every search the same; other
tools' CSV goes through the brand rules; bad rows are reported by line and skipped."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli.demo.corpus import CORPUS as DEMO
from cli.demo.feeds import demo_config
from earful.config import AppConfig, parse_config
from earful.exchange.readers import Problem
from earful.exchange.writers import csv_lines, ndjson_lines
from earful.models import RawMention
from earful.query import parse
from earful.rules import BrandMatcher
from search import export
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from search.trends import trend
from workers.importer import RowReader, file_format, import_stream
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import default_router

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def processor(config: AppConfig, index: IndexBackend) -> Processor:
    return Processor(BrandMatcher(config.brands), FastTextDetector(), default_router(), index)


@pytest.fixture(scope="module")
def config() -> AppConfig:
    return parse_config(demo_config("http://127.0.0.1:9"))


@pytest.fixture(scope="module")
def demo(config: AppConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedIndex]:
    """The demo corpus through the real processing stages."""
    index = EmbeddedIndex(tmp_path_factory.mktemp("demo") / "index")
    raws = [RawMention(id=item.key, source="feed", source_name=f"demo-{item.feeds[0]}", author=item.author,
                       title=item.title, text=item.body, url=f"https://{item.feeds[0]}.example.com/{item.key}",
                       published_at=NOW - timedelta(hours=item.hours_ago), collected_at=NOW) for item in DEMO]
    processor(parse_config(demo_config("http://127.0.0.1:9")), index).process(raws)
    yield index
    index.close()


def answers(index: IndexBackend) -> dict[str, object]:
    """What a user sees: every page of every search below, counts and trends."""
    out: dict[str, object] = {}
    for q in (None, "outage OR refund*", '"acme mobile"', "اکمی OR Акме*"):
        for dups in (False, True):
            request = SearchRequest(query=parse(q) if q else None, sort="newest", limit=500, highlight=False,
                                    filters=SearchFilters(include_duplicates=dups))
            out[f"{q}/{dups}"] = [h.mention.model_dump() for h in index.search(request).hits]
    out["count"] = index.count()
    out["trend"] = [(b.start, b.count, b.labels, b.mean_sentiment) for b in trend(
        index, None, SearchFilters(brands=["acme"]), interval="day", since=NOW - timedelta(days=22), until=NOW,
        tz=__import__("zoneinfo").ZoneInfo("Europe/Berlin"))]
    return out


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_export_then_import_into_an_empty_index_answers_the_same(demo: EmbeddedIndex, config: AppConfig,
                                                                tmp_path: Path, fmt: str) -> None:
    writer = ndjson_lines if fmt == "ndjson" else csv_lines
    mentions = export.mentions(demo, None, SearchFilters(include_duplicates=True))
    data = "".join(writer(mentions)).encode("utf-8")
    copy = EmbeddedIndex(tmp_path / "copy")
    report = import_stream(io.BytesIO(data), fmt, processor(config, copy), RowReader())  # type: ignore[arg-type]
    assert report.problems == [] and report.stats.indexed == demo.count(filters=SearchFilters(include_duplicates=True))
    assert answers(copy) == answers(demo)
    copy.close()


def test_other_tools_csv_goes_through_the_rules_and_bad_rows_are_reported(config: AppConfig, tmp_path: Path) -> None:
    csv_text = "\n".join([
        "Date,Title,Full Text,Url,Author,Rating",
        "2026-11-19 08:00,Outage,Acme Mobile is down again in Riverton,https://forum.example/t/1,bo,",
        "2026-11-19 09:00,,Globex Fiber One install was quick,https://reviews.example/2,cy,4",
        "yesterday,,Acme Mobile refund,https://forum.example/t/3,dee,",
        "2026-11-19 10:00,,Nothing about any brand here,https://forum.example/t/4,ed,",
        '2026-11-19 11:00,,"Acme Mobile broken quote,https://forum.example/t/5,fi,',
    ]).encode()
    index = EmbeddedIndex(tmp_path / "index")
    problems: list[Problem] = []
    report = import_stream(io.BytesIO(csv_text), "csv", processor(config, index), RowReader(source_name="tool"),
                           on_problem=problems.append)
    assert [p.line for p in problems] == [4, 6] and "date 'yesterday' is not in ISO 8601" in problems[0].reason
    assert report.stats.indexed == 2 and report.stats.dropped["no_brand"] == 1
    stored = {m.text: m for m in index.get([h.mention.id for h in index.search(SearchRequest(limit=10)).hits])}
    down = stored["Acme Mobile is down again in Riverton"]
    assert (down.brands, down.source, down.source_name, down.site) == (["acme"], "import", "tool", "forum.example")
    assert stored["Globex Fiber One install was quick"].rating.normalized == 0.75  # type: ignore[union-attr]
    index.close()


def test_format_from_the_file_name() -> None:
    assert file_format(Path("x.jsonl")) == "ndjson" and file_format(Path("x.CSV")) == "csv"
    assert file_format(Path("x.txt"), "csv") == "csv"
    with pytest.raises(Exception, match="--format"):
        file_format(Path("x.txt"))
