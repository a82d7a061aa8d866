"""SQLiteStateStore: the StateStore contract, persistence, threads and processes."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from earful.state import SQLiteStateStore, StateStore

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path):
    with SQLiteStateStore(tmp_path / "state.sqlite3") as opened:
        yield opened


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


def test_persists_across_instances_and_uses_wal(tmp_path: Path) -> None:
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


def test_several_processes_write_one_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    SQLiteStateStore(path).close()
    script = textwrap.dedent("""
        import sys
        from earful.state import SQLiteStateStore
        store = SQLiteStateStore(sys.argv[1])
        for i in range(100):
            store.set(f"p{sys.argv[2]}:{i}", {"i": i})
            current = store.get("shared") or {"count": 0}
            store.set("shared", {"count": current["count"] + 1, "by": sys.argv[2]})
        store.close()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(n)], cwd=REPO,
                              stderr=subprocess.PIPE) for n in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    with SQLiteStateStore(path) as store:
        for n in range(4):
            assert len(list(store.items(f"p{n}:"))) == 100
        assert store.get("shared") is not None
