"""The demo's live outage raises its alert rules whatever the time of day the demo is started.

The demo dates its posts relative to the moment it runs, so the buckets its history falls into, and the
usual negative share the detector learns from them, move with the clock. The corpus goes through the
stages the demo uses (provisional sentiment at intake, the brand targets, the alert evaluator), one batch
per feed as the demo collects it, at moments spread over a day; two of them once missed the negative
spike by a hair (live posts the provisional scorer read as neutral).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli.demo.corpus import CORPUS, LIVE
from cli.demo.feeds import demo_config, live_hours_ago
from cli.demo.model import Item
from earful.alert_store import Incidents
from earful.config import parse_config
from earful.models import RawMention
from earful.rules import BrandMatcher
from earful.settings import Settings
from earful.state.sqlite import SQLiteStateStore
from search.embedded import EmbeddedIndex
from tests.demo_mentions import as_raw
from workers.alerts.evaluator import Evaluator
from workers.brand_sentiment import BrandTargets
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.refine import open_refine_queue
from workers.sentiment import default_router

DAY = datetime(2026, 12, 6, 0, 0, 7, tzinfo=timezone.utc)
MOMENTS = [DAY + timedelta(minutes=m) for m in (0, 157, 331, 502, 689, 818, 1043, 1099, 1259, 1401)]


def _by_feed(items: list[Item], now: datetime) -> list[list[RawMention]]:
    feeds: dict[str, list[RawMention]] = {}
    for item in items:
        feeds.setdefault(item.feeds[0], []).append(as_raw(item, now))
    return list(feeds.values())


@pytest.mark.parametrize("now", MOMENTS, ids=[m.strftime("%H:%M") for m in MOMENTS])
def test_the_live_outage_opens_the_negative_and_volume_rules(tmp_path: Path, now: datetime) -> None:
    config = parse_config(demo_config("http://127.0.0.1:9"))
    settings = Settings(data_dir=tmp_path / "data")
    router = default_router(settings=settings)
    index, state = EmbeddedIndex(tmp_path / "index"), SQLiteStateStore(tmp_path / "state.db")
    clock = [now]
    try:
        processor = Processor(BrandMatcher(config.brands), FastTextDetector(), router, index,
                              refine_queue=open_refine_queue(settings, router),
                              listeners=[Evaluator(index, state, config, clock=lambda: clock[0])],
                              targets=BrandTargets(config.brands))
        for batch in _by_feed([i for i in CORPUS if i.hours_ago >= 0], now):  # the history: never alerts
            processor.process(batch)
        assert not Incidents(state).all()
        live_at = now + timedelta(seconds=20)
        clock[0] = live_at + timedelta(seconds=20)
        for batch in _by_feed([replace(i, hours_ago=live_hours_ago(i.hours_ago, live_at)) for i in LIVE], live_at):
            processor.process(batch)
        opened = {i.rule for i in Incidents(state).all() if i.state == "open"}
        assert {"acme-negative", "acme-volume"} <= opened, opened
    finally:
        index.close()
        state.close()
