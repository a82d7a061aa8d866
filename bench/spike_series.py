"""Labelled mention-volume series that look like real brands, for developing and measuring the alert detectors.

Each series is one brand's mention counts per bucket (5 min, 15 min or 1 h) over 6-10 weeks, in the
format of ``../shared/data/spike-series`` (``earful eval alerts`` reads it):

- volume from 2 mentions a day to thousands an hour; a daily rhythm in the brand's own time zone
  (daylight saving included) and a weekly one; slow drift; day-to-day news-cycle swings;
  over-dispersed noise (gamma-Poisson) and small reply clusters (2-3 mentions at once) in quiet brands;
- events after the first two weeks: bursts that decay, plateaus of a few hours, ramps, lasting
  level shifts (labelled on their first day only), silences (the source returns nothing),
  negative-share shifts in a steady stream, and mild bursts labelled ``ignore_windows``;
- a window starts one bucket before its event and ends one bucket after it.

``--style social`` writes series shaped like public social mention volume per 5 minutes (heavier
tails, unlabelled news bumps of 1.4-2.2x a few times a week, only ``counts`` and ``windows``,
windows drawn the NAB way: 10 % of the series divided among its anomalies, centred on each).
``--style storms`` is the same over NAB's range of volumes, with retweet storms in calm, lively and stormy weeks
(unlabelled bursts of 2-15 times a bucket's usual mentions plus a few, fading within half an hour): as bursty as real
Twitter volume, for checking the bursty brands' bars on labelled data that was not used to choose them.

    .venv/bin/python bench/spike_series.py --n 200 --seed 1 --out /tmp/series.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

STEPS = {"5m": 300, "15m": 900, "1h": 3600}
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
         "Asia/Kolkata", "Australia/Sydney", "Europe/London", "America/Sao_Paulo"]
Window = tuple[int, int]


def _local_hours(start: datetime, step: int, n: int, tz: ZoneInfo) -> tuple[np.ndarray, np.ndarray]:
    """Local hour of day (fractional, at the bucket centre) and weekday of every bucket."""
    hours = np.empty(n)
    days = np.empty(n, dtype=np.int64)
    for i in range(n):
        local = (start + timedelta(seconds=i * step + step / 2)).astimezone(tz)
        hours[i] = local.hour + local.minute / 60
        days[i] = local.weekday()
    return hours, days


def _rhythm(rng: np.random.Generator, hours: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Daily curve (night trough, daytime and evening peaks) times a weekly factor, mean about 1."""
    day_peak, eve_peak = rng.uniform(10, 14), rng.uniform(18.5, 21.5)
    depth = rng.uniform(0.05, 0.6)  # night level relative to the day
    bump = lambda c, w: np.exp(-0.5 * (((hours - c + 12) % 24 - 12) / w) ** 2)  # noqa: E731
    daily = depth + (1 - depth) * (bump(day_peak, rng.uniform(2.5, 4)) + rng.uniform(0.3, 1) * bump(eve_peak, 2.5))
    weekly = np.array([1, 1, 1, 1, rng.uniform(0.85, 1.1), *(rng.uniform(0.4, 1.3, 1).repeat(2))])
    weekly[:5] *= rng.uniform(0.9, 1.1, 5)
    shape = daily * weekly[days]
    return shape / shape.mean()


def _drift(rng: np.random.Generator, n: int, per_day: int) -> np.ndarray:
    """Slow trend, a slow random walk and day-to-day news-cycle swings (multiplicative)."""
    days = n // per_day + 2
    trend = np.linspace(0, rng.uniform(-0.4, 0.6), days)
    walk = np.cumsum(rng.normal(0, 0.03, days))
    swing = rng.normal(0, rng.uniform(0.05, 0.2), days)
    daily = np.exp(trend + walk + swing)
    x = np.arange(n) / per_day
    return np.interp(x, np.arange(days), daily)


def _free_slot(rng: np.random.Generator, taken: list[Window], lo: int, hi: int, length: int,
               gap: int) -> int | None:
    for _ in range(50):
        start = int(rng.integers(lo, max(lo + 1, hi - length)))
        if all(start + length + gap < a or start > b + gap for a, b in taken):
            return start
    return None


def _shape(rng: np.random.Generator, kind: str, per_hour: int) -> np.ndarray:
    """Relative curve of one volume event (peak 1), bucket by bucket."""
    if kind == "burst":
        half = max(1.0, per_hour * rng.uniform(0.3, 2.5))
        return 0.5 ** (np.arange(int(half * 5) + 1) / half)
    if kind == "plateau":
        return np.ones(int(per_hour * rng.uniform(2, 8)) + 1)
    if kind == "ramp":
        rise, hold = int(per_hour * rng.uniform(1, 6)) + 1, int(per_hour * rng.uniform(1, 3)) + 1
        return np.concatenate([np.arange(1, rise + 1) / rise, np.ones(hold)])
    return np.ones(int(per_hour * rng.uniform(1, 4)) + 1)  # mild


def _excess(rng: np.random.Generator, kind: str, shape: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Extra mentions per bucket: the shape scaled to the brand's volume where it happens."""
    level = float(local.mean())
    floor = rng.uniform(4, 10)  # quiet brands: an event is still a handful of mentions per bucket
    if kind == "burst":
        return shape * max(level * rng.uniform(4, 25), floor)
    if kind == "mild":
        return shape * local * rng.uniform(0.5, 1.1)
    top = rng.uniform(1.5, 6) if kind == "plateau" else rng.uniform(3, 10)
    return shape * np.maximum(local * top, floor * 0.6)


def _clusters(rng: np.random.Generator, lam: np.ndarray, per_day_total: float) -> np.ndarray:
    """Reply threads in quiet brands: now and then 2-3 mentions land together (normal, unlabelled)."""
    if per_day_total > 40:
        return np.zeros(lam.size, dtype=np.int64)
    hits = rng.random(lam.size) < lam * 0.08
    return hits * rng.integers(1, 3, lam.size)


class _Brand:
    """One brand's expected volume and labels while its events are placed (in a fixed order of draws)."""

    def __init__(self, rng: np.random.Generator, step: int, n: int, lam: np.ndarray) -> None:
        self.rng, self.n, self.lam = rng, n, lam
        self.per_day, self.per_hour = 86400 // step, 3600 // step
        self.extra = np.zeros(n)
        self.share = np.full(n, rng.uniform(0.05, 0.35))
        self.silent = np.zeros(n, dtype=bool)
        self.labels: dict[str, list[Window]] = {"windows": [], "negative_windows": [], "silence_windows": [],
                                                "ignore_windows": []}
        self.taken: list[Window] = []
        self.lo, self.hi = 14 * self.per_day + self.per_day // 2, n - self.per_day

    def place(self, length: int) -> int | None:
        at = _free_slot(self.rng, self.taken, self.lo, self.hi, length, self.per_day // 2)
        if at is not None:
            self.taken.append((at, at + length))
        return at

    def level_shift(self) -> None:
        """A lasting level shift (a campaign), labelled on its first day."""
        at = self.place(self.per_day)
        if at is not None:
            self.lam[at:] *= self.rng.uniform(1.8, 4)
            self.labels["windows"].append((at - 1, at + self.per_day))

    def volume_event(self) -> None:
        kind = str(self.rng.choice(["burst", "plateau", "ramp"]))
        shape = _shape(self.rng, kind, self.per_hour)
        at = self.place(shape.size)
        if at is None:
            return
        curve = _excess(self.rng, kind, shape, self.lam[at:at + shape.size])
        self.extra[at:at + curve.size] += curve
        fading = np.nonzero(curve < np.maximum(0.5 * self.lam[at:at + curve.size], 0.5))[0]
        stop = at + (int(fading[0]) if kind == "burst" and fading.size else curve.size)
        self.labels["windows"].append((at - 1, max(stop, at + 1)))

    def negative_shift(self) -> None:
        """The negative share leaps in a steady stream (skipped when a handful of mentions could not show it)."""
        length = int(self.per_hour * self.rng.uniform(3, 12)) + 1
        if self.lam[self.lo:self.hi].mean() * length < 8:
            return
        at = self.place(length)
        if at is not None:
            self.share[at:at + length] = self.rng.uniform(max(0.45, 2 * self.share[0]), 0.9)
            self.lam[at:at + length] *= self.rng.uniform(1.0, 1.3)
            self.labels["negative_windows"].append((at - 1, at + length))

    def silence(self) -> None:
        """The source broke (skipped when too quiet to tell from an ordinary lull)."""
        length = int(self.per_hour * self.rng.uniform(6, 48)) + 1
        if self.lam[self.lo:self.hi].mean() * length < 12:
            return
        at = self.place(length)
        if at is not None:
            self.silent[at:at + length] = True
            self.labels["silence_windows"].append((at - 1, at + length))

    def mild_burst(self) -> None:
        shape = _shape(self.rng, "mild", self.per_hour)
        at = self.place(shape.size)
        if at is not None:
            curve = _excess(self.rng, "mild", shape, self.lam[at:at + shape.size])
            self.extra[at:at + curve.size] += curve
            self.labels["ignore_windows"].append((at - 1, at + curve.size))

    def draw(self, daily_volume: float) -> tuple[np.ndarray, np.ndarray]:
        """Counts (gamma-Poisson noise, reply clusters, silences) and their negatives."""
        rng = self.rng
        k = rng.uniform(4, 40)  # busy brands are noisier than Poisson
        counts = rng.poisson(rng.gamma(k, 1 / k, self.n) * self.lam + self.extra) + _clusters(rng, self.lam,
                                                                                          daily_volume)
        counts[self.silent] = 0
        return counts, rng.binomial(counts, rng.beta(self.share * 40, (1 - self.share) * 40))


def make_series(rng: np.random.Generator, sid: str) -> dict[str, Any]:
    """One labelled series in the spike-series format."""
    interval = str(rng.choice(["5m", "15m", "1h"], p=[0.35, 0.3, 0.35]))
    step = STEPS[interval]
    per_day = 86400 // step
    n = per_day * 7 * int(rng.integers(6, 11))
    start = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(days=int(rng.integers(0, 700)))
    tz = ZoneInfo(str(rng.choice(ZONES)))
    hours, days = _local_hours(start, step, n, tz)
    tier = rng.choice(["quiet", "mid", "busy"], p=[0.3, 0.35, 0.35])
    daily_volume = math.exp(rng.uniform(*{"quiet": (math.log(2), math.log(12)), "mid": (math.log(12), math.log(400)),
                                          "busy": (math.log(400), math.log(50000))}[tier]))
    brand = _Brand(rng, step, n, daily_volume / per_day * _rhythm(rng, hours, days) * _drift(rng, n, per_day))
    if rng.random() < 0.35:
        brand.level_shift()
    for _ in range(int(rng.integers(0, 4))):
        brand.volume_event()
    for _ in range(int(rng.integers(0, 3))):
        brand.negative_shift()
    for _ in range(int(rng.integers(0, 2)) + (rng.random() < 0.2)):
        brand.silence()
    for _ in range(int(rng.integers(0, 3))):
        brand.mild_burst()
    counts, negative = brand.draw(daily_volume)
    iso = lambda i: (start + timedelta(seconds=int(i) * step)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    out: dict[str, Any] = {"id": sid, "interval": interval, "start": iso(0), "tz": tz.key,
                           "counts": counts.tolist(), "negative": negative.tolist()}
    for key, windows in brand.labels.items():
        out[key] = [[iso(a), iso(min(b, n - 1))] for a, b in sorted(windows)]
    return out


def _storms(rng: np.random.Generator, lam: np.ndarray, per_day: int) -> np.ndarray:
    """Retweet storms (unlabelled): a post goes round and puts 2-15 times a bucket's usual mentions (plus 2-10)
    into a few minutes, fading over the next buckets. They come in spells: each week is calm (a storm every few
    days), lively (about one a day) or stormy (two or three a day), so a brand's usual bursts show only over weeks."""
    extra = np.zeros(lam.size)
    usual = max(float(lam.mean()), 0.3)
    for week in range(0, lam.size, 7 * per_day):
        a_day = float(rng.choice([0.2, 0.8, 2.5], p=[0.4, 0.4, 0.2]))
        span = min(7 * per_day, lam.size - week)
        for at in week + rng.integers(0, span, int(rng.poisson(a_day * span / per_day))):
            size = usual * math.exp(rng.uniform(math.log(2), math.log(15))) + rng.uniform(2, 10)
            fade = 0.5 ** (np.arange(int(rng.integers(1, 7))) / rng.uniform(0.5, 2))
            end = min(lam.size, at + fade.size)
            extra[at:end] += size * fade[: end - at]
    return extra


def make_social(rng: np.random.Generator, sid: str, storms: bool = False) -> dict[str, Any]:
    """Public social mention volume per 5 minutes, NAB-style windows, only counts and windows; ``storms``: a
    brand of 0.3-100 mentions a bucket (NAB's Twitter series span 0.4-85) with retweet storms (``_storms``)."""
    step, per_day = 300, 288
    n = per_day * int(rng.integers(45, 70))
    start = datetime(2015, 2, 26, tzinfo=timezone.utc) + timedelta(days=int(rng.integers(0, 60)))
    hours, days = _local_hours(start, step, n, ZoneInfo("America/New_York"))
    low, high = (0.3, 100) if storms else (5, 300)
    lam = math.exp(rng.uniform(math.log(low), math.log(high))) * _rhythm(rng, hours, days) * _drift(rng, n, per_day)
    tails = np.exp(np.clip(rng.standard_t(4, n), -4, 4) * rng.uniform(0.05, 0.15))
    rate = rng.gamma(8, 1 / 8, n) * lam * tails
    for at in rng.integers(0, n - 12, int(n / per_day / 7 * rng.uniform(1, 3))):  # news of no consequence
        rate[at:at + int(rng.integers(2, 13))] *= rng.uniform(1.4, 2.2)
    anomalies = sorted(int(x) for x in rng.integers(int(0.2 * n), n - per_day, int(rng.integers(1, 5))))
    anomalies = [a for i, a in enumerate(anomalies) if i == 0 or a - anomalies[i - 1] > per_day * 3]
    for at in anomalies:
        kind = str(rng.choice(["burst", "burst", "plateau", "ramp"]))
        shape = _shape(rng, kind, 12)[: n - at]
        rate[at:at + shape.size] += _excess(rng, kind, shape, lam[at:at + shape.size]) * float(rng.uniform(1.5, 4))
    if storms:
        rate += _storms(rng, lam, per_day)
    counts = rng.poisson(rate)
    width = int(0.1 * n / max(1, len(anomalies)))
    iso = lambda i: (start + timedelta(seconds=int(i) * step)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    windows = [[iso(max(0, a - width // 2)), iso(min(n - 1, a + width // 2))] for a in anomalies]
    return {"id": sid, "interval": "5m", "start": iso(0), "counts": counts.tolist(), "windows": windows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help="number of series")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--style", choices=["brand", "social", "storms"], default="brand")
    parser.add_argument("--out", default="-", help="JSONL file (default: stdout)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    makers = {"brand": make_series, "social": make_social,
              "storms": lambda rng, sid: make_social(rng, sid, storms=True)}
    make = makers[args.style]
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    with out:
        for i in range(args.n):
            out.write(json.dumps(make(rng, f"{args.style[0]}{args.seed}-{i:03d}")) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
