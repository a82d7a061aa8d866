"""Sensitivity presets and the detector's fixed tuning (documented in docs/alerts.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from earful.alerts.rules import SENSITIVITIES, TRIGGERS

__all__ = ["DETECTED", "PRESETS", "SENSITIVITIES", "TRIGGERS", "Sensitivity", "Tuning", "sensitivity"]
DETECTED = tuple(t for t in TRIGGERS if t != "new_mentions")  # new_mentions is every match: no detector


@dataclass(frozen=True)
class Sensitivity:
    """When a deviation becomes an incident: a score (robust z) and an effect size, both required."""

    name: str
    z: float  # the score a window must reach
    ratio: float  # observed at least this many times the expected count (spikes)
    share_gain: float  # negative share at least this much above the usual one (absolute, 0-1)
    min_count: int = 5  # never alert below this many mentions (negative mentions for negative triggers)

    @property
    def holding_ratio(self) -> float:
        """Half-way from 1 to ``ratio``: what keeps an incident open, or a rise counted as lasting."""
        return 1 + (self.ratio - 1) / 2


PRESETS: dict[str, Sensitivity] = {
    "low": Sensitivity("low", z=6.0, ratio=3.0, share_gain=0.2),
    "medium": Sensitivity("medium", z=4.5, ratio=2.0, share_gain=0.12),
    "high": Sensitivity("high", z=3.5, ratio=1.5, share_gain=0.08),
}


def sensitivity(name: str = "medium", threshold: float | None = None, min_count: int | None = None) -> Sensitivity:
    """A preset by name, with an explicit score threshold and/or minimum count overriding it."""
    if name not in PRESETS:
        raise ValueError(f"unknown sensitivity {name!r}; use one of {', '.join(SENSITIVITIES)}")
    chosen = PRESETS[name]
    if threshold is not None:
        if not 1.0 <= threshold <= 50.0:
            raise ValueError(f"threshold {threshold} is out of range; use a score between 1 and 50 (medium is 4.5)")
        chosen = replace(chosen, name=f"{name}@{threshold:g}", z=float(threshold))
    if min_count is not None:
        if min_count < 1:
            raise ValueError("min_count must be at least 1")
        chosen = replace(chosen, min_count=int(min_count))
    return chosen


@dataclass(frozen=True)
class Tuning:
    """How the baseline learns and how incidents behave; times in hours unless named otherwise."""

    warmup_days: float = 7.0  # no incident before this much history (each weekday once; and a brand's first
    # bursts, which real social volume shows within days, are its ordinary ones, not news)
    warmup_clip: float = 5.0  # in the warm-up, from the brand's second day, a count enters the baseline at most
    # this many times its expected count or its mean since its first mention, whichever is larger (plus clip_z
    # standard deviations; clip_z alone once grown)
    level_days: float = 7.0  # the recent level: this many days of ordinary buckets ...
    level_days_quiet: float = 28.0  # ... or more when they hold fewer than level_min_mentions
    level_min_mentions: float = 40.0
    profile_days: float = 28.0  # the weekly rhythm is learnt over this much history
    dispersion_days: float = 14.0
    min_dispersion: float = 0.03  # counts always wander with the news: at least ~17 % beyond Poisson noise
    refit_hours: float = 24.0  # rhythm and dispersion are re-learnt this often (6 h in the first week)
    max_scale_hours: float = 24.0  # longest window a spike is summed over
    min_expected: float = 0.3  # a window is scored only when it expects at least this many mentions
    quiet_relief: float = 0.5  # a volume spike opens on a score this much lower at a brand with quiet_full
    quiet_full: float = 5.0  # mentions a day or fewer (it has far fewer windows a day that could alarm by chance),
    quiet_from: float = 400.0  # less in proportion to the log of its mentions a day up to this many (none above)
    clip_z: float = 4.0  # counts above this score enter the baseline clipped
    keep_z: float = 2.5  # an open incident stays open while its score is at least this ...
    hold_hours: float = 2.0  # ... over its own window or one of up to this long ...
    resolve_hours: float = 0.5  # ... and resolves after this long back in the band
    cooldown_hours: float = 2.0  # a new detection this soon after resolving reopens the same incident
    continue_hours: float = 36.0  # ... as does one this soon after the last opened, if the rise has lasted since
    echo_hours: float = 24.0  # a busy brand's volume incident opened this recently sets the bar for its next one:
    echo_from: float = 400.0  # ... at this many mentions a day or more (a smaller burst the same day is its echo)
    shift_hours: float = 12.0 # a rise that holds this long becomes the new level (once, then re-baselined)
    shift_keep: float = 0.6  # ... provided its second half keeps this share of its first half's excess
    rise_z: float = 2.0  # an unalerted rise is adopted after a day with every quarter scoring this much above
    share_shift_hours: float = 24.0  # a negative share that holds this long becomes the usual one (a crisis of
    # a working day is not a new normal: adopting it would hide the next one)
    quiet_fraction: float = 0.05  # a bucket at or below this fraction of its expected count is quiet
    silence_min_expected: float = 6.0  # silence needs at least this many expected mentions gone missing ...
    silence_relief: float = 0.5  # ... and a score this much lower than a spike's (a miss costs more) ...
    silence_min_minutes: float = 10.0  # ... and this long (one empty 5-minute bucket is a hiccup) ...
    silence_quick: float = 0.0  # ... unless it scores this much past the spike threshold (a busy brand's empty bucket)
    lull_days: float = 14.0  # a silence expecting this many times the longest quiet run of these last days ...
    lull_factor: float = 2.0
    lull_min_expected: float = 6.0  # ... and at least this many mentions ...
    lull_relief: float = 0.5  # ... opens on a score this much lower still
    silence_quiet_relief: float = 0.5  # silence's scores are this much lower at quiet_full mentions a day or fewer,
    silence_quiet_from: float = 50.0  # less in proportion to the log of the mentions a day, none from this many
    share_min_mentions: float = 8.0   # a share is judged over windows with at least this many mentions
    share_z: float = 3.0  # a negative spike raised by its share must raise the negative count this far too ...
    share_z_alarm: float = 1.0  # ... or this far (it rose) while the share's CUSUM alarms too, ...
    share_leap: float = 1.0  # ... or at all where the share scores this much past the threshold ...
    count_share_relief: float = 0.5  # ... and one raised by its count, the share to the threshold less this
    leap: float = 5.0  # ... or, in a window expecting under one negative mention, one at twice the score and
    # this many times the preset's ratio, the share to share_z (a quiet brand's hour of complaints)
    run_count_z: float = 2.0  # a run the share's CUSUM alarms on opens a negative spike with its count scoring
    # share_z, or this much where the count also rose by the preset's ratio
    young_days: float = 14.0  # until this much history a volume incident needs a score above the brand's highest
    # daily peak so far (its bursts are not known yet: its first ones are mostly its ordinary ones)
    peak_days: float = 14.0  # a brand whose daily peak scores of these last days have a median past peak_gate ...
    peak_gate: float = 4.0
    peak_rank: int = 3  # ... opens a volume incident only above the peak_rank-th highest of them (its bursts are normal)
    cusum_days: float = 1000.0  # the share's CUSUM alarms by chance about once in this many days at medium, ...
    cusum_margin: float = 1.0  # ... judged against the usual share this many standard errors higher (a quiet
    # brand's usual share rests on few mentions, and a sum over many buckets would add up its error)


DEFAULT_TUNING = Tuning()
