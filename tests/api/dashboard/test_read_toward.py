"""Why a mention has its label toward a brand: the passages read for it, on the Mentions page and an
incident's page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.alert_store import Incidents
from earful.alerts.models import EvidenceMention
from earful.alerts.rules import AlertRule
from earful.config import parse_config
from earful.models import BrandSentiment, Mention, Passage, Sentiment, mention_id
from earful.state.sqlite import SQLiteStateStore
from search.embedded import EmbeddedIndex
from workers.delivery.sample import sample_incident

from .conftest import make_settings

NOW = datetime.now(timezone.utc).replace(microsecond=0)
TITLE = "Carriers report a mixed quarter"
TEXT = ("Globex added a million customers and won praise for its network.\n"
        "Acme lost subscribers after a week of outages, and regulators opened an inquiry into Acme.")
ACME = "Acme lost subscribers after a week of outages, and regulators opened an inquiry into Acme."
GLOBEX = "Globex added a million customers and won praise for its network."
CONFIG = {"brands": [{"id": "acme", "name": "Acme Mobile", "query": "acme"},
                     {"id": "globex", "name": "Globex Telecom", "query": "globex"}]}


def passage(full: str, part: str) -> Passage:
    start = full.index(part)
    return Passage(text=part, start=start, end=start + len(part))


def article() -> Mention:
    full = TITLE + "\n" + TEXT
    return Mention(
        id=mention_id("news", "quarter"), source="feed", source_name="telecom-news", title=TITLE, text=TEXT,
        url="https://news.example.com/quarter", lang="en", brands=["acme", "globex"],
        published_at=NOW - timedelta(hours=2), content_hash="quarter",
        sentiment=Sentiment(score=0.0, label="neutral", model="test"),
        brand_sentiment={"acme": BrandSentiment(score=-0.6, label="negative", model="test",
                                                passages=[passage(full, ACME)]),
                         "globex": BrandSentiment(score=0.7, label="positive", model="test",
                                                  passages=[passage(full, GLOBEX)])})


def post() -> Mention:
    return Mention(id=mention_id("reddit", "short"), source="reddit", source_name="r/phones", title="",
                   text="Acme support fixed my phone in ten minutes", lang="en", brands=["acme"],
                   published_at=NOW - timedelta(hours=1), content_hash="short",
                   sentiment=Sentiment(score=0.5, label="positive", model="test"),
                   brand_sentiment={"acme": BrandSentiment(score=0.5, label="positive", model="test")})


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    index = EmbeddedIndex(tmp_path / "index")
    index.upsert([article(), post()])
    state = SQLiteStateStore(tmp_path / "state.db")
    incident = sample_incident(AlertRule(id="acme-negative", brand="acme", trigger="negative_spike"), NOW)
    # as gathered when the incident opened: the article not refined yet (its provisional whole-text label)
    evidence = incident.evidence.model_copy(update={"top_mentions": [  # type: ignore[union-attr]
        EvidenceMention(id=article().id, title=TITLE, text=TEXT, source="feed", source_name="telecom-news",
                        published_at=NOW, sentiment="neutral", sentiment_score=0.0),
        EvidenceMention(id=post().id, text=post().text, source="reddit", source_name="r/phones",
                        published_at=NOW, sentiment="positive"),
        EvidenceMention(id="gone-since", text="Acme again", source="reddit", source_name="r/phones",
                        published_at=NOW, sentiment="negative", passage="kept as stored")],
        "read": 40, "provisional": 12})
    Incidents(state).save(incident.model_copy(update={"id": "acme-negative-1", "evidence": evidence}))
    return TestClient(create_app(make_settings(tmp_path), index, state, config=parse_config(CONFIG)))


def read_lines(html: str) -> list[str]:
    """Each "read toward" line as a person reads it (tags dropped, spaces collapsed)."""
    return [" ".join(re.sub(r"<[^>]+>", "", found).split())
            for found in re.findall(r'<p class="read-toward">(.*?)</p>', html, re.S)]


def test_a_brand_filter_shows_the_label_and_passage_toward_that_brand(client: TestClient) -> None:
    html = client.get("/mentions", params={"brand": "acme"}).text
    assert read_lines(html) == [f"Read toward Acme Mobile: {ACME}"]
    first = html.split('<li class="mention"')[1]  # newest first: the post, read whole, explains nothing more
    assert 'class="badge s-positive"' in first and "read-toward" not in first
    assert 'class="badge s-negative"' in html.split('<li class="mention"')[2]  # not the article's neutral tone
    globex = client.get("/mentions", params={"brand": "globex"}).text
    assert read_lines(globex) == [f"Read toward Globex Telecom: {GLOBEX}"] and 'class="badge s-positive"' in globex


def test_without_a_brand_each_brand_shows_its_own_label_and_passage(client: TestClient) -> None:
    html = client.get("/mentions").text
    assert read_lines(html) == [f"negative Read toward Acme Mobile: {ACME}",
                                f"positive Read toward Globex Telecom: {GLOBEX}"]
    assert 'class="badge s-neutral"' in html  # the article's overall badge


def test_an_incident_shows_its_top_mentions_as_refined_since_and_what_they_were_read_from(
        client: TestClient) -> None:
    html = client.get("/alerts/events/acme-negative-1").text
    assert read_lines(html) == [f"Read toward Acme Mobile: {ACME}", "Read toward Acme Mobile: kept as stored"]
    top = html.split('class="evidence-mentions"')[1].split('<li class="mention">')
    assert 'class="badge s-negative"' in top[1] and 'class="badge s-positive"' in top[2]
    shown = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "12 of the newest 40 mentions are counted as scored at intake" in shown  # the window's label counts
    detail = client.get("/api/v1/alerts/events/acme-negative-1").json()["evidence"]["top_mentions"]
    assert [(m["sentiment"], m["sentiment_score"], m["passage"]) for m in detail] == [
        ("negative", -0.6, ACME), ("positive", 0.5, None), ("negative", None, "kept as stored")]
