"""Alert rules evaluated over each backend: counts come from the index, so both raise the same incident."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from earful.alert_store import Incidents
from earful.config import parse_config
from earful.models import Mention, Sentiment
from earful.state import SQLiteStateStore
from search.base import IndexBackend
from workers.alerts.evaluator import Evaluator

NOW = datetime(2026, 3, 20, 12, 7, tzinfo=timezone.utc)
CONFIG = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                       "alerts": [{"id": "acme-negative", "brand": "acme", "trigger": "negative_spike",
                                   "interval": "1h"}]})


def _mention(n: int, when: datetime, negative: bool, prefix: str = "h") -> Mention:
    return Mention(id=f"{prefix}{n}", source="feed", source_name="news", title="acme plan", text=f"acme plan {n}",
                   published_at=when, brands=["acme"], content_hash=f"{prefix}{n}",
                   sentiment=Sentiment(score=-0.5 if negative else 0.5, label="negative" if negative else "positive"))


def _history() -> list[Mention]:
    """Ten days of eight mentions an hour, one in four negative, exact copies among them."""
    out = []
    start = NOW.replace(minute=0) - timedelta(days=10)
    for h in range(10 * 24):
        for k in range(8):
            out.append(_mention(len(out), start + timedelta(hours=h, minutes=7 * k), negative=k % 4 == 0))
    for copy in out[::50]:
        out.append(copy.model_copy(update={"id": f"copy-{copy.id}", "duplicate_of": copy.id}))
    return out


def test_a_negative_wave_raises_one_incident_on_every_backend(make_backend: Callable[[], IndexBackend],
                                                              tmp_path: Path) -> None:
    index = make_backend()
    index.upsert(_history())
    state = SQLiteStateStore(tmp_path / "state.sqlite3")
    try:
        evaluator = Evaluator(index, state, CONFIG, clock=lambda: NOW)
        assert [o.change for o in evaluator.tick()] == [None]
        wave = [_mention(i, NOW - timedelta(minutes=6) + timedelta(seconds=i), negative=i % 5 != 0, prefix="w")
                for i in range(30)]
        index.upsert(wave)
        assert [o.change for o in evaluator.after_batch(wave)] == ["opened"]
        [incident] = Incidents(state).all()
        assert incident.trigger == "negative_spike" and incident.observed >= 24
        assert incident.usual_share is not None and abs(incident.usual_share - 0.25) < 0.03
        assert incident.series[-1].observed >= 30 and incident.series[-2].observed == 8  # copies counted once
    finally:
        state.close()
