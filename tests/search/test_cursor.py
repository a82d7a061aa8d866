from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
from pathlib import Path

import pytest

from earful.errors import BadRequest, ConfigError
from earful.secrets import cursor_secret
from earful.settings import Settings
from search import cursor as cursors
from search.cursor import MAX_OFFSET, Cursor, Signer, decode, encode
from search.elasticsearch import cursor as es_cursor

SIGNER = Signer(b"s" * 32)


def _forge(data: object, key: bytes) -> str:
    """A cursor as an attacker would build it, signed with ``key``."""
    body = json.dumps(data).encode()
    mac = hmac.new(key, body, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")


def test_round_trip() -> None:
    token = encode(Cursor("newest", 912345678901234567), SIGNER)
    assert decode(token, "newest", SIGNER) == Cursor("newest", 912345678901234567)
    assert "=" not in token


def test_every_single_character_change_is_caught() -> None:
    token = encode(Cursor("relevance", 100), SIGNER)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, char in enumerate(token):
        other = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
        with pytest.raises(BadRequest):
            decode(token[:i] + other + token[i + 1:], "relevance", SIGNER)


def test_wrong_sort() -> None:
    with pytest.raises(BadRequest, match="sort"):
        decode(encode(Cursor("oldest", 1), SIGNER), "newest", SIGNER)


@pytest.mark.parametrize("key", [b"earful-search-cursor-v1", b"earful-es-cursor-v1", b"", b"s" * 31])
def test_a_cursor_signed_with_any_other_key_is_refused(key: bytes) -> None:
    with pytest.raises(BadRequest):
        decode(_forge({"s": "relevance", "a": 4_000_000_000}, key), "relevance", SIGNER)


def test_another_installation_cannot_read_our_cursors() -> None:
    with pytest.raises(BadRequest):
        decode(encode(Cursor("newest", 5), Signer(b"t" * 32)), "newest", SIGNER)


@pytest.mark.parametrize("data", [
    {"s": "relevance", "a": MAX_OFFSET + 1}, {"s": "relevance", "a": 4_000_000_000}, {"s": "relevance", "a": -1},
    {"s": "newest", "a": 1 << 64}, {"s": "newest", "a": -5}, {"s": "newest", "a": 1.5}, {"s": "newest", "a": True},
    {"s": "newest", "a": "12"}, {"s": "newest"}, {"a": 3}, [1, 2], "x", None, {"s": 7, "a": 1},
])
def test_every_decoded_value_is_bounded_even_when_signed(data: object) -> None:
    token = _forge(data, b"s" * 32)  # signed with the right key: only the bounds can refuse it
    with pytest.raises(BadRequest):
        decode(token, "relevance" if isinstance(data, dict) and data.get("s") == "relevance" else "newest", SIGNER)


@pytest.mark.parametrize("after", [[1.0], [1.0, 2, 3, 4], [1.0, -2], [1.0, 1 << 64], ["a", 2], [1e300, 2],
                                   [1.0, 2.5], [1.0, 2, "x"], {"a": 1}, None, [True, 2]])
def test_elasticsearch_cursor_values_are_bounded(after: object) -> None:
    with pytest.raises(BadRequest):
        es_cursor.decode(_forge({"s": "relevance", "a": after, "p": None}, b"s" * 32), SIGNER)


@pytest.mark.parametrize("pit", [5, "", "p" * 5000, ["x"]])
def test_elasticsearch_point_in_time_is_bounded(pit: object) -> None:
    with pytest.raises(BadRequest):
        es_cursor.decode(_forge({"s": "relevance", "a": [1.0, 2], "p": pit}, b"s" * 32), SIGNER)


def test_overlong_tokens_are_refused_before_decoding() -> None:
    with pytest.raises(BadRequest):
        SIGNER.loads("A" * (cursors.MAX_TOKEN_CHARS + 4))


def test_the_key_is_generated_once_per_installation_with_private_permissions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = cursor_secret(settings)
    assert len(first) >= 32 and first == cursor_secret(settings)
    key_file = tmp_path / "data" / "cursor.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cursor_secret(Settings(data_dir=tmp_path / "other")) != first


def test_the_key_can_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARFUL_CURSOR_SECRET", "e" * 40)
    settings = Settings(data_dir=tmp_path / "data")
    assert cursor_secret(settings) == b"e" * 40
    assert not (tmp_path / "data" / "cursor.key").exists()


def test_a_short_secret_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARFUL_CURSOR_SECRET", "short")
    with pytest.raises(ValueError, match="cursor_secret"):
        Settings()


def test_an_unwritable_data_dir_without_a_secret_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")  # unwritable for root too, unlike a chmod
    with pytest.raises(ConfigError, match="EARFUL_CURSOR_SECRET"):
        cursor_secret(Settings(data_dir=blocker / "data"))


def test_threads_creating_the_key_at_once_all_get_the_same_one(tmp_path: Path) -> None:
    import threading

    settings = Settings(data_dir=tmp_path / "data")
    keys: list[bytes] = []
    barrier = threading.Barrier(8)

    def make() -> None:
        barrier.wait()
        keys.append(cursor_secret(settings))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["cursor.key"]
