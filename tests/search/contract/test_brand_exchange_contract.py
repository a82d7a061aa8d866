"""Export and import keep the sentiment toward each brand and the passages read, NDJSON and CSV, on every
backend: articles of two brands scored by the accurate scorer, exported, imported into an empty index."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

from earful.config import AppConfig, parse_config
from earful.exchange.writers import csv_lines, ndjson_lines
from earful.models import Mention, RawMention
from earful.rules import BrandMatcher
from earful.settings import Settings
from search import export
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from workers.brand_sentiment import BrandTargets
from workers.importer import RowReader, import_stream
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import SentimentRouter, is_pending, router_from_settings

WHEN = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
CHEERFUL = ("The harbour district opened on Saturday to large and cheerful crowds. Visitors praised the wide "
            "promenades and the excellent restaurants, and the new ferry line was applauded as a great success.\n")
ACME = ("Acme, the contractor that built the pier, drew angry complaints. Inspectors said Acme had used "
        "defective steel, and residents accused Acme of lying about the delays.\n")
GLOBEX = ("Globex, which designed the lighting, won an award for its beautiful and efficient lamps, and "
          "visitors loved how Globex made the waterfront glow.\n")
TEXTS = {"both": CHEERFUL * 4 + ACME + GLOBEX + CHEERFUL * 4, "acme": CHEERFUL * 3 + ACME,
         "globex": GLOBEX + CHEERFUL * 5, "post": "Globex lamps are lovely, Acme pier is a disgrace"}


@pytest.fixture(scope="module")
def router(tmp_path_factory: pytest.TempPathFactory) -> SentimentRouter:
    """The default scorers: the accurate one toward each brand."""
    return router_from_settings(Settings(data_dir=tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="module")
def config() -> AppConfig:
    return parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"},
                                     {"id": "globex", "name": "Globex", "query": "globex"}]})


def processor(config: AppConfig, router: SentimentRouter, index: IndexBackend) -> Processor:
    """Production's processing with the accurate scorer inline (nothing left to a refiner)."""
    return Processor(BrandMatcher(config.brands), FastTextDetector(), router, index,
                     targets=BrandTargets(config.brands))


@pytest.fixture(scope="module")
def scored(config: AppConfig, router: SentimentRouter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Mention]]:
    """Three articles and a post, scored toward each of their brands as production scores them."""
    raws = [RawMention(id=key, source="reddit" if key == "post" else "feed", source_name="news", title=f"On {key}",
                       text=text, url=f"https://news.example.com/{key}", published_at=WHEN - timedelta(hours=n))
            for n, (key, text) in enumerate(TEXTS.items())]
    index = EmbeddedIndex(tmp_path_factory.mktemp("scored") / "index")
    try:
        assert processor(config, router, index).process(raws).indexed == len(raws)
        yield index.get(list(TEXTS))
    finally:
        index.close()


def test_the_articles_have_their_own_sentiment_and_passages_toward_each_brand(scored: list[Mention]) -> None:
    both = next(m for m in scored if m.id == "both")
    assert (both.brand_sentiment["acme"].label, both.brand_sentiment["globex"].label) == ("negative", "positive")
    assert "+target-" in (both.brand_sentiment["acme"].model or "")
    assert all(s.passages for m in scored if m.source == "feed" for s in m.brand_sentiment.values())
    assert not any(is_pending(s) for m in scored for s in m.brand_sentiment.values())


def search_ids(index: IndexBackend, brand: str, label: str) -> list[str]:
    request = SearchRequest(filters=SearchFilters(brands=[brand], sentiments=[label]), sort="oldest", limit=50,
                            highlight=False)
    return [hit.mention.id for hit in index.search(request).hits]


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_export_then_import_keeps_the_sentiment_toward_each_brand(
        make_backend: Callable[..., IndexBackend], scored: list[Mention], config: AppConfig, router: SentimentRouter,
        fmt: str) -> None:
    source = make_backend()
    # A score the scorer would not give: the import keeps what was exported, it does not score again.
    both = next(m for m in scored if m.id == "both")
    marked = both.brand_sentiment["globex"].model_copy(update={"score": 0.987})
    source.upsert([m if m.id != "both" else m.model_copy(
        update={"brand_sentiment": {**m.brand_sentiment, "globex": marked}}) for m in scored])
    writer = ndjson_lines if fmt == "ndjson" else csv_lines
    data = "".join(writer(export.mentions(source, None, SearchFilters(include_duplicates=True)))).encode("utf-8")

    copy = make_backend(other="copy")
    report = import_stream(io.BytesIO(data), fmt, processor(config, router, copy), RowReader())  # type: ignore[arg-type]
    assert report.problems == [] and report.stats.indexed == len(scored)
    originals, copies = ({m.id: m for m in index.get(list(TEXTS))} for index in (source, copy))
    assert {k: (m.sentiment, m.brand_sentiment) for k, m in copies.items()} == {
        k: (m.sentiment, m.brand_sentiment) for k, m in originals.items()}
    assert copies["both"].brand_sentiment["globex"].score == 0.987
    assert copies["both"].brand_sentiment["acme"].passages[0].text.startswith("Acme, the contractor")
    for brand in ("acme", "globex"):
        for label in ("negative", "positive", "neutral"):
            assert search_ids(copy, brand, label) == search_ids(source, brand, label)
    assert search_ids(copy, "acme", "negative") and search_ids(copy, "globex", "positive")


def test_another_index_beside_the_first_is_empty_and_its_own(make_backend: Callable[..., IndexBackend]) -> None:
    first, other = make_backend(), make_backend(other="copy")
    first.upsert([Mention(id="x", source="feed", source_name="news", text="Acme", published_at=WHEN)])
    assert first.count() == 1 and other.count() == 0
