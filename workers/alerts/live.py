"""One rule's series kept live: built once from the index, then only the newest buckets are read again.

Buckets are counted by published time. A bucket is taken into the detector (committed) an hour
after it ends, so mentions that arrive late (a feed polled every 15 minutes) still land in it;
the last hour and the current bucket are looked at (``Tracker.peek``) at every evaluation, so a
spike is seen while its bucket fills. A batch that fills in the past (a first collection, a
catch-up after an outage: mentions over a day old, or ten behind the committed end) makes the
evaluator rebuild the series from the index, history filled in and never alerted on; a few
late mentions are taken in when the series is renewed, every six hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from earful.alerts.models import Incident
from earful.alerts.rules import AlertRule
from search.base import IndexBackend
from search.trends import Counts, fixed_buckets
from workers.alerts.engine import NEGATIVE, Peek, Tracker
from workers.alerts.scope import RuleScope
from workers.alerts.tuning import DEFAULT_TUNING, Tuning, sensitivity

HISTORY_DAYS = 28  # the longest any part of the baseline looks back
GRACE = timedelta(hours=1)  # a finished bucket stays open this long for late mentions


def bucket_start(moment: datetime, step: int) -> datetime:
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step, tz=timezone.utc)


@dataclass
class LiveRule:
    rule: AlertRule
    scope: RuleScope
    tracker: Tracker
    start: datetime  # start of bucket 0
    built_at: datetime  # when it was built from the index
    synced_sequence: int = 0  # the detector's incident versions already mirrored in the store
    peek: Peek | None = None
    pending_counts: list[tuple[int, int]] = field(default_factory=list)
    record: Incident | None = None  # the open incident as this process last read or wrote it …
    record_stamp: str | None = None  # … and the store's stamp then
    saved_bucket: int = -1  # the current bucket when the open incident was last saved

    @property
    def step(self) -> int:
        return self.rule.interval

    @property
    def committed_until(self) -> datetime:
        return self.start + timedelta(seconds=len(self.tracker) * self.step)

    def time(self, index: int) -> datetime:
        return self.start + timedelta(seconds=index * self.step)

    def index_at(self, moment: datetime) -> int:
        return int((moment - self.start).total_seconds() // self.step)


def build(index: IndexBackend, rule: AlertRule, scope: RuleScope, now: datetime,
          tuning: Tuning = DEFAULT_TUNING) -> LiveRule:
    """The rule's detector, fed every committed bucket of the last ``HISTORY_DAYS`` days."""
    pending_from = _pending_from(now, rule.interval)
    start = pending_from - timedelta(days=HISTORY_DAYS)
    chosen = sensitivity(rule.sensitivity, rule.threshold, rule.min_count)
    tracker = Tracker(start, rule.interval, scope.tz, chosen, tuning, negative=rule.trigger.startswith("negative"))
    live = LiveRule(rule, scope, tracker, start, now)
    _commit(index, live, pending_from)
    return live


def wanted(live: LiveRule, now: datetime) -> tuple[datetime, datetime]:
    """The buckets an evaluation reads: from the first uncommitted one to the end of the current one."""
    since = min(live.committed_until, _pending_from(now, live.step))
    return since, bucket_start(now, live.step) + timedelta(seconds=live.step)


def refresh(index: IndexBackend, live: LiveRule, now: datetime, counts: Counts | None = None) -> None:
    """Commit the buckets that finished since, and look at the unfinished ones (``counts``: read already)."""
    pending_from = _pending_from(now, live.step)
    since, end = wanted(live, now)
    if counts is None:
        counts = fixed_buckets(index, live.scope.query, live.scope.filters, step=live.step, since=since, until=end)
    mentions, negative = rule_counts(live.rule, counts)
    done = max(0, live.index_at(pending_from) - len(live.tracker))
    for count, neg in zip(mentions[:done], negative[:done]):
        live.tracker.step(count, neg)
    live.pending_counts = list(zip(mentions[done:], negative[done:]))
    live.peek = live.tracker.peek(live.pending_counts)


def rule_counts(rule: AlertRule, counts: Counts) -> tuple[list[int], list[int]]:
    """What the rule's detector counts per bucket, and the negative ones: every mention, or for a negative
    trigger those whose sentiment is known (one not scored yet is neither negative nor calm; counted, it
    would thin a crisis's negative share by every post waiting for its scorer)."""
    return counts.scored() if rule.trigger in NEGATIVE else counts.mentions, counts.negative


def regroup(counts: Counts, fine: int, step: int, offset: int, size: int) -> Counts:
    """``size`` buckets of ``step`` seconds from counts read per ``fine`` seconds, ``offset`` fine buckets in."""
    ratio = step // fine

    def summed(values: list[int]) -> list[int]:
        return [sum(values[offset + k * ratio:offset + (k + 1) * ratio]) for k in range(size)]

    return Counts(*(summed(values) for values in counts))


def _pending_from(now: datetime, step: int) -> datetime:
    """The first bucket still open: the grace period before the current bucket (at least one bucket)."""
    grace = max(1, int(GRACE.total_seconds()) // step)
    return bucket_start(now, step) - timedelta(seconds=grace * step)


def _commit(index: IndexBackend, live: LiveRule, until: datetime) -> None:
    if live.committed_until >= until:
        return
    read = fixed_buckets(index, live.scope.query, live.scope.filters, step=live.step, since=live.committed_until,
                         until=until)
    for count, neg in zip(*rule_counts(live.rule, read)):
        live.tracker.step(count, neg)
