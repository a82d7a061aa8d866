"""How much more often a term occurs in the chosen mentions than in the background (JLH).

The score is Elasticsearch's default for significant_terms and significant_text, JLH:
with fg% = foreground docs with the term / foreground docs and bg% = the same in the
background (which contains the foreground, as Elasticsearch's does),
``score = (fg% − bg%) × (fg% / bg%)`` when fg% > bg%, else 0. The absolute change keeps
rare flukes down, the relative change lifts what is new. Both backends only supply counts;
the score is always computed here, so they rank alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TermCounts:
    term: str
    fg: int  # foreground documents (in the sample) holding the term
    bg: int  # background documents holding it (the background includes the foreground)


@dataclass
class ThemeCounts:
    """Counts for candidate terms; ``fg_size`` is the sample size, ``fg_total`` all foreground docs."""

    fg_size: int
    fg_total: int
    bg_size: int
    terms: list[TermCounts] = field(default_factory=list)


def jlh(fg: int, fg_size: int, bg: int, bg_size: int) -> float:
    """Elasticsearch's JLH score; 0 when the term is no more frequent in the foreground."""
    if fg_size <= 0 or bg_size <= 0 or bg <= 0:
        return 0.0
    fg_pct, bg_pct = fg / fg_size, bg / bg_size
    if fg_pct <= bg_pct:
        return 0.0
    return (fg_pct - bg_pct) * (fg_pct / bg_pct)


def ranked(counts: ThemeCounts, *, size: int, min_count: int) -> list[tuple[TermCounts, float]]:
    """The ``size`` best terms by score (ties: more foreground docs, then the term), score > 0."""
    scored = [(t, jlh(t.fg, counts.fg_size, t.bg, counts.bg_size)) for t in counts.terms if t.fg >= min_count]
    scored = [(t, round(score, 9)) for t, score in scored if score > 0]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].fg, pair[0].term))
    return scored[:size]
