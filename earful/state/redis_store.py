"""Crawl state in Redis, so a scheduler, workers and the API on different hosts share it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, Self

import redis

from earful.errors import EarfulError
from earful.state.base import StateStore, decode_state, encode_state

logger = logging.getLogger(__name__)
_CHUNK = 500
# A lease: set if free, or extended if the caller holds it; given back only by its holder.
_TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
"""
_GIVE_BACK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class StateUnavailable(EarfulError):
    """Redis holding the crawl state cannot be reached."""


class RedisStateStore(StateStore):
    """Values in one hash (``<namespace>:state``); keys also in a sorted set for ordered prefix scans.

    Every member of the sorted set has score 0, so ZRANGEBYLEX walks keys in UTF-8 byte
    order — code point order, the same order SQLiteStateStore returns.
    """

    def __init__(self, client: redis.Redis, *, namespace: str = "earful") -> None:
        self._client = client
        self._values = f"{namespace}:state"
        self._keys = f"{namespace}:state:keys"
        self._leases = f"{namespace}:lease"
        self._take = client.register_script(_TAKE)
        self._give_back = client.register_script(_GIVE_BACK)

    @classmethod
    def from_url(cls, url: str, *, namespace: str = "earful") -> RedisStateStore:
        return cls(redis.Redis.from_url(url, health_check_interval=30), namespace=namespace)

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._call("read", self._client.hget, self._values, key)
        return decode_state(key, raw, f"Redis ({self._values})") if raw is not None else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        encoded = encode_state(key, value)
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(self._values, key, encoded)
        pipe.zadd(self._keys, {key: 0})
        self._call("write", pipe.execute)

    def write(self, values: dict[str, dict[str, Any]], deletes: tuple[str, ...] = ()) -> None:
        pipe = self._client.pipeline(transaction=True)  # MULTI/EXEC: every change or none
        for key, value in values.items():
            pipe.hset(self._values, key, encode_state(key, value))
            pipe.zadd(self._keys, {key: 0})
        if deletes:
            pipe.hdel(self._values, *deletes)
            pipe.zrem(self._keys, *deletes)
        self._call("write", pipe.execute)

    def delete(self, key: str) -> None:
        pipe = self._client.pipeline(transaction=True)
        pipe.hdel(self._values, key)
        pipe.zrem(self._keys, key)
        self._call("write", pipe.execute)

    def items(self, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        start = b"[" + prefix.encode("utf-8") if prefix else b"-"
        # 0xFF never occurs in UTF-8, so every key starting with the prefix sorts below prefix + 0xFF.
        stop = b"(" + prefix.encode("utf-8") + b"\xff" if prefix else b"+"
        keys: list[bytes] = self._call("read", self._client.zrangebylex, self._keys, start, stop)
        for offset in range(0, len(keys), _CHUNK):
            chunk = keys[offset:offset + _CHUNK]
            raws = self._call("read", self._client.hmget, self._values, chunk)
            for raw_key, raw in zip(chunk, raws):
                if raw is None:  # deleted between the two reads
                    continue
                key = raw_key.decode("utf-8")
                value = decode_state(key, raw, f"Redis ({self._values})")
                if value is not None:
                    yield key, value

    def try_lock(self, name: str, owner: str, ttl: float) -> bool:
        key = f"{self._leases}:{name}"
        taken = self._call("write", self._take, [key], [owner, max(1, int(ttl * 1000))])
        return bool(taken)

    def unlock(self, name: str, owner: str) -> None:
        self._call("write", self._give_back, [f"{self._leases}:{name}"], [owner])

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, action: str, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except redis.RedisError as exc:
            raise StateUnavailable(f"cannot {action} crawl state in Redis ({exc}); check EARFUL_REDIS_URL "
                                   "and that the Redis server is running") from exc
