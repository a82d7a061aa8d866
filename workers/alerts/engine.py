"""Every detector over a series that grows one bucket at a time, strictly causally.

``Tracker.step(count, negative)`` takes the next bucket and returns the incident changes it caused;
nothing it decides at bucket ``i`` depends on a later bucket, so a series cut short yields the same
incidents up to the cut. Production keeps one tracker per rule and steps it as buckets complete;
``detect`` runs one over a whole series (evaluation and backtests).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from statistics import NormalDist

import numpy as np

from earful.alerts.models import ThresholdWhy
from workers.alerts import signals
from workers.alerts.baseline import Baseline
from workers.alerts.cusum import ShareCusum, cautious_share
from workers.alerts.incidents import Change, Episode, Incident
from workers.alerts.lulls import Lulls
from workers.alerts.peaks import DailyPeaks, peak_score
from workers.alerts.series import Series
from workers.alerts.signals import Limits, Signal
from workers.alerts.stats import Spread
from workers.alerts.tuning import DEFAULT_TUNING, DETECTED, PRESETS, Sensitivity, Tuning

NEGATIVE = ("negative_spike", "negative_share")
DROP = 1.6  # a fall below 1/DROP (or an unalerted rise above DROP) that holds for shift_hours is adopted ...
SILENT = 0.2  # ... unless it fell below this fraction of the expected volume
CONTINUED = 1.3  # every quarter of a lasting rise keeps at least this ratio (a quiet brand's quarter day is noisy)
UNCOLLECTED = 10.0  # mentions an empty start would have held at the brand's first day's rate: not collected yet


def _quarters(start: int, end: int) -> list[tuple[int, int]]:
    """Buckets ``start`` .. ``end - 1`` in four consecutive parts, as (start, end) pairs."""
    cuts = [start + (end - start) * q // 4 for q in range(5)]
    return list(zip(cuts, cuts[1:]))


@dataclass(frozen=True)
class Peek:
    """Each trigger's incident (active or last) after the unfinished buckets, and their expected bands."""

    current: dict[str, Incident | None]
    bands: list[tuple[float, float, float]]  # expected, low, high per unfinished bucket


@dataclass(frozen=True)
class Update:
    """One change of one incident (a snapshot: later buckets do not alter it)."""

    bucket: int
    change: Change
    incident: Incident


def _tail(z: float) -> float:
    return max(NormalDist().cdf(-z), 1e-300)


class Tracker:
    """The baseline and one incident life cycle per trigger, fed bucket by bucket."""

    def __init__(self, start: datetime, step: int, tz: str = "UTC", sensitivity: Sensitivity = PRESETS["medium"],
                 tuning: Tuning = DEFAULT_TUNING, negative: bool = True) -> None:
        self.baseline = b = Baseline(start, step, tz, tuning)
        self.sensitivity, self.tuning, self.negative = sensitivity, tuning, negative
        resolve_after, cooldown = b.buckets(tuning.resolve_hours), b.buckets(tuning.cooldown_hours)
        self.episodes = {name: Episode(name, resolve_after, cooldown) for name in DETECTED}
        self.warmup = b.buckets(24 * tuning.warmup_days)
        self.born: int | None = None  # the first bucket with a mention: a brand's age counts from it (a live
        # rule's series reaches weeks back, before a brand new to Earful had any mention)
        self.shift = b.buckets(tuning.shift_hours)
        self.share_shift = b.buckets(tuning.share_shift_hours)
        self.hold = b.buckets(tuning.hold_hours)
        self.quiet_from = 0
        self.cusums = {name: ShareCusum() for name in NEGATIVE}  # one per trigger: neither restarts the other's
        self.arl_days = tuning.cusum_days * _tail(PRESETS["medium"].z) / _tail(sensitivity.z)
        self.lulls = Lulls(b.buckets(24 * tuning.lull_days))
        self.fresh_from = 0  # expectations before this bucket predate a change of level
        self.incidents: dict[str, list[Incident]] = {name: [] for name in DETECTED}
        self.spreads: list[Spread] = []  # the one-bucket spread in force at each bucket, for the band
        self.per_day: list[float] = []  # the brand's mentions a day as each bucket began (its thresholds)
        self.peaks = DailyPeaks(b.buckets(24), tuning)  # from the brand's second day on, warm-up included
        self.bars: list[float] = []  # the bar its own bursts set at each bucket (0: none)

    def __len__(self) -> int:
        return len(self.baseline.history)

    def step(self, count: int, negative: int = 0) -> list[Update]:
        """Take the next bucket; the incident changes it caused."""
        i, expected = self._take(count, negative)
        if self.born and i == self.born + self.baseline.buckets(24):
            self._uncollected(i)
        updates = self._detect(i) if self._grown(i) else []
        if self._day_old(i):
            self.peaks.add(i, peak_score(self.baseline, i, self.tuning))
        self._settle(i, count, expected)
        updates += self._adapt(i)
        return updates

    def peek(self, pending: Sequence[tuple[int, int]]) -> Peek:
        """Where every trigger stands after buckets that are not complete yet (``pending``: counts so far),
        without taking them in: the next ``step`` starts from where it was."""
        length = len(self)
        episodes = {name: e.snapshot() for name, e in self.episodes.items()}
        opened = {name: len(found) for name, found in self.incidents.items()}
        quiet_from, lulls, born = self.quiet_from, self.lulls.snapshot(), self.born
        cusums = {name: replace(run) for name, run in self.cusums.items()}
        points = []
        try:
            for k, (count, negative) in enumerate(pending):
                i, expected = self._take(count, negative)
                if self._grown(i):  # the last is still filling: too early to call it silent
                    self._detect(i, filling=k == len(pending) - 1)
                self._settle(i, count, expected, looking=True)
                points.append(self.band(i))
            current = {name: replace(e.current) if e.current is not None else None
                       for name, e in self.episodes.items()}
        finally:
            self.baseline.history.truncate(length)
            del self.spreads[length:]
            del self.per_day[length:]
            del self.bars[length:]
            for name, saved in episodes.items():
                self.episodes[name].restore(saved)
            for name, count in opened.items():
                del self.incidents[name][count:]
            self.quiet_from, self.cusums, self.born = quiet_from, cusums, born
            self.lulls.restore(lulls)
        return Peek(current, points)

    def _uncollected(self, i: int) -> None:
        """A brand's first day told its rate: if the empty stretch before its first mention would have held
        ``UNCOLLECTED`` mentions at that rate, the brand was not collected yet (a live rule's series reaches
        weeks back, before a brand new to Earful had any mention). Those buckets teach the baseline nothing:
        counted, they hold its level down and bend its weekly rhythm for weeks."""
        assert self.born is not None
        if self._mean_since_born(i) * self.born >= UNCOLLECTED:
            self.baseline.history.relabel(0, level=False, rhythm=False, share=False, end=self.born)

    def _mean_since_born(self, i: int) -> float:
        """Mentions a bucket from the brand's first mention up to bucket ``i`` (excluded)."""
        h, born = self.baseline.history, self.born
        assert born is not None and i > born
        return h.window(h.p_count, born, i) / (i - born)

    def _day_old(self, i: int) -> bool:
        """At bucket ``i`` the brand has had a day of mentions (its level and its day's peak mean something)."""
        return self.born is not None and i >= self.born + self.baseline.buckets(24)

    def _grown(self, i: int) -> bool:
        """Past the warm-up at bucket ``i``: ``warmup_days`` since the brand's first mention."""
        return self.born is not None and i >= self.born + self.warmup

    def _take(self, count: int, negative: int) -> tuple[int, float]:
        b = self.baseline
        i = len(b.history)
        if self.born is None and count > 0:
            self.born = i
        b.prepare(i)
        level, _ = b.level(i)
        profile = b.profile_at(i)
        expected = level * profile
        b.history.push(count, negative, expected, profile)
        self.spreads.append(b.spread[0])
        self.per_day.append(level * b.buckets(24))
        self.bars.append(self.peaks.bar(i, self._born_by(i)))
        if self.negative:
            self._accumulate(i, count, negative)
        if count > math.floor(self.tuning.quiet_fraction * expected):
            if self.quiet_from < i and not self.episodes["silence"].active:
                self.lulls.add(i, b.history.window(b.history.p_expected, self.quiet_from, i))
            self.quiet_from = i + 1
        return i, expected

    def _accumulate(self, i: int, count: int, negative: int) -> None:
        """Each negative trigger's share CUSUM takes bucket ``i`` while that trigger has no incident open (its own
        incident restarts it; the other trigger's does not, so a share raised at night keeps the spike's evidence)."""
        b = self.baseline
        usual, mentions = b.share(i)
        rho = b.rho[0] + 1.0 / (mentions + 1.0)
        level, _ = b.level(i)  # mentions a bucket; those of one bucket count as 1 + (n - 1) rho of them
        per_day = level / (1.0 + max(level - 1.0, 0.0) * rho) * b.buckets(24)
        z = self.sensitivity.z
        reference = cautious_share(usual, mentions, self.tuning.cusum_margin)
        for name, run in self.cusums.items():
            if self.episodes[name].active:
                run.reset(i)
            else:
                run.step(i, negative, count, reference, self.sensitivity.share_gain, rho, self.arl_days * per_day,
                         z * z / 2.0)

    def _limits(self, i: int, name: str) -> Limits:
        episode = self.episodes[name]
        current = episode.current
        hold = 0
        if current is not None and current.active:  # still out of the band over its own window or the last hours
            hold = max(current.scale, min(self.hold, i + 1 - current.opened))
        return Limits(i + 1 - max(episode.clear_from, self.fresh_from), hold)

    def _signals(self, i: int, filling: bool = False) -> dict[str, Signal | None]:
        b, s, t = self.baseline, self.sensitivity, self.tuning
        per_day = self.per_day[i]
        out = {"volume_spike": signals.volume(b, i, s, t, self._limits(i, "volume_spike"),
                                              self._volume_threshold(i))}
        if not filling:
            out["silence"] = signals.silence(b, i, t, self.quiet_from, self._lull(i),
                                             signals.silence_threshold(per_day, s, t))
        if self.negative:
            out["negative_spike"], out["negative_share"] = signals.negative(
                b, i, s, t, self._limits(i, "negative_spike"), self._limits(i, "negative_share"), self.cusums)
        return out

    def _volume_threshold(self, i: int) -> float:
        return self._volume_bar(i)[0]

    def _volume_bar(self, i: int) -> tuple[float, ThresholdWhy | None]:
        """The score a volume incident must reach at bucket ``i``, and what set it: the preset's (less a quiet
        brand's relief; None), the bar a young or bursty brand's own days set (``peaks``), or the bar a busy
        brand's last incidents set (``_echo``), whichever is highest (the preset's on a tie)."""
        bars: list[tuple[float, ThresholdWhy | None]] = [
            (signals.volume_threshold(self.per_day[i], self.sensitivity, self.tuning), None),
            (self.bars[i], "young" if self.peaks.is_young(i, self._born_by(i)) else "bursty"), (self._echo(i), "echo")]
        return max(bars, key=lambda bar: bar[0])

    def _born_by(self, i: int) -> int:
        """The bucket a brand's age counts from at bucket ``i``: its first mention, or ``i`` before it has one."""
        return i if self.born is None else self.born

    def _echo(self, i: int) -> float:
        """A busy brand's news comes in waves: a retweet storm, then smaller ones as the story goes round. So
        from ``echo_from`` mentions a day, a volume incident within ``echo_hours`` of the last ones opened
        needs a score above their peaks: a smaller burst the same day is their echo, a bigger one is news.
        A quieter brand's bursts are rare and each one matters: it has no such bar."""
        t = self.tuning
        if self.per_day[i] < t.echo_from:
            return 0.0
        since = i - self.baseline.buckets(t.echo_hours)
        recent = itertools.takewhile(lambda incident: incident.opened >= since, reversed(self.incidents["volume_spike"]))
        return max((incident.peak_score for incident in recent if not incident.active), default=0.0)

    def _lull(self, i: int) -> float:
        """Expected mentions in the longest ordinary lull of the last weeks (infinite before they are known)."""
        return self.lulls.longest(i) if self.lulls.known(i) else math.inf

    def _detect(self, i: int, filling: bool = False) -> list[Update]:
        updates = []
        for name, signal in self._signals(i, filling).items():
            episode = self.episodes[name]
            change = episode.step(i, signal, name == "volume_spike" and self._continues(i, signal))
            if change is None or episode.current is None:
                continue
            if change == "opened":
                if name == "volume_spike":
                    episode.current.bar = self._volume_bar(i)[1]
                self.incidents[name].append(episode.current)
            updates.append(Update(i, change, replace(episode.current)))
        return updates

    def _continues(self, i: int, signal: Signal | None) -> bool:
        """A volume spike that opens within ``continue_hours`` of the last one's opening, after it resolved, with
        the whole time since risen by half the preset's ratio and each quarter of it by ``CONTINUED``: the same
        lasting change (a quiet brand's campaign falls back into the band each evening, its hours too few to
        hold an incident open until its new level is adopted), so it reopens that incident."""
        last = self.episodes["volume_spike"].current
        if signal is None or not signal.opens or last is None or last.active or last.resolution != "back_in_band":
            return False
        span = i + 1 - last.opened
        if not 4 <= span <= self.baseline.buckets(self.tuning.continue_hours):
            return False
        return self._ratio(last.opened, i + 1) >= self.sensitivity.holding_ratio \
            and all(self._ratio(a, z) >= CONTINUED for a, z in _quarters(last.opened, i + 1))

    def _settle(self, i: int, count: int, expected: float, looking: bool = False) -> None:
        b, ep = self.baseline, self.episodes
        clipped = float(count)
        if self._grown(i):
            clipped = min(clipped, expected + self.tuning.clip_z * b.spread[0].sd(expected) + 1.0)
        elif self._day_old(i):
            # in the warm-up the spread is not known yet (the usual clip would cut off the brand's rhythm), but
            # a burst there must not become its rhythm (a week later, the same hour would expect it again);
            # judged against its mean since its first mention too, as the level may still count empty buckets
            # from before it (a live rule's series reaches weeks back)
            usual = max(expected, self._mean_since_born(i))
            clipped = min(clipped, self.tuning.warmup_clip * usual + self.tuning.clip_z * b.spread[0].sd(usual) + 1.0)
        ordinary = not (ep["volume_spike"].active or ep["silence"].active)
        share_ok = ordinary and not any(ep[name].active for name in NEGATIVE)
        b.history.settle(clipped, ordinary, share_ok)
        silence = ep["silence"].current
        if silence is not None and silence.active and silence.opened == i and not looking:
            b.history.relabel(self.quiet_from, level=False, rhythm=False, share=False)

    def _ratio(self, start: int, end: int, negative: bool = False) -> float:
        h = self.baseline.history
        if negative:
            total = h.window(h.p_count, start, end)
            usual, _ = self.baseline.share(start)
            return h.window(h.p_negative, start, end) / max(total * usual, 1e-9)
        return h.window(h.p_count, start, end) / max(h.window(h.p_expected, start, end), 1e-9)

    def _holds_up(self, start: int, end: int, negative: bool = False) -> bool:
        """A rise over ``start`` .. ``end`` that keeps most of its size in its second half; a volume rise scores
        ``rise_z`` in both halves too. A quiet brand's incident continued the next afternoon (``continue_hours``)
        is old enough to be judged as a new level, but its quiet night and morning hold so few mentions that a
        handful makes their ratio: without the score, the next burst became the brand's level."""
        middle = (start + end) // 2
        first, second = self._ratio(start, middle, negative), self._ratio(middle, end, negative)
        floor = self.sensitivity.holding_ratio
        held = min(first, second) >= floor and second - 1 >= self.tuning.shift_keep * (first - 1)
        if negative or not held:
            return held
        return min(self._rise_score(start, middle), self._rise_score(middle, end)) >= self.tuning.rise_z

    def _adapt(self, i: int) -> list[Update]:
        """Adopt a lasting change of level: alert once, then treat the new level as normal."""
        b, ep, start = self.baseline, self.episodes, i + 1 - self.shift
        updates = []
        volume = ep["volume_spike"]
        if volume.active and volume.current and i + 1 - volume.current.opened >= self.shift \
                and self._holds_up(start, i + 1):
            # learnt from the second half, where it settled: a burst that fades over a day or two also holds up
            # (its night reads high against a quiet night), and counted from its peak it left a level the next
            # ordinary days fell far short of, read as silences
            settled = (start + i + 1) // 2
            b.new_level(settled)
            self.fresh_from = i + 1
            b.history.relabel(settled, level=True, share=not any(ep[n].active for n in NEGATIVE), unclip=True)
            updates.append(self._resolve(volume, i))
        elif not volume.active and not ep["silence"].active and i % max(1, self.shift // 8) == 0:
            self._quiet_change(i)
        start = i + 1 - self.share_shift
        for name in NEGATIVE:
            episode = ep[name]
            if episode.active and episode.current and i + 1 - episode.current.opened >= self.share_shift \
                    and self._holds_up(start, i + 1, negative=True):
                b.share_from = start
                b.history.relabel(start, share=True)
                updates += [self._resolve(ep[n], i) for n in NEGATIVE if ep[n].active]
                break
        return updates

    def _quiet_change(self, i: int) -> None:
        """A change of level that has held without an incident adopting it: a fall for ``shift_hours``, a rise
        for twice that (a day: time to alert first, and rises that alert by day and fade at night, reopening
        every morning, end here). Adopt it silently, so the band follows the brand."""
        b, ep = self.baseline, self.episodes
        if self.born is None:
            return
        earliest = max(b.volume_from, self.fresh_from, self.born + self.warmup, ep["silence"].clear_from)
        start = i + 1 - self.shift
        if start < earliest:
            return
        if self._ratio(start, i + 1) > 1:
            start = i + 1 - 2 * self.shift
            # every quarter risen: no burst and tail
            if start >= earliest and all(self._rose(a, z) for a, z in _quarters(start, i + 1)):
                b.new_level(start)
                self.fresh_from = i + 1
                b.history.relabel(start, level=True, rhythm=False, unclip=True)  # expected at the old level
            return
        if start < ep["volume_spike"].clear_from:
            return
        middle = (start + i + 1) // 2
        if max(self._ratio(start, middle), self._ratio(middle, i + 1)) > 1 / DROP:
            return
        h = b.history
        observed, expected = h.window(h.p_count, start, i + 1), h.window(h.p_expected, start, i + 1)
        # a near-silence is the silence detector's to judge, never a new normal
        if observed >= SILENT * expected and -b.spread[-1].below(observed, expected) >= self.sensitivity.z:
            b.new_level(start)
            self.fresh_from = i + 1

    def _rose(self, start: int, end: int) -> bool:
        """Buckets ``start`` .. ``end - 1`` hold clearly more than expected (DROP times, and significantly)."""
        return self._ratio(start, end) >= DROP and self._rise_score(start, end) >= self.tuning.rise_z

    def _rise_score(self, start: int, end: int) -> float:
        """How far the count of buckets ``start`` .. ``end - 1`` lies above its expectation (0 when it does not)."""
        b = self.baseline
        h = b.history
        observed, expected = h.window(h.p_count, start, end), h.window(h.p_expected, start, end)
        k = max(j for j, scale in enumerate(b.scales) if scale <= end - start or j == 0)
        return b.spread[k].above(observed, expected)

    def _resolve(self, episode: Episode, i: int) -> Update:
        episode.resolve(i, "new_level")
        assert episode.current is not None
        return Update(i, "resolved", replace(episode.current))

    def band(self, i: int) -> tuple[float, float, float]:
        """Expected count of bucket ``i`` and the band around it at this sensitivity."""
        expected = self.baseline.history.expected[i]
        width = self._volume_threshold(i) * self.spreads[i].sd(expected)
        return expected, max(0.0, expected - width), max(expected + width, expected * self.sensitivity.ratio)


@dataclass
class Detection:
    """The incidents every trigger would have opened over a series, and the expectation per bucket."""

    series: Series
    incidents: dict[str, list[Incident]]
    tracker: Tracker

    def opened(self, trigger: str) -> list[datetime]:
        """When each incident of ``trigger`` was raised (start of the bucket whose data raised it)."""
        return [self.series.time(incident.opened) for incident in self.incidents.get(trigger, [])]


def detect(series: Series, sensitivity: Sensitivity = PRESETS["medium"], tuning: Tuning = DEFAULT_TUNING) -> Detection:
    """Run every detector over ``series`` bucket by bucket."""
    tracker = Tracker(series.start, series.step, series.tz, sensitivity, tuning, series.negative is not None)
    negatives = series.negative if series.negative is not None else np.zeros(len(series), dtype=np.int64)
    for count, negative in zip(series.counts.tolist(), negatives.tolist()):
        tracker.step(count, negative)
    return Detection(series, tracker.incidents, tracker)
