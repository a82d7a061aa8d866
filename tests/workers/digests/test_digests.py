"""Digests and batches over a real index and state store (SQLite and Redis), through the outbox to SMTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import SecretStr

from earful.alert_actions import snooze
from earful.alerts.rules import AlertRule
from earful.config import AppConfig, parse_config
from earful.models import Mention, Sentiment
from earful.settings import Settings
from earful.state import StateStore
from search.embedded import EmbeddedIndex
from tests.api.test_alert_actions import make_incident
from tests.mail import smtp_server
from workers.delivery import outbox
from workers.delivery.transports import open_sender
from workers.digests.content import gather
from workers.digests.render import digest_notification
from workers.digests.scheduler import Digests

END = datetime(2026, 3, 20, 7, 0, tzinfo=timezone.utc)  # 08:00 in Berlin
CONFIG = {"brands": [{"id": "acme", "name": "Acme Mobile", "query": "acme", "tz": "Europe/Berlin"}],
          "alerts": [{"id": "acme-daily", "brand": "acme", "trigger": "volume_spike",
                      "digest": "daily 08:00 Europe/Berlin", "email": ["team@example.com"]},
                     {"id": "acme-new", "brand": "acme", "trigger": "new_mentions", "batch": "5m",
                      "email": ["team@example.com"]}]}


def mention(key: str, when: datetime, words: str = "acme plan news", negative: bool = False,
            url: str | None = None) -> Mention:
    return Mention(id=key, source="feed", source_name="news", title=words, text=f"{words} ({key})", url=url,
                   published_at=when, brands=["acme"], content_hash=key,
                   sentiment=Sentiment(score=-0.6 if negative else 0.4, label="negative" if negative else "positive"))


def spread(prefix: str, start: datetime, count: int, **kwargs: object) -> list[Mention]:
    step = timedelta(days=1) / count
    return [mention(f"{prefix}{i}", start + i * step, **kwargs) for i in range(count)]  # type: ignore[arg-type]


@pytest.fixture
def config() -> AppConfig:
    return parse_config(CONFIG)


@pytest.fixture
def state(either_state: StateStore) -> StateStore:
    return either_state


@pytest.fixture
def index(embedded_index: EmbeddedIndex) -> EmbeddedIndex:
    """Twenty mentions the day before the period, thirty in it (ten of them angry about refunds)."""
    day = END - timedelta(days=1)
    embedded_index.upsert(spread("b", day - timedelta(days=1), 20) + spread("n", day, 20) +
                          spread("r", day, 10, words="acme refund delay <script>", negative=True,
                                 url="https://forum.example.com/t/1?a=1&b=2"))
    return embedded_index


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def digests(index: EmbeddedIndex, state: StateStore, config: AppConfig, clock: Clock,
            only: str | None = None) -> Digests:
    rules = [r for r in config.alerts if only is None or r.id == only]
    return Digests(index, state, config, lambda: rules, "https://earful.example.com", clock=clock)


def test_a_digest_compares_the_period_with_the_one_before(index: EmbeddedIndex, sqlite_state: StateStore,
                                                          config: AppConfig) -> None:
    make_incident(sqlite_state, END - timedelta(hours=5), rule="acme-daily")
    make_incident(sqlite_state, END - timedelta(days=3), rule="acme-daily")  # outside the period
    rule = config.alerts[0]
    from earful.alert_store import Incidents

    found = gather(index, config, rule, END - timedelta(days=1), END, Incidents(sqlite_state).all(), str(rule.digest))
    assert (found.now.count, found.before.count) == (30, 20)
    assert found.now.labels["negative"] == 10 and found.before.labels["negative"] == 0
    assert [i.id for i in found.incidents] == ["acme-daily-20260320T0200Z"]
    assert "refund" in {t.term for t in found.rising}
    assert len(found.top) == 5
    note = digest_notification(found, rule_tz(rule), "https://earful.example.com", END)
    assert note.subject == "Acme Mobile: daily digest — 30 mentions (+50 %), 1 incident"
    assert "Mentions                     30               20  +50 %" in note.text
    assert "Negative              10 (33 %)          0 (0 %)  new" in note.text
    assert "Thu 19 Mar 08:00 – Fri 20 Mar 08:00 (Europe/Berlin)" in note.text
    assert "Fri 03:00 volume spike: 47 vs ~5 expected (open)" in note.text
    assert "https://earful.example.com/api/v1/alerts/events/acme-daily-20260320T0200Z" in note.text
    assert "<img" not in note.html and "src=" not in note.html and "<script>" not in note.html
    assert "&lt;script&gt;" in note.html and 'href="https://forum.example.com/t/1?a=1&amp;b=2"' in note.html
    assert note.id == "digest:acme-daily:20260320T0700Z" and note.payload["mentions"] == 30


def rule_tz(rule: AlertRule):  # type: ignore[no-untyped-def]
    from earful.alerts.schedule import parse_schedule

    return parse_schedule(str(rule.digest)).tz


def test_a_digest_goes_out_once_per_period(index: EmbeddedIndex, state: StateStore, config: AppConfig) -> None:
    clock = Clock(END - timedelta(hours=2))
    first = digests(index, state, config, clock, only="acme-daily")
    assert first.tick() == []  # a rule seen for the first time starts at its next period
    make_incident(state, END - timedelta(hours=3), rule="acme-negative")  # another rule on the brand
    make_incident(state, END - timedelta(days=2), rule="acme-negative")  # before the period
    clock.now = END + timedelta(seconds=30)
    assert first.tick() == ["digest:acme-daily:20260320T0700Z"]
    stored = outbox.stored(state, "digest:acme-daily:20260320T0700Z")
    assert stored is not None and stored.kind == "digest"
    assert stored.subject == "Acme Mobile: daily digest — 30 mentions (+50 %), 1 incident"
    assert "acme-negative-20260320T0400Z" in stored.text
    assert len(outbox.due(state, END + timedelta(minutes=1))) == 1
    assert first.tick() == []
    restarted = digests(index, state, config, clock, only="acme-daily")
    assert restarted.tick() == []  # a restart, or a second evaluator, does not send it again
    clock.now = END + timedelta(days=1, minutes=1)
    assert restarted.tick() == ["digest:acme-daily:20260321T0700Z"]
    snooze(state, "acme-daily", 24, END + timedelta(days=1, hours=12), via="api")
    clock.now = END + timedelta(days=2, minutes=1)
    assert restarted.tick() == []  # snoozed: that period passes untold
    clock.now = END + timedelta(days=3, minutes=1)
    assert restarted.tick() == ["digest:acme-daily:20260323T0700Z"]
    assert len(outbox.due(state, clock.now)) == 3


def test_two_evaluators_at_the_same_moment_send_one_digest(index: EmbeddedIndex, state: StateStore,
                                                           config: AppConfig) -> None:
    clock = Clock(END - timedelta(hours=2))
    digests(index, state, config, clock, only="acme-daily").tick()
    clock.now = END + timedelta(seconds=5)
    evaluators = [digests(index, state, config, clock, only="acme-daily") for _ in range(4)]
    start, results = threading.Barrier(len(evaluators)), []

    def run(d: Digests) -> None:
        start.wait()
        results.extend(d.tick())
        results.extend(d.tick())

    threads = [threading.Thread(target=run, args=(d,)) for d in evaluators]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == ["digest:acme-daily:20260320T0700Z"]
    assert len(outbox.due(state, clock.now + timedelta(minutes=1))) == 1


def test_new_mentions_go_out_in_batches_never_history(index: EmbeddedIndex, state: StateStore,
                                                      config: AppConfig) -> None:
    t0 = END + timedelta(minutes=1)
    clock = Clock(t0)
    batches = digests(index, state, config, clock, only="acme-new")
    history = [mention(f"recent{i}", t0 - timedelta(minutes=50 - 4 * i)) for i in range(12)]
    index.upsert(history)  # mentions of the last hour already there when the rule starts: never sent
    assert batches.tick() == []
    index.upsert([mention(f"new{i}", t0 + timedelta(seconds=20 * i), words=f"acme new post {i}") for i in range(3)])
    clock.now = t0 + timedelta(minutes=2)
    assert batches.tick() == []  # the batch period has not ended
    clock.now = END + timedelta(minutes=5, seconds=10)
    assert batches.tick() == ["batch:acme-new:20260320T0705Z"]
    sent = outbox.stored(state, "batch:acme-new:20260320T0705Z")
    assert sent is not None and sent.subject == "Acme Mobile: 3 new mentions" and sent.kind == "batch"
    assert "acme new post 2" in sent.text and sent.payload["count"] == 3
    index.upsert([mention("late", t0 - timedelta(minutes=20), words="acme late post"),
                  mention("old", t0 - timedelta(hours=3), words="acme old post")])
    clock.now = END + timedelta(minutes=10, seconds=10)
    assert batches.tick() == ["batch:acme-new:20260320T0710Z"]
    late = outbox.stored(state, "batch:acme-new:20260320T0710Z")
    assert late is not None and late.subject == "Acme Mobile: 1 new mention" and "acme late post" in late.text
    clock.now = END + timedelta(minutes=15, seconds=10)
    assert batches.tick() == []  # nothing new: nothing sent


def test_a_digest_reaches_an_smtp_server(index: EmbeddedIndex, sqlite_state: StateStore, config: AppConfig,
                                         settings: Settings, free_port: Callable[[], int]) -> None:
    clock = Clock(END - timedelta(hours=2))
    digests(index, sqlite_state, config, clock, only="acme-daily").tick()
    clock.now = END + timedelta(seconds=30)
    digests(index, sqlite_state, config, clock, only="acme-daily").tick()
    with smtp_server(free_port()) as server:
        mailer = settings.model_copy(update={"smtp_url": SecretStr(server.url), "mail_from": "alerts@earful.test"})
        open_sender(mailer, sqlite_state).deliver_due()
        [message] = server.inbox.wait(1, 10)
    assert message["Subject"] == "Acme Mobile: daily digest — 30 mentions (+50 %)"
    assert message["To"] == "team@example.com"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "Top mentions:" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_alerts_clock_sends_digests(index: EmbeddedIndex, sqlite_state: StateStore, config: AppConfig) -> None:
    from workers.alerts.evaluator import Evaluator
    from workers.alerts.service import AlertService

    clock = Clock(END - timedelta(hours=2))
    evaluator = Evaluator(index, sqlite_state, config, clock=clock)
    service = AlertService(evaluator, tick=0.05, digests=Digests(index, sqlite_state, config, evaluator.current_rules,
                                                                 "https://earful.example.com", clock=clock))
    stop = threading.Event()
    thread = threading.Thread(target=service.serve, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while service.ticks < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        clock.now = END + timedelta(minutes=5, seconds=1)  # the digest's period and a batch period have ended
        while service.health().details["digests_and_batches"] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert outbox.stored(sqlite_state, "digest:acme-daily:20260320T0700Z") is not None
    assert service.health().details["digests_and_batches"] == 1  # no new mentions: no batch


def test_a_digest_counts_sentiment_toward_its_brand_and_quotes_what_was_read(embedded_index: EmbeddedIndex,
                                                                              config: AppConfig) -> None:
    """An article calm overall but negative toward Acme counts as negative in Acme's digest, and its top mention
    quotes the passage the label was read from; one negative overall but positive toward Acme does not."""
    from earful.models import BrandSentiment, Passage

    day = END - timedelta(hours=6)
    bad = "Acme lost subscribers after a week of outages & <b>fines</b>."
    text = "Carriers had a calm quarter overall. " + bad
    start = text.index(bad)
    toward_acme = BrandSentiment(score=-0.7, label="negative", model="test",
                                 passages=[Passage(text=bad, start=start, end=start + len(bad))])
    calm = mention("calm", day, words="carriers quarter acme").model_copy(update={
        "text": text, "sentiment": Sentiment(score=0.1, label="neutral"), "brand_sentiment": {"acme": toward_acme}})
    praised = mention("praised", day + timedelta(hours=1), words="acme praised amid a bad week", negative=True)
    praised = praised.model_copy(update={"brand_sentiment": {"acme": BrandSentiment(score=0.6, label="positive",
                                                                                     model="test")}})
    embedded_index.upsert([calm, praised])
    rule = config.alerts[0]
    found = gather(embedded_index, config, rule, END - timedelta(days=1), END, [], str(rule.digest))
    assert found.now.labels.get("negative") == 1 and found.now.labels.get("positive") == 1
    note = digest_notification(found, rule_tz(rule), "https://earful.example.com", END)
    assert f'Read toward Acme Mobile: "{bad}"' in note.text
    assert "Read toward Acme Mobile: <i>“Acme lost subscribers after a week of outages &amp; &lt;b&gt;fines&lt;/b&gt;.”</i>" \
        in note.html
    assert note.text.count("Read toward") == 1  # a mention read whole has no passage to show
