"""Alert rules evaluated over a real embedded index and state store: incidents open, grow, resolve, and
backfill, quiet brands and restarts never make false or duplicate ones."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from earful.alert_store import Incidents
from earful.config import AppConfig, parse_config
from earful.errors import IndexUnavailable
from earful.state import SQLiteStateStore, StateStore
from search.embedded import EmbeddedIndex
from workers.alerts.evaluator import Evaluator

from .conftest import NOW, Clock, burst, mentions_between

RULES = [{"id": "acme-volume", "brand": "acme", "trigger": "volume_spike"},
         {"id": "globex-volume", "brand": "globex", "trigger": "volume_spike"}]


def config_with(*rules: dict[str, Any]) -> AppConfig:
    return parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"},
                                    {"id": "globex", "name": "Globex", "query": "globex"}],
                         "alerts": list(rules) or RULES})


@pytest.fixture
def index(embedded_index: EmbeddedIndex) -> EmbeddedIndex:
    return embedded_index


@pytest.fixture
def state(sqlite_state: StateStore) -> StateStore:
    return sqlite_state


def seeded(index: EmbeddedIndex, days: int = 21, per_day: float = 600, brand: str = "acme") -> None:
    index.upsert(mentions_between(NOW - timedelta(days=days), NOW - timedelta(minutes=7), per_day, brand=brand))


def advance(clock: Clock, evaluator: Evaluator, index: EmbeddedIndex, hours: float, per_day: float,
            factor: float = 1.0, brand: str = "acme", seed: int = 7) -> None:
    """Let time pass hour by hour, ``per_day * factor`` mentions arriving each hour, evaluated per batch."""
    for _ in range(int(hours)):
        start = clock.now
        clock.now += timedelta(hours=1)
        batch = mentions_between(start, clock.now, per_day * factor, brand=brand, seed=seed + int(start.timestamp()),
                                 prefix="live")
        index.upsert(batch)
        evaluator.after_batch(batch)
        evaluator.tick()


def test_a_spike_opens_one_incident_that_is_updated_then_resolved(index: EmbeddedIndex, state: StateStore) -> None:
    seeded(index)
    seeded(index, brand="globex")
    clock = Clock()
    evaluator = Evaluator(index, state, config_with(), clock=clock)
    assert [o.change for o in evaluator.tick()] == [None, None]
    first = burst(NOW - timedelta(minutes=6), 100)
    index.upsert(first)
    outcomes = evaluator.after_batch(first)
    assert [(o.rule, o.change) for o in outcomes] == [("acme-volume", "opened")]  # globex untouched
    [incident] = Incidents(state).all()
    assert incident.state == "open" and incident.sequence == 1 and incident.brand == "acme"
    assert incident.opened_at == NOW.replace(minute=0) and incident.observed >= 100 > 5 * incident.expected
    assert incident.lower <= incident.expected < incident.upper < incident.observed
    assert incident.evidence is not None and incident.evidence.top_mentions[0].sentiment == "negative"
    assert {"outage", "refund", "angry"} & {t.term for t in incident.evidence.terms}
    assert incident.evidence.sentiment["negative"] >= 100
    points = incident.series
    assert points[-1].start == NOW.replace(minute=0) and points[-1].observed >= 100
    assert len(points) > 150 and all(p.lower <= p.expected <= p.upper for p in points)
    clock.now += timedelta(minutes=20)  # the spike grows in the next bucket
    second = burst(NOW + timedelta(minutes=15), 500)
    index.upsert(second)
    assert [o.change for o in evaluator.after_batch(second)] == ["updated"]
    clock.now += timedelta(hours=4)
    evaluator.tick()
    [incident] = Incidents(state).all()
    assert incident.state == "resolved" and incident.resolution == "back_in_band"
    assert [v.state for v in incident.versions] == ["open", "updated", "resolved"]
    assert [v.sequence for v in incident.versions] == [1, 2, 3] and incident.sequence == 3


def test_a_resolved_incident_keeps_its_evidence_as_refined_since_it_was_told(index: EmbeddedIndex,
                                                                             state: StateStore) -> None:
    """Evidence is read as an incident opens, before the accurate scorer has read its mentions; the copy that
    lasts is read again as it resolves, with their refined sentiment and the passages it was read from."""
    from earful.models import BrandSentiment, Passage, Sentiment

    seeded(index)
    clock = Clock()
    evaluator = Evaluator(index, state, config_with(), clock=clock)
    spike = burst(NOW - timedelta(minutes=6), 100, negative=False)  # provisional: calm
    index.upsert(spike)
    assert [o.change for o in evaluator.after_batch(spike)] == ["opened"]
    [told] = Incidents(state).all()
    assert told.evidence is not None and {m.sentiment for m in told.evidence.top_mentions} == {"positive"}
    refined = [m.model_copy(update={
        "sentiment": Sentiment(score=-0.8, label="negative", model="accurate"),
        "brand_sentiment": {"acme": BrandSentiment(score=-0.8, label="negative", model="accurate",
                                                   passages=[Passage(text=m.title, start=0, end=len(m.title))])}})
        for m in spike]
    index.upsert(refined)
    clock.now += timedelta(hours=4)
    evaluator.tick()
    [incident] = Incidents(state).all()
    assert incident.state == "resolved" and incident.evidence is not None
    assert {m.sentiment for m in incident.evidence.top_mentions} == {"negative"}
    assert {m.passage for m in incident.evidence.top_mentions} == {"acme outage refund angry"}
    assert incident.evidence.sentiment.get("negative", 0) >= 100


def test_a_stored_incident_names_the_score_it_had_to_reach(index: EmbeddedIndex, state: StateStore) -> None:
    """A busy brand's volume spike is raised at the preset's score (4.5 at medium); a quiet brand's at a lower
    one (about 4.1 at 10 mentions a day), and the incident says so, in its band too."""
    seeded(index, per_day=600)
    seeded(index, days=28, per_day=10, brand="globex")
    evaluator = Evaluator(index, state, config_with(), clock=Clock())
    spikes = burst(NOW - timedelta(minutes=6), 100) + burst(NOW - timedelta(minutes=6), 20, brand="globex")
    index.upsert(spikes)
    assert sorted((o.rule, o.change) for o in evaluator.after_batch(spikes)) == [
        ("acme-volume", "opened"), ("globex-volume", "opened")]
    stored = {incident.brand: incident for incident in Incidents(state).all()}
    assert stored["acme"].threshold == 4.5
    assert 4.0 < stored["globex"].threshold < 4.3
    assert stored["acme"].threshold_why is None and stored["globex"].threshold_why is None  # the preset's
    quiet = stored["globex"]
    assert quiet.score >= quiet.threshold and quiet.expected < quiet.upper < quiet.observed


def test_a_14_day_backfill_opens_none(index: EmbeddedIndex, state: StateStore) -> None:
    clock = Clock()
    evaluator = Evaluator(index, state, config_with(), clock=clock)
    evaluator.tick()  # the rules exist before the brand has any mention
    history = mentions_between(NOW - timedelta(days=14), NOW - timedelta(minutes=2), 900, seed=3)
    history += burst(NOW - timedelta(days=6), 200) + burst(NOW - timedelta(days=2, hours=3), 150)
    for start in range(0, len(history), 2000):  # a first collection: batch after batch of the past
        batch = history[start:start + 2000]
        index.upsert(batch)
        evaluator.after_batch(batch)
    advance(clock, evaluator, index, hours=6, per_day=900)
    assert Incidents(state).all() == []


def test_a_new_source_filling_in_its_history_opens_none(index: EmbeddedIndex, state: StateStore) -> None:
    seeded(index, per_day=400)
    clock = Clock()
    evaluator = Evaluator(index, state, config_with(), clock=clock)
    evaluator.tick()
    backfill = mentions_between(NOW - timedelta(days=14), NOW, 800, seed=9, prefix="new", source_name="forum")
    index.upsert(backfill)  # the new source doubles the brand's volume, today included
    evaluator.after_batch(backfill)
    advance(clock, evaluator, index, hours=3, per_day=1200)
    assert Incidents(state).all() == []


def test_a_lasting_level_shift_opens_one_incident(index: EmbeddedIndex, state: StateStore) -> None:
    seeded(index, per_day=500)
    clock = Clock()
    evaluator = Evaluator(index, state, config_with(), clock=clock)
    evaluator.tick()
    advance(clock, evaluator, index, hours=48, per_day=500, factor=3.0)  # a campaign triples the volume
    [incident] = Incidents(state).all()
    assert incident.state == "resolved" and incident.resolution == "new_level"
    assert incident.opened_at - NOW < timedelta(hours=1)


def test_a_brand_at_three_mentions_a_day_never_alerts_on_noise(index: EmbeddedIndex, state: StateStore) -> None:
    seeded(index, days=28, per_day=3)
    rules = [{"id": f"quiet-{t}", "brand": "acme", "trigger": t, "interval": "1h"}
             for t in ("volume_spike", "negative_spike", "negative_share", "silence")]
    clock = Clock()
    evaluator = Evaluator(index, state, config_with(*rules), clock=clock)
    advance(clock, evaluator, index, hours=24 * 7, per_day=3)
    assert evaluator.failures == 0 and Incidents(state).all() == []


def test_a_silenced_source_opens_silence_and_resolves_when_it_returns(index: EmbeddedIndex,
                                                                      state: StateStore) -> None:
    seeded(index, per_day=1500)
    clock = Clock()
    evaluator = Evaluator(index, state, config_with({"id": "acme-quiet", "brand": "acme", "trigger": "silence"}),
                          clock=clock)
    evaluator.tick()
    for _ in range(4):  # the source breaks: nothing arrives for an hour, the clock keeps evaluating
        clock.now += timedelta(minutes=15)
        evaluator.tick()
    [incident] = Incidents(state).all()
    assert incident.trigger == "silence" and incident.state == "open" and incident.score < -4
    assert incident.threshold == 4.0  # silence opens half a point under the preset's 4.5, and says so
    assert incident.opened_at <= NOW + timedelta(minutes=30) and incident.observed == 0
    advance(clock, evaluator, index, hours=3, per_day=1500)
    [incident] = Incidents(state).all()
    assert incident.state == "resolved"


def test_a_restart_keeps_incidents_and_neither_forgets_nor_repeats_them(index: EmbeddedIndex, tmp_path: Path) -> None:
    seeded(index)
    clock = Clock()
    before = SQLiteStateStore(tmp_path / "state.sqlite3")
    spike = burst(NOW - timedelta(minutes=6), 80)
    index.upsert(spike)
    assert [o.change for o in Evaluator(index, before, config_with(), clock=clock).after_batch(spike)] == ["opened"]
    before.close()
    after = SQLiteStateStore(tmp_path / "state.sqlite3")  # a new process: new detectors, the same state
    restarted = Evaluator(index, after, config_with(), clock=clock)
    clock.now += timedelta(minutes=3)
    more = burst(NOW - timedelta(minutes=1), 40, prefix="more")
    index.upsert(more)
    assert [o.change for o in restarted.after_batch(more)] == [None]  # the same incident goes on
    [incident] = Incidents(after).all()
    assert incident.state == "open" and incident.observed >= 120
    clock.now += timedelta(hours=4)
    restarted.tick()
    [incident] = Incidents(after).all()
    assert incident.state == "resolved"
    after.close()


def test_evaluation_runs_right_after_each_indexed_batch(index: EmbeddedIndex, state: StateStore,
                                                        make_raw: Any) -> None:
    from workers.language import FastTextDetector
    from workers.pipeline import Processor
    from workers.sentiment import default_router

    seeded(index)
    config = config_with()
    from earful.rules import BrandMatcher

    evaluator = Evaluator(index, state, config, clock=Clock())
    processor = Processor(BrandMatcher(config.brands), FastTextDetector(), default_router(), index,
                          listeners=[evaluator])
    raws = [make_raw(f"p{i}", title=f"Acme outage number {i}", text="acme is down again, refund please",
                     published_at=NOW - timedelta(minutes=5)) for i in range(70)]
    stats = processor.process(raws)
    assert stats.indexed == 70
    [incident] = Incidents(state).all()
    assert incident.rule == "acme-volume" and incident.observed >= 70


class FailingFor(EmbeddedIndex):
    """An index whose aggregations fail for one brand: a rule whose evaluation breaks."""

    def aggregate(self, query, filters, aggs):  # type: ignore[no-untyped-def]
        if "globex" in filters.brands:
            raise IndexUnavailable("the index is unreachable for this test")
        return super().aggregate(query, filters, aggs)


def test_a_failing_rule_is_logged_and_never_stops_the_others(tmp_path: Path, state: StateStore,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    index = FailingFor(tmp_path / "failing")
    try:
        seeded(index)
        evaluator = Evaluator(index, state, config_with(), clock=Clock())
        batch = burst(NOW - timedelta(minutes=6), 60) + burst(NOW - timedelta(minutes=6), 60, brand="globex")
        index.upsert(batch)
        with caplog.at_level(logging.ERROR):
            outcomes = {o.rule: o for o in evaluator.after_batch(batch)}
        assert outcomes["acme-volume"].change == "opened"
        assert outcomes["globex-volume"].error is not None and "unreachable" in outcomes["globex-volume"].error
        assert "alert rule globex-volume could not be evaluated" in caplog.text
        assert [i.rule for i in Incidents(state).all()] == ["acme-volume"]
    finally:
        index.close()


def test_two_evaluators_never_open_the_same_incident_twice(tmp_path: Path, redis_url: str) -> None:
    from earful.state.redis_store import RedisStateStore

    writer = EmbeddedIndex(tmp_path / "shared")
    reader = EmbeddedIndex(tmp_path / "shared", writable=False)
    stores = [RedisStateStore.from_url(redis_url), RedisStateStore.from_url(redis_url)]
    try:
        seeded(writer)
        clock = Clock()
        evaluators = [Evaluator(index, store, config_with(), clock=clock) for index, store in zip((writer, reader), stores)]
        spike = burst(NOW - timedelta(minutes=6), 100)
        writer.upsert(spike)
        barrier = threading.Barrier(2)
        outcomes: list[Any] = []

        def evaluate(evaluator: Evaluator) -> None:
            for _ in range(5):
                barrier.wait()
                outcomes.extend(evaluator.after_batch(spike))

        threads = [threading.Thread(target=evaluate, args=(e,)) for e in evaluators]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        changes = [o.change for o in outcomes if o.rule == "acme-volume"]
        assert changes.count("opened") == 1 and not [o for o in outcomes if o.error]
        assert len(Incidents(stores[0]).all()) == 1 and Incidents(stores[1]).open_for("acme-volume") is not None
    finally:
        for store in stores:
            store.close()
        reader.close()
        writer.close()


class PausingReader(EmbeddedIndex):
    """A reader that, once ``armed``, stops after its next aggregation until ``go`` is set: an evaluation
    caught between reading the index and letting go of its rules."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, writable=False)
        self.armed, self.paused, self.go = False, threading.Event(), threading.Event()

    def aggregate(self, *args: Any, **kwargs: Any) -> Any:
        result = super().aggregate(*args, **kwargs)
        if self.armed:
            self.armed = False
            self.paused.set()
            self.go.wait(30)
        return result


def test_a_batch_that_finds_its_rule_held_elsewhere_is_judged_by_the_holder(tmp_path: Path, redis_url: str) -> None:
    """Another worker holds the rule, having read the index before the spike was stored: the batch that
    brings the spike leaves a note, and the holder evaluates again as it lets go (no later batch or tick)."""
    from earful.state.redis_store import RedisStateStore

    writer = EmbeddedIndex(tmp_path / "shared")
    reader = PausingReader(tmp_path / "shared")
    stores = [RedisStateStore.from_url(redis_url), RedisStateStore.from_url(redis_url)]
    try:
        seeded(writer)
        clock = Clock()
        holder = Evaluator(reader, stores[0], config_with(), clock=clock)
        other = Evaluator(writer, stores[1], config_with(), clock=clock)
        assert [o.change for o in holder.tick()] == [None, None]
        reader.armed = True
        done: list[Any] = []
        thread = threading.Thread(target=lambda: done.extend(holder.tick()))
        thread.start()
        assert reader.paused.wait(30)  # the holder has read the quiet hour and holds both rules
        spike = burst(NOW - timedelta(minutes=6), 100)
        writer.upsert(spike)
        [outcome] = other.after_batch(spike)
        assert outcome.rule == "acme-volume" and outcome.skipped and not Incidents(stores[1]).all()
        reader.go.set()
        thread.join(30)
        assert [(o.rule, o.change) for o in done] == [("acme-volume", "opened"), ("globex-volume", None)]
        [incident] = Incidents(stores[1]).all()
        assert incident.rule == "acme-volume" and incident.state == "open" and incident.observed >= 100
        assert not list(stores[0].items("alert-owed:"))  # the note was taken
    finally:
        reader.go.set()
        for store in stores:
            store.close()
        reader.close()
        writer.close()


def test_a_bucket_that_stops_looking_like_a_spike_as_it_fills_does_not_resolve_at_once(
        index: EmbeddedIndex, state: StateStore) -> None:
    """A quiet brand's hour: 16 angry posts raise a negative spike; 10 calm ones a minute later thin the share
    below the threshold. The incident told a minute ago stays open while its hour fills; it is judged again,
    and resolved, only once the hour is complete."""
    seeded(index, per_day=3.4)
    clock = Clock()
    rule = {"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "interval": "1h", "min_count": 5}
    evaluator = Evaluator(index, state, config_with(rule), clock=clock)
    evaluator.tick()
    angry = burst(NOW - timedelta(minutes=6), 16) + burst(NOW - timedelta(minutes=6), 4, prefix="c", negative=False)
    index.upsert(angry)
    assert [(o.rule, o.change) for o in evaluator.after_batch(angry)] == [("acme-negative", "opened")]
    clock.now += timedelta(minutes=1)
    calm = burst(NOW - timedelta(minutes=1), 10, prefix="d", negative=False, words="plan news")
    index.upsert(calm)
    evaluator.after_batch(calm)
    [incident] = Incidents(state).all()
    assert incident.state == "open" and incident.resolved_at is None and incident.threshold == 4.5
    clock.now += timedelta(hours=3)  # the hour and its grace period are over: judged whole
    evaluator.tick()
    [incident] = Incidents(state).all()
    assert incident.state == "resolved"


def test_mentions_waiting_for_their_sentiment_do_not_thin_a_negative_spike(index: EmbeddedIndex,
                                                                           state: StateStore) -> None:
    """A quiet brand's crisis told in several languages: 12 angry posts scored at once and 14 more in a
    language whose scorer has not read them yet. The negative share is a share of the mentions whose mood is
    known, so the spike opens; counted as calm, the 14 would halve it."""
    from earful.models import Sentiment

    seeded(index, per_day=3.4)
    clock = Clock()
    rule = {"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "interval": "1h", "min_count": 5}
    evaluator = Evaluator(index, state, config_with(rule), clock=clock)
    evaluator.tick()
    waiting = [m.model_copy(update={"sentiment": Sentiment()})
               for m in burst(NOW - timedelta(minutes=6), 14, prefix="w", words="outage again")]
    angry = burst(NOW - timedelta(minutes=6), 12) + waiting
    index.upsert(angry)
    assert [(o.rule, o.change) for o in evaluator.after_batch(angry)] == [("acme-negative", "opened")]
    [incident] = Incidents(state).all()
    assert (incident.observed, incident.total) == (12, 12)
