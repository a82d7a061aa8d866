"""On the demo corpus, the top themes of each brand's most negative week name what its posts complain about."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli.demo.corpus import CORPUS
from cli.demo.feeds import demo_config
from earful.config import AppConfig, parse_config
from earful.models import RawMention
from earful.rules import BrandMatcher
from search.analytics.themes import ThemeQuery, extractor_for, themes
from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import default_router

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
# What the demo's negative episodes are about: the words a person reading them would name.
COMPLAINTS = {"acme": ({"outage"}, 3), "globex": ({"install", "fee"}, 5), "initech": ({"price", "prepaid"}, 5)}


@pytest.fixture(scope="module")
def config() -> AppConfig:
    return parse_config(demo_config("http://127.0.0.1:9"))


@pytest.fixture(scope="module")
def index(config: AppConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedIndex]:
    idx = EmbeddedIndex(Path(tmp_path_factory.mktemp("demo-themes")) / "index")
    raws = [RawMention(id=item.key, source="feed", source_name=f"demo-{item.feeds[0]}", author=item.author,
                       title=item.title, text=item.body, published_at=NOW - timedelta(hours=item.hours_ago))
            for item in CORPUS]
    Processor(BrandMatcher(config.brands), FastTextDetector(), default_router(), idx).process(raws)
    yield idx
    idx.close()


def worst_week(index: EmbeddedIndex, brand: str) -> tuple[datetime, datetime]:
    """The 7 days (ending on a whole day before now) holding most negative mentions of the brand."""
    request = SearchRequest(filters=SearchFilters(brands=[brand], sentiments=["negative"]), limit=500, highlight=False)
    negative = [hit.mention.published_at for hit in index.search(request).hits]
    ends = [NOW - timedelta(days=d) for d in range(22)]
    end = max(ends, key=lambda e: (sum(e - timedelta(days=7) <= t < e for t in negative), e))
    return end - timedelta(days=7), end


@pytest.mark.parametrize("brand", sorted(COMPLAINTS))
@pytest.mark.parametrize("compare_to", ["previous", "all"])
def test_negative_week_themes_name_the_complaint(index: EmbeddedIndex, config: AppConfig, brand: str,
                                                 compare_to: str) -> None:
    expected, within = COMPLAINTS[brand]
    since, until = worst_week(index, brand)
    report = themes(index, ThemeQuery(None, SearchFilters(brands=[brand]), since, until, compare_to),  # type: ignore[arg-type]
                    extractor_for(config))
    top = [t.term for t in report.themes[:within]]
    assert expected <= set(top), top
    brand_words = {w for b in config.brands for w in (b.id, *b.name.lower().split())}
    assert not brand_words & {w for t in report.themes for w in t.term.split()}
