"""An incident opens seconds after its mentions were collected, before the refiner has read them: its first
notification still shows its top mentions as the accurate scorer reads them toward the brand, with the
passages read. The index keeps their provisional scores until the refiner stores the same ones."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from earful.alert_store import Incidents
from earful.config import AppConfig, parse_config
from earful.models import BrandSentiment, Engagement, Mention, Sentiment
from earful.settings import Settings
from earful.state import StateStore
from search.embedded import EmbeddedIndex
from workers.alerts.evaluator import Evaluator
from workers.brand_sentiment import BrandSentimentScorer, BrandTargets
from workers.delivery import outbox
from workers.delivery.notify import Notifier
from workers.runtime import build_processor, evaluator_of
from workers.sentiment import PENDING, is_pending, router_from_settings

from ..test_brand_sentiment import ACME, article
from .conftest import NOW, Clock, burst, mentions_between

PROVISIONAL = f"vader-3.3.2 ({PENDING}e5-small)"


def config_with(trigger: str) -> AppConfig:
    return parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                         "alerts": [{"id": f"acme-{trigger}", "brand": "acme", "trigger": trigger,
                                     "email": ["oncall@example.com"]}]})


def articles(at: datetime, count: int) -> list[Mention]:
    """Long news articles, cheerful overall and damning about Acme in one paragraph, as intake stores them:
    the provisional whole-text score (positive) for the article and toward Acme, the accurate one pending."""
    calm = Sentiment(score=0.6, label="positive", model=PROVISIONAL)
    return [Mention(id=f"a{i}", source="feed", source_name="city-news", title="Harbour district opens",
                    text=article(ACME) + f"Reported by desk {i}.", url=f"https://news.example.com/a{i}",
                    published_at=at + timedelta(seconds=3 * i), lang="en", brands=["acme"], content_hash=f"a{i}",
                    engagement=Engagement(score=100 - i), sentiment=calm,
                    brand_sentiment={"acme": BrandSentiment(**calm.model_dump())})
            for i in range(count)]


def sharpener(settings: Settings, config: AppConfig) -> Any:
    return BrandSentimentScorer(router_from_settings(settings), BrandTargets(config.brands)).sharpen


def notes(state: StateStore) -> list[dict[str, Any]]:
    return [value for _, value in state.items(outbox.NOTE)]


def open_one(index: EmbeddedIndex, evaluator: Evaluator, batch: Sequence[Mention]) -> None:
    index.upsert(list(batch))
    assert [o.change for o in evaluator.after_batch(batch)] == ["opened"]


def test_the_first_email_shows_the_top_mentions_as_read_toward_the_brand(
        settings: Settings, embedded_index: EmbeddedIndex, sqlite_state: StateStore) -> None:
    config = config_with("volume_spike")
    embedded_index.upsert(mentions_between(NOW - timedelta(days=21), NOW - timedelta(minutes=7), 600))
    evaluator = Evaluator(embedded_index, sqlite_state, config, clock=Clock(),
                          notify=Notifier(settings, config, sqlite_state), sharpen=sharpener(settings, config))
    spike = articles(NOW - timedelta(minutes=6), 100)
    open_one(embedded_index, evaluator, spike)
    [incident] = Incidents(sqlite_state).all()
    assert incident.evidence is not None
    top = incident.evidence.top_mentions
    assert [m.id for m in top] == ["a0", "a1", "a2", "a3", "a4"]  # most engaged first, as before
    assert {m.sentiment for m in top} == {"negative"} and all((m.sentiment_score or 0) < -0.3 for m in top)
    assert all(m.passage and "Acme" in m.passage and "angry complaints" in m.passage for m in top)
    assert (incident.evidence.read, incident.evidence.provisional) == (100, 100)
    [note] = notes(sqlite_state)
    assert note["text"].count("Read toward Acme") == 5 and "angry complaints" in note["text"]
    # the window's label counts are the index's, provisional still, and the mail says so
    assert "positive 100" in note["text"] and "100 of the newest 100 counted as scored at intake" in note["text"]
    # read in memory only: the refiner stores the accurate scores when it reaches them
    assert all(is_pending(m.sentiment) for m in embedded_index.get([m.id for m in spike]))


def test_a_negative_spike_shows_the_mentions_most_negative_toward_the_brand_once_read(
        settings: Settings, embedded_index: EmbeddedIndex, sqlite_state: StateStore) -> None:
    """Short posts already scored mildly negative, and articles intake called positive that the accurate
    scorer reads as damning toward Acme: the articles come first, read, though intake had put them last."""
    config = config_with("negative_spike")
    embedded_index.upsert(mentions_between(NOW - timedelta(days=21), NOW - timedelta(minutes=7), 600))
    evaluator = Evaluator(embedded_index, sqlite_state, config, clock=Clock(), sharpen=sharpener(settings, config))
    mild = [m.model_copy(update={"sentiment": Sentiment(score=-0.2, label="negative", model="e5-small"),
                                 "brand_sentiment": {"acme": BrandSentiment(score=-0.2, label="negative",
                                                                            model="e5-small")}})
            for m in burst(NOW - timedelta(minutes=6), 60)]
    open_one(embedded_index, evaluator, mild + articles(NOW - timedelta(minutes=5), 30))
    [incident] = Incidents(sqlite_state).all()
    assert incident.evidence is not None
    top = incident.evidence.top_mentions
    assert all(m.id.startswith("a") and m.sentiment == "negative" and m.passage for m in top)
    assert [m.sentiment_score for m in top] == sorted(m.sentiment_score or 0 for m in top)


def test_when_the_accurate_scorer_fails_the_incident_opens_with_the_provisional_labels(
        settings: Settings, embedded_index: EmbeddedIndex, sqlite_state: StateStore,
        caplog: pytest.LogCaptureFixture) -> None:
    config = config_with("volume_spike")
    embedded_index.upsert(mentions_between(NOW - timedelta(days=21), NOW - timedelta(minutes=7), 600))
    asked: list[int] = []

    def broken(mentions: Sequence[Mention]) -> list[Mention]:
        asked.append(len(mentions))
        raise RuntimeError("the model file is unreadable")

    evaluator = Evaluator(embedded_index, sqlite_state, config, clock=Clock(),
                          notify=Notifier(settings, config, sqlite_state), sharpen=broken)
    with caplog.at_level(logging.WARNING):
        open_one(embedded_index, evaluator, articles(NOW - timedelta(minutes=6), 100))
    [incident] = Incidents(sqlite_state).all()
    assert incident.evidence is not None and {m.sentiment for m in incident.evidence.top_mentions} == {"positive"}
    assert incident.evidence.terms and len(notes(sqlite_state)) == 1  # the rest of the evidence and the email
    assert asked and max(asked) <= 5 and "provisional sentiment" in caplog.text


def test_collecting_processes_wire_the_accurate_scorer_into_their_evaluator(
        settings: Settings, embedded_index: EmbeddedIndex, sqlite_state: StateStore) -> None:
    config = config_with("volume_spike")
    evaluator = evaluator_of(build_processor(settings, config, embedded_index, sqlite_state))
    assert evaluator is not None and evaluator.sharpen is not None
    [read] = evaluator.sharpen(articles(NOW, 1))
    assert read.brand_sentiment["acme"].label == "negative" and not is_pending(read.sentiment)
    assert read.brand_sentiment["acme"].passages
