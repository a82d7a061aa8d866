"""The dashboard's fixtures: the demo corpus collected hour by hour into an index while its alert rules are
evaluated (so there are incidents: Thursday's outage raised Acme's volume and negative rules, both resolved
since, and the outage going on now holds both open), apps over it, and sign-in helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from cli.demo.corpus import CORPUS, LIVE
from cli.demo.feeds import demo_config, live_hours_ago
from earful.config import AppConfig, parse_config
from earful.models import Rating, RawMention
from earful.rules import BrandMatcher
from earful.settings import Settings
from earful.state import StateStore
from earful.state.sqlite import SQLiteStateStore
from search.embedded import EmbeddedIndex
from tests.demo_mentions import as_raw
from workers.alerts.evaluator import Evaluator
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import default_router

KEY = "dashboard-test-key-0123456789"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
REPLAYED = timedelta(hours=72)  # collected hour by hour, as a running Earful would; before that, all at once


def demo_raws(now: datetime) -> list[RawMention]:
    """The demo corpus as collected mentions, dated relative to ``now``, and one rated review."""
    review = RawMention(id="review-001", source="review", source_name="carrier-reviews", author="Dana",
                        title="Acme Mobile: dropped calls all week", text="Acme Mobile drops my calls at home.",
                        url="https://reviews.example.com/acme/1", site="reviews.example.com",
                        published_at=now - timedelta(hours=30), rating=Rating(raw="2", scale=5, normalized=0.25))
    live = [replace(item, hours_ago=live_hours_ago(item.hours_ago, now)) for item in LIVE]  # released now
    return [review] + [as_raw(item, now) for item in CORPUS + tuple(live)]


@pytest.fixture(scope="session")
def demo_app_config() -> AppConfig:
    return parse_config(demo_config("http://127.0.0.1:9"))


@pytest.fixture(scope="session")
def alerts_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StateStore]:
    """The incidents the demo's alert rules opened while ``demo_index`` was collected."""
    state = SQLiteStateStore(tmp_path_factory.mktemp("alerts") / "state.db")
    yield state
    state.close()


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory, demo_app_config: AppConfig,
               alerts_state: StateStore) -> Iterator[EmbeddedIndex]:
    """The demo corpus (with the live outage posts) through the real processing stages (provisional
    sentiment) and the alert evaluator: history older than three days at once (backfill never alerts), then
    one hour at a time up to now, each batch evaluated at the end of its hour."""
    index = EmbeddedIndex(tmp_path_factory.mktemp("dashboard") / "index")
    clock = [NOW - REPLAYED]
    evaluator = Evaluator(index, alerts_state, demo_app_config, clock=lambda: clock[0])
    processor = Processor(BrandMatcher(demo_app_config.brands), FastTextDetector(), default_router(), index,
                          listeners=[evaluator])
    raws = demo_raws(NOW)
    processor.process([r for r in raws if r.published_at < clock[0]])
    while clock[0] < NOW:
        start, clock[0] = clock[0], clock[0] + timedelta(hours=1)
        processor.process([r for r in raws if start <= r.published_at < clock[0]])
    yield index
    index.close()


def seeded_state(path: Path, alerts: StateStore) -> StateStore:
    """A fresh state store for one app, holding the demo's incidents."""
    state = SQLiteStateStore(path / "state.db")
    for key, value in alerts.items("alert-"):
        state.set(key, value)
    return state


def make_settings(data_dir: Path, **changes: object) -> Settings:
    return Settings(data_dir=data_dir).model_copy(update=changes)


@pytest.fixture
def open_client(demo_index: EmbeddedIndex, demo_app_config: AppConfig, alerts_state: StateStore,
                tmp_path: Path) -> TestClient:
    """The dashboard without API keys (loopback): no sign-in."""
    return TestClient(create_app(make_settings(tmp_path), demo_index, seeded_state(tmp_path, alerts_state),
                                 config=demo_app_config))


@pytest.fixture
def keyed_client(demo_index: EmbeddedIndex, demo_app_config: AppConfig, alerts_state: StateStore,
                 tmp_path: Path) -> TestClient:
    """The dashboard with API keys set, nobody signed in yet."""
    app = create_app(make_settings(tmp_path, api_keys=[KEY, "second-key-abcdefgh"]), demo_index,
                     seeded_state(tmp_path, alerts_state), config=demo_app_config)
    return TestClient(app, follow_redirects=False)


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, key: str = KEY) -> None:
    form = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf": csrf_of(form.text), "key": key, "next": "/trends"})
    assert response.status_code == 303 and response.headers["location"] == "/trends", response.text


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .browser import SHOTS

    if SHOTS:
        terminalreporter.write_line(f"dashboard screenshots (laptop and phone width): {SHOTS[0]}")
