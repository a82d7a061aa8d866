from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from earful.models import Rating
from earful.rules import BrandMatcher
from earful.settings import Settings
from search.embedded import EmbeddedIndex
from workers import refine
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.refine import RefineQueue, Refiner, SQLiteRefineQueue, open_refine_queue, open_refiner
from workers.refine import queue as refine_queue
from workers.refine.redis_queue import RedisRefineQueue
from workers.sentiment import Scorer, SentimentRouter, VaderScorer, is_pending, router_from_settings


@pytest.fixture
def index(tmp_path: Path):  # type: ignore[no-untyped-def]
    idx = EmbeddedIndex(tmp_path / "index")
    yield idx
    idx.close()


@pytest.fixture(params=["sqlite", "redis"])
def open_queue(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Opens another handle on one queue (as another thread or process would); each kind in turn."""
    opened: list[RefineQueue] = []

    def make() -> RefineQueue:
        if request.param == "redis":
            q: RefineQueue = RedisRefineQueue.from_url(request.getfixturevalue("redis_url"))
        else:
            q = SQLiteRefineQueue(tmp_path / "refine.sqlite3")
        opened.append(q)
        return q

    yield make
    for q in opened:
        q.close()


@pytest.fixture
def queue(open_queue: Callable[[], RefineQueue]) -> RefineQueue:
    return open_queue()


def test_queue_hands_out_each_id_once_until_done_or_released(queue: RefineQueue) -> None:
    queue.add(["a", "b", "c", "a"])
    assert queue.pending() == 3
    first = queue.take(2)
    assert first == ["a", "b"] and queue.take(5) == ["c"] and queue.take(5) == []
    queue.release(["c"])
    queue.done(first)
    assert queue.take(5) == ["c"] and queue.pending() == 1


def test_an_id_queued_again_while_taken_survives_done(queue: RefineQueue,
                                                      open_queue: Callable[[], RefineQueue]) -> None:
    queue.add(["a"])
    assert queue.take(1) == ["a"]
    open_queue().add(["a"])  # another process re-queues a newer version
    queue.done(["a"])
    assert queue.take(1) == ["a"] and queue.pending() == 1


def test_older_ids_come_first_and_release_keeps_their_place(queue: RefineQueue) -> None:
    queue.add(["z"])
    time.sleep(0.01)
    queue.add(["b", "a"])
    taken = queue.take(1)
    assert taken == ["z"]
    queue.release(taken)
    assert queue.take(3) == ["z", "a", "b"]
    queue.done(["z", "a", "b", "never-queued"])
    assert queue.pending() == 0 and queue.take(3) == []


def test_an_expired_lease_is_handed_out_again(queue: RefineQueue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refine_queue, "LEASE_SECONDS", 0.05)
    queue.add(["a", "b"])
    assert queue.take(1) == ["a"]  # its refiner dies holding it
    assert queue.take(5) == ["b"] and queue.pending() == 2
    time.sleep(0.1)
    assert queue.take(5) == ["a", "b"]


def test_concurrent_takers_never_share_an_id(open_queue: Callable[[], RefineQueue]) -> None:
    ids = [f"m{i:04d}" for i in range(600)]
    open_queue().add(ids)
    queues = [open_queue() for _ in range(4)]
    got: list[list[str]] = [[] for _ in queues]
    start = threading.Barrier(len(queues))

    def drain(n: int) -> None:
        start.wait()
        while batch := queues[n].take(7):
            got[n].extend(batch)
            time.sleep(0.001)  # let the others in between

    threads = [threading.Thread(target=drain, args=(n,)) for n in range(len(queues))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [i for part in got for i in part]
    assert sorted(everything) == ids  # each id exactly once
    assert sum(1 for part in got if part) > 1  # they really did race


def _processor(brands_config, index, settings: Settings) -> Processor:  # type: ignore[no-untyped-def]
    router = router_from_settings(settings)
    return Processor(BrandMatcher(brands_config.brands), FastTextDetector(), router, index,
                     refine_queue=open_refine_queue(settings, router))


def test_intake_is_provisional_and_the_refiner_replaces_it_with_the_accurate_score(
        brands_config, index, settings: Settings, make_raw) -> None:  # type: ignore[no-untyped-def]
    processor = _processor(brands_config, index, settings)
    raws = [make_raw("en1", "Acme Mobile", "I love the new plan, the coverage is excellent."),
            make_raw("ru1", "Акме", "Акме Мобайл ужасный оператор, связь пропадает каждый день."),
            make_raw("fa1", "اکمی", "اکمی عالی است", rating=Rating(raw="1", scale=5, normalized=0.0))]
    assert processor.process(raws).indexed == 3
    stored = {m.id: m.sentiment for m in index.get(["en1", "ru1", "fa1"])}
    assert stored["en1"].model is not None and stored["en1"].model.startswith("vader-")
    assert stored["en1"].label == "positive" and is_pending(stored["en1"])
    assert stored["ru1"].label == "unscored" and is_pending(stored["ru1"])
    assert stored["fa1"].label == "negative" and stored["fa1"].model is not None
    assert stored["fa1"].model.startswith("rating (pending: e5-")

    refiner = open_refiner(settings, index)
    assert refiner is not None
    progress: list[str] = []
    stats = refiner.run_once(progress.append)
    assert (stats.taken, stats.refined, stats.failed) == (3, 3, 0)
    assert progress[0] == "refining sentiment of 3 mentions with the accurate scorer …"
    refined = {m.id: m.sentiment for m in index.get(["en1", "ru1", "fa1"])}
    accurate = refiner.router.scorers["*"].name
    assert refined["en1"].model == refiner.router.scorers["en"].name != accurate
    assert refined["en1"].label == "positive"
    assert refined["ru1"].model == accurate and refined["ru1"].label == "negative"
    assert refined["fa1"].model == f"{accurate}+rating" and refined["fa1"].label == "negative"
    assert refiner.queue.pending() == 0

    # Collecting the same mentions again keeps the refined scores and queues nothing.
    processor.process(raws)
    assert {m.id: m.sentiment for m in index.get(["en1", "ru1", "fa1"])} == refined
    assert refiner.queue.pending() == 0


class NamedScorer(Scorer):
    """A slow scorer known only by its name (its scores: +0.5 for 'great', −0.5 otherwise)."""

    slow = True

    def __init__(self, name: str) -> None:
        self.name = name

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [0.5 if "great" in text else -0.5 for text in texts]


def test_after_a_change_of_scorer_rescoring_replaces_only_stale_sentiment(  # type: ignore[no-untyped-def]
        brands_config, index, queue, make_raw) -> None:
    old, new = NamedScorer("old-1"), NamedScorer("new-2")
    before = SentimentRouter({"*": old})
    Processor(BrandMatcher(brands_config.brands), FastTextDetector(), before, index).process([
        make_raw("en1", "Acme Mobile", "Acme Mobile is great, the coverage is everywhere."),
        make_raw("en2", "Globex", "Globex lost my order and never answered the phone.",
                 rating=Rating(raw="5", scale=5, normalized=1.0)),
        make_raw("he1", "Globex", "Globex השירות מעולה ומהיר מאוד")])
    assert {m.sentiment.model for m in index.get(["en1", "en2", "he1"])} == {"old-1", "old-1+rating"}

    after = SentimentRouter({"en": new, "*": old})
    stored = {m.id: m for m in index.get(["en1", "en2", "he1"])}
    assert [refine.is_outdated(stored[i], after) for i in ("en1", "en2", "he1")] == [True, True, False]
    pending = stored["he1"].model_copy(update={"sentiment": stored["he1"].sentiment.model_copy(
        update={"model": "pending: old-1"})})
    no_lang = stored["en1"].model_copy(update={"lang": None})
    assert not refine.is_outdated(pending, after) and not refine.is_outdated(no_lang, after)

    from search.base import SearchFilters

    assert refine.queue_outdated(index, after, queue, SearchFilters(brands=["acme"])) == (1, 1)
    assert queue.take(5) == ["en1"]
    queue.release(["en1"])
    assert refine.queue_outdated(index, after, queue, page_size=1) == (3, 2)  # paged one by one
    stats = Refiner(queue, index, after).run_once()
    assert (stats.refined, stats.failed) == (2, 0)
    rescored = {m.id: m.sentiment for m in index.get(["en1", "en2", "he1"])}
    assert rescored["en1"].model == "new-2" and rescored["en1"].label == "positive"
    assert rescored["en2"].model == "new-2+rating" and rescored["en2"].label == "positive"  # 5 stars win
    assert rescored["he1"].model == "old-1"
    assert refine.queue_outdated(index, after, queue) == (3, 0)


class RacingScorer(Scorer):
    """Slow scorer during whose run the processor stores a newer version of the mention."""

    name = "racing-1"
    slow = True

    def __init__(self) -> None:
        self.during: list[object] = []

    def score_many(self, texts: Sequence[str]) -> list[float]:
        for action in self.during:
            action()  # type: ignore[operator]
        self.during.clear()
        return [-0.9 for _ in texts]


def test_the_refiner_never_overwrites_a_newer_version(brands_config, index, queue, make_raw) -> None:  # type: ignore[no-untyped-def]
    racing = RacingScorer()
    router = SentimentRouter({"*": racing}, provisional={"en": VaderScorer()})
    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), router, index,
                          refine_queue=queue)
    processor.process([make_raw("m1", "Acme Mobile", "Acme Mobile is great.")])
    newer = make_raw("m1", "Acme Mobile", "Acme Mobile is great, edited: even better now.")
    racing.during.append(lambda: processor.process([newer]))
    stats = Refiner(queue, index, router).refine_batch()
    assert (stats.refined, stats.skipped) == (0, 1)
    [stored] = index.get(["m1"])
    assert stored.text.endswith("even better now.") and is_pending(stored.sentiment)
    assert queue.take(5) == ["m1"]  # the newer version waits for its own refinement


class FailingScorer(Scorer):
    name = "failing-1"
    slow = True

    def score_many(self, texts: Sequence[str]) -> list[float]:
        from workers.sentiment import ScorerUnavailable

        raise ScorerUnavailable("cannot load the model: run scripts/setup.sh")


def test_a_scorer_that_cannot_load_leaves_mentions_queued(brands_config, index, queue, make_raw) -> None:  # type: ignore[no-untyped-def]
    router = SentimentRouter({"*": FailingScorer()})
    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), router, index,
                          refine_queue=queue)
    assert processor.process([make_raw("m1", "Globex", "Globex שירות גרוע")]).indexed == 1
    stats = Refiner(queue, index, router).run_once()
    assert (stats.taken, stats.failed, stats.refined) == (1, 1, 0)
    assert queue.pending() == 1 and index.get(["m1"])[0].sentiment.model == "pending: failing-1"


def test_without_a_slow_scorer_nothing_is_deferred(settings: Settings, index) -> None:  # type: ignore[no-untyped-def]
    fast = settings.model_copy(update={"sentiment_scorers": {"en": "vader"}})
    assert open_refine_queue(fast, router_from_settings(fast)) is None and open_refiner(fast, index) is None
    inline = settings.model_copy(update={"sentiment_refine": False})
    assert open_refiner(inline, index) is None


def _earful(earful_command: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, *args], env=env, capture_output=True, text=True, timeout=300)


def test_refine_command_refines_what_intake_queued(settings: Settings, brands_config, make_raw,  # type: ignore[no-untyped-def]
                                                    earful_command: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env["EARFUL_DATA_DIR"] = str(settings.data_dir)
    index = EmbeddedIndex(settings.index_dir)
    try:
        _processor(brands_config, index, settings).process([make_raw("he1", "Globex", "Globex השירות מעולה")])
    finally:
        index.close()
    result = _earful(earful_command, "refine", "--once", env=env)
    assert result.returncode == 0, result.stderr
    assert "refined 1 mentions" in result.stderr and "0 still queued" in result.stderr
    again = _earful(earful_command, "refine", "--once", env=env)
    assert again.returncode == 0 and "nothing queued for refinement" in again.stderr
    # A change of scorer for Hebrew: --rescore finds the stale score and replaces it.
    changed = {**env, "EARFUL_SENTIMENT_SCORERS": "he:e5-mlp,*:e5"}
    rescored = _earful(earful_command, "refine", "--once", "--rescore", "--brand", "globex", env=changed)
    assert rescored.returncode == 0, rescored.stderr
    assert "examined 1 mentions: 1 queued for rescoring" in rescored.stderr
    assert "refined 1 mentions" in rescored.stderr
    index = EmbeddedIndex(settings.index_dir)
    try:
        [stored] = index.get(["he1"])
    finally:
        index.close()
    assert stored.sentiment.model is not None and "-mlp-2.0" in stored.sentiment.model
    none_left = _earful(earful_command, "refine", "--once", "--rescore", env=changed)
    assert none_left.returncode == 0 and "examined 1 mentions: 0 queued for rescoring" in none_left.stderr
    env["EARFUL_SENTIMENT_SCORERS"] = "en:vader"
    fast = _earful(earful_command, "refine", "--once", env=env)
    assert fast.returncode == 0 and "nothing to refine: no slow sentiment scorer" in fast.stderr


def test_held_ids_are_not_taken_until_added_and_survive_done(queue: RefineQueue,
                                                             open_queue: Callable[[], RefineQueue]) -> None:
    queue.add(["a"])
    assert queue.take(1) == ["a"]  # a refiner works on the stored version …
    writer = open_queue()
    writer.hold(["a", "b"])  # … while a batch with a newer version of a, and b, is being written
    queue.done(["a"])  # the refiner finishes the old version: the held id must stay
    queue.release(["a"])
    assert queue.take(5) == [] and queue.pending() == 2
    writer.add(["a", "b"])  # written: now takeable
    assert sorted(queue.take(5)) == ["a", "b"]


def test_held_ids_of_a_writer_that_died_are_taken_after_the_hold(queue: RefineQueue,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refine_queue, "HOLD_SECONDS", 0.05)
    queue.hold(["a"])  # the writer is killed after writing, before add()
    assert queue.take(5) == []
    time.sleep(0.1)
    assert queue.take(5) == ["a"]
    queue.done(["a"])
    assert queue.pending() == 0


def test_a_new_refiner_takes_over_the_leases_of_one_that_died(tmp_path: Path) -> None:
    dead = SQLiteRefineQueue(tmp_path / "refine.sqlite3")
    dead.add(["a", "b"])
    dead.hold(["c"])
    assert dead.take(5) == ["a", "b"]  # then killed: its lease would last a minute
    fresh = SQLiteRefineQueue(tmp_path / "refine.sqlite3")
    fresh.recover()  # the embedded refiner is the only one: whatever is leased or held was its predecessor's
    assert fresh.take(5) == ["a", "b", "c"]
    dead.close()
    fresh.close()
