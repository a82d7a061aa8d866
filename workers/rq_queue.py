"""The distributed queue: collected batches go to Redis and RQ workers (``earful worker``) process them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

import redis
from rq import Queue, Retry

from earful.errors import EarfulError
from earful.models import RawMention
from earful.settings import Settings
from workers.queue import MentionQueue
from workers.stats import RunStats

PROCESS_BATCH = "workers.jobs.process_batch"


class QueueUnavailable(EarfulError):
    """Redis cannot take the batch; collection spools it to disk and retries next run."""


def connect(settings: Settings) -> redis.Redis:
    """A Redis client for RQ (bytes replies, as RQ expects)."""
    if not settings.redis_url:
        raise EarfulError("no Redis configured: set EARFUL_REDIS_URL (e.g. redis://localhost:6379/0)")
    return redis.Redis.from_url(settings.redis_url, health_check_interval=30)


def display_url(url: str) -> str:
    """The Redis URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def retry_policy(settings: Settings) -> Retry:
    """Retries with growing pauses; after the last one the job stays in the failed registry."""
    return Retry(max=max(1, settings.job_retries), interval=settings.job_retry_intervals or [0])


def encode_batch(batch: Sequence[RawMention]) -> str:
    """The job payload: a JSON array of RawMentions (plain values, readable by any RQ client)."""
    return "[" + ",".join(raw.model_dump_json() for raw in batch) + "]"


def decode_batch(payload: str) -> list[RawMention]:
    return [RawMention.model_validate(item) for item in json.loads(payload)]


def describe(batch: Sequence[RawMention]) -> str:
    """Job description shown by workers and ``earful queue status`` instead of the whole payload."""
    sources = Counter(raw.source_name for raw in batch)
    names = ", ".join(name for name, _ in sources.most_common(3))
    more = f" +{len(sources) - 3} more" if len(sources) > 3 else ""
    return f"process_batch: {len(batch)} mentions from {names}{more}"


class RQQueue(MentionQueue):
    """Enqueues each batch as one RQ job and returns at once; workers index it later."""

    def __init__(self, settings: Settings, connection: redis.Redis | None = None) -> None:
        self.settings = settings
        self.connection = connection if connection is not None else connect(settings)
        self.queue = Queue(settings.mention_queue, connection=self.connection)

    def enqueue(self, batch: Sequence[RawMention]) -> RunStats:
        if not batch:
            return RunStats()
        try:
            self.queue.enqueue(PROCESS_BATCH, encode_batch(batch), retry=retry_policy(self.settings),
                               job_timeout=self.settings.job_timeout, description=describe(batch),
                               result_ttl=24 * 3600)  # failed jobs keep RQ's default: a year
        except redis.RedisError as exc:
            raise QueueUnavailable(f"cannot queue {len(batch)} mentions on Redis ({exc}); check "
                                   "EARFUL_REDIS_URL and that the Redis server is running") from exc
        return RunStats(collected=len(batch), queued=len(batch))
