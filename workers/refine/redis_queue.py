"""The refine queue in Redis, shared by every ``earful worker`` (distributed mode).

Four keys under ``earful:refine:`` (the prefix is configurable):

* ``waiting`` - sorted set of ids ready to be taken, scored by when they were first queued;
* ``leased`` - sorted set of taken ids, scored by when their lease expires;
* ``queued_at`` - hash id -> first-queued time of every taken id, to put it back in its place;
* ``held`` - set of leased ids that are held for a batch being written (``hold``), not taken.

An id is in exactly one of ``waiting`` and ``leased``. Each operation is one Lua script, so any
number of workers can add, take and finish ids concurrently; times come from the Redis server's
clock, so workers on hosts whose clocks disagree still agree on leases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis

from workers.refine import queue as refine_queue
from workers.refine.queue import RefineQueue

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# A leased id goes back to waiting, in the place it was queued at.
_REQUEUE = _NOW + """
local function requeue(id)
  local at = redis.call('HGET', KEYS[3], id) or now
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('SREM', KEYS[4], id)
  redis.call('ZADD', KEYS[1], at, id)
end
"""

# KEYS: waiting, leased, queued_at. ARGV: ids. A taken id goes back to waiting (to be refined again).
_ADD = _REQUEUE + """
for _, id in ipairs(ARGV) do
  if redis.call('ZSCORE', KEYS[2], id) then
    requeue(id)
  else
    redis.call('ZADD', KEYS[1], 'NX', now, id)
  end
end
return 0
"""

# KEYS: waiting, leased, queued_at, held. ARGV: hold seconds, ids. Held: leased, and marked as held.
_HOLD = _NOW + """
local until_ = now + tonumber(ARGV[1])
for i = 2, #ARGV do
  local id = ARGV[i]
  local at = redis.call('ZSCORE', KEYS[1], id) or redis.call('HGET', KEYS[3], id) or now
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], until_, id)
  redis.call('HSET', KEYS[3], id, at)
  redis.call('SADD', KEYS[4], id)
end
return 0
"""

# KEYS: waiting, leased, queued_at, held. ARGV: limit, lease seconds. Expired leases are handed out again.
_TAKE = _REQUEUE + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)
for _, id in ipairs(expired) do
  requeue(id)
end
local limit = tonumber(ARGV[1])
if limit <= 0 then return {} end
local taken = redis.call('ZRANGE', KEYS[1], 0, limit - 1, 'WITHSCORES')
local ids = {}
local until_ = now + tonumber(ARGV[2])
for i = 1, #taken, 2 do
  local id = taken[i]
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], until_, id)
  redis.call('HSET', KEYS[3], id, taken[i + 1])
  redis.call('SREM', KEYS[4], id)
  ids[#ids + 1] = id
end
return ids
"""

# KEYS: waiting, leased, queued_at, held. ARGV: ids. Only taken ids are forgotten: a re-queued or held one waits.
_DONE = """
for _, id in ipairs(ARGV) do
  if redis.call('SISMEMBER', KEYS[4], id) == 0 and redis.call('ZREM', KEYS[2], id) == 1 then
    redis.call('HDEL', KEYS[3], id)
  end
end
return 0
"""

# KEYS: waiting, leased, queued_at. ARGV: ids. Taken ids go back to waiting, in their old place.
_RELEASE = _REQUEUE + """
for _, id in ipairs(ARGV) do
  if redis.call('ZSCORE', KEYS[2], id) and redis.call('SISMEMBER', KEYS[4], id) == 0 then
    requeue(id)
  end
end
return 0
"""


class RedisRefineQueue(RefineQueue):
    """Same semantics as ``SQLiteRefineQueue``; safe across threads, processes and hosts."""

    def __init__(self, client: redis.Redis, *, prefix: str = "earful:refine:") -> None:
        self.client = client
        self.prefix = prefix
        self._keys = [f"{prefix}waiting", f"{prefix}leased", f"{prefix}queued_at", f"{prefix}held"]
        self._add = client.register_script(_ADD)
        self._take = client.register_script(_TAKE)
        self._hold = client.register_script(_HOLD)
        self._done = client.register_script(_DONE)
        self._release = client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisRefineQueue:
        return cls(redis.Redis.from_url(url, health_check_interval=30), **kwargs)

    def add(self, ids: Sequence[str]) -> None:
        if ids:
            self._add(keys=self._keys, args=list(dict.fromkeys(ids)))

    def hold(self, ids: Sequence[str]) -> None:
        if ids:
            self._hold(keys=self._keys, args=[refine_queue.HOLD_SECONDS, *dict.fromkeys(ids)])

    def take(self, limit: int) -> list[str]:
        taken = self._take(keys=self._keys, args=[limit, refine_queue.LEASE_SECONDS])
        return [i.decode() if isinstance(i, bytes) else str(i) for i in taken]

    def done(self, ids: Sequence[str]) -> None:
        if ids:
            self._done(keys=self._keys, args=list(ids))

    def release(self, ids: Sequence[str]) -> None:
        if ids:
            self._release(keys=self._keys, args=list(ids))

    def pending(self) -> int:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zcard(self._keys[0])
            pipe.zcard(self._keys[1])
            waiting, leased = pipe.execute()
        return int(waiting) + int(leased)

    def close(self) -> None:
        self.client.close()
