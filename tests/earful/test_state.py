"""State stores (SQLite and Redis): the StateStore contract, persistence, threads and processes."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from earful.state import SQLiteStateStore, StateStore
from earful.state.redis_store import RedisStateStore

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], StateStore]:
    """Opens a store of each backend; every call opens a new instance on the same data."""
    if request.param == "sqlite":
        return lambda: SQLiteStateStore(tmp_path / "state.sqlite3")
    url = request.getfixturevalue("redis_url")
    return lambda: RedisStateStore.from_url(url)


@pytest.fixture
def store(open_store: Callable[[], StateStore]):
    opened = open_store()
    yield opened
    opened.close()


def test_get_set_delete(store: StateStore) -> None:
    assert store.get("feed:a") is None
    store.set("feed:a", {"etag": '"x"', "n": 1, "nested": {"ok": True}, "text": "Привет"})
    assert store.get("feed:a") == {"etag": '"x"', "n": 1, "nested": {"ok": True}, "text": "Привет"}
    store.set("feed:a", {"etag": None})
    assert store.get("feed:a") == {"etag": None}
    store.delete("feed:a")
    store.delete("feed:a")  # deleting twice is fine
    assert store.get("feed:a") is None


def test_items_by_prefix(store: StateStore) -> None:
    for key in ("feed:b", "feed:a", "feeds", "feed;x", "reddit:a", "feed:\U0010ffff"):
        store.set(key, {"key": key})
    assert [key for key, _ in store.items("feed:")] == ["feed:a", "feed:b", "feed:\U0010ffff"]
    assert dict(store.items("reddit:")) == {"reddit:a": {"key": "reddit:a"}}
    assert len(list(store.items())) == 6
    assert list(store.items("nothing:")) == []


def test_values_must_be_dicts(store: StateStore) -> None:
    with pytest.raises(TypeError):
        store.set("k", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.set("", {})


def test_persists_across_instances(open_store: Callable[[], StateStore]) -> None:
    first = open_store()
    first.set("feed:x", {"etag": "abc"})
    first.close()
    second = open_store()
    assert second.get("feed:x") == {"etag": "abc"}
    second.close()


def test_redis_corrupt_value_reads_as_missing(redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    import redis

    with RedisStateStore.from_url(redis_url) as store:
        store.set("feed:x", {"ok": 1})
        store.set("feed:y", {"ok": 2})
        redis.Redis.from_url(redis_url).hset("earful:state", "feed:x", "[1, 2")
        with caplog.at_level(logging.WARNING):
            assert store.get("feed:x") is None
            assert list(store.items("feed:")) == [("feed:y", {"ok": 2})]
    assert "not a JSON object" in caplog.text


def test_redis_unreachable_says_what_to_check(free_port: Callable[[], int]) -> None:
    from earful.state.redis_store import StateUnavailable

    store = RedisStateStore.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StateUnavailable, match="EARFUL_REDIS_URL"):
        store.get("feed:x")
    store.close()


def test_sqlite_persists_across_instances_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.sqlite3"
    with SQLiteStateStore(path) as first:
        first.set("feed:x", {"etag": "abc"})
    with SQLiteStateStore(path) as second:
        assert second.get("feed:x") == {"etag": "abc"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_value_reads_as_missing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "state.sqlite3"
    with SQLiteStateStore(path) as store:
        store.set("feed:x", {"ok": 1})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE state SET value = '[1, 2' WHERE key = 'feed:x'")
    with SQLiteStateStore(path) as store, caplog.at_level(logging.WARNING):
        assert store.get("feed:x") is None
        assert list(store.items("feed:")) == []
    assert "not a JSON object" in caplog.text


def test_many_threads_share_one_store(store: StateStore) -> None:
    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                store.set(f"t{n}:{i}", {"n": n, "i": i})
                assert store.get(f"t{n}:{i}") == {"n": n, "i": i}
        except Exception as exc:  # noqa: BLE001 - surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(list(store.items("t"))) == 8 * 50


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_several_processes_write_one_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    path = tmp_path / "state.sqlite3"
    SQLiteStateStore(path).close()
    target = str(path) if backend == "sqlite" else request.getfixturevalue("redis_url")
    script = textwrap.dedent("""
        import sys
        from earful.state import SQLiteStateStore
        from earful.state.redis_store import RedisStateStore
        if sys.argv[1].startswith("redis://"):
            store = RedisStateStore.from_url(sys.argv[1])
        else:
            store = SQLiteStateStore(sys.argv[1])
        for i in range(100):
            store.set(f"p{sys.argv[2]}:{i}", {"i": i})
            current = store.get("shared") or {"count": 0}
            store.set("shared", {"count": current["count"] + 1, "by": sys.argv[2]})
        store.close()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, target, str(n)], cwd=REPO,
                              stderr=subprocess.PIPE) for n in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    store = SQLiteStateStore(path) if backend == "sqlite" else RedisStateStore.from_url(target)
    for n in range(4):
        assert len(list(store.items(f"p{n}:"))) == 100
    assert store.get("shared") is not None
    store.close()


def test_a_lease_has_one_holder_at_a_time(store: StateStore) -> None:
    assert store.try_lock("rule:acme", "a", 30)
    assert not store.try_lock("rule:acme", "b", 30)
    assert store.try_lock("rule:acme", "a", 30)  # the holder renews it
    assert store.try_lock("rule:globex", "b", 30)  # another lease is independent
    store.unlock("rule:acme", "b")  # not b's to give back
    assert not store.try_lock("rule:acme", "b", 30)
    store.unlock("rule:acme", "a")
    assert store.try_lock("rule:acme", "b", 30)


def test_an_expired_lease_can_be_taken(store: StateStore) -> None:
    import time

    assert store.try_lock("rule:acme", "a", 0.05)
    time.sleep(0.15)
    assert store.try_lock("rule:acme", "b", 30)
    store.unlock("rule:acme", "a")  # a's lease expired and is b's now: nothing happens
    assert not store.try_lock("rule:acme", "a", 30)


def test_leases_hold_across_threads(open_store: Callable[[], StateStore]) -> None:
    stores = [open_store() for _ in range(8)]
    winners: list[int] = []
    barrier = threading.Barrier(len(stores))

    def contend(n: int) -> None:
        barrier.wait()
        if stores[n].try_lock("rule:race", f"owner-{n}", 30):
            winners.append(n)

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in stores:
        opened.close()
    assert len(winners) == 1
