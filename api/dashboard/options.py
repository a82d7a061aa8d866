"""The choices the filter forms offer: brands and sources from the config, languages found in the index."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from fastapi import Request

from api.dashboard.forms import RANGES, SORTS
from earful.config import AppConfig
from earful.sources import source_types
from search.base import IndexBackend, SearchFilters

ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Europe/Moscow", "Asia/Jerusalem", "Asia/Tehran", "Asia/Dubai",
         "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/New_York", "America/Chicago",
         "America/Los_Angeles", "America/Sao_Paulo")
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "ar": "Arabic", "he": "Hebrew", "fa": "Persian", "ru": "Russian",
    "de": "German", "fr": "French", "it": "Italian", "pt": "Portuguese", "hi": "Hindi", "tr": "Turkish",
    "nl": "Dutch", "pl": "Polish", "uk": "Ukrainian", "ja": "Japanese", "zh": "Chinese", "ko": "Korean",
    "ur": "Urdu", "id": "Indonesian", "sv": "Swedish"}
SENTIMENTS = (("negative", "negative"), ("neutral", "neutral"), ("positive", "positive"), ("unscored", "not scored"))
LANGS_TTL_S = 300.0
_langs_lock = threading.Lock()


@dataclass
class Options:
    brands: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    langs: list[tuple[str, str]]
    sentiments: tuple[tuple[str, str], ...] = SENTIMENTS
    ranges: dict[str, str] = field(default_factory=lambda: dict(RANGES))
    sorts: tuple[tuple[str, str], ...] = tuple((s, s) for s in SORTS)
    zones: tuple[str, ...] = ZONES


def brand_names(config: AppConfig) -> dict[str, str]:
    return {b.id: b.name or b.id for b in config.brands}


def _index_langs(index: IndexBackend) -> list[str]:
    result = index.aggregate(None, SearchFilters(), {"langs": {"terms": {"field": "lang", "size": 40}}})
    return [str(b["key"]) for b in result.get("langs", {}).get("buckets", []) if b.get("key")]


def languages(request: Request) -> list[str]:
    """Languages of the stored mentions, most frequent first; looked up at most every five minutes."""
    state = request.app.state
    with _langs_lock:
        cached = getattr(state, "dashboard_langs", None)
        if cached is None or time.monotonic() - cached[0] > LANGS_TTL_S:
            cached = state.dashboard_langs = (time.monotonic(), _index_langs(state.index))
    return list(cached[1])


def form_options(request: Request, config: AppConfig) -> Options:
    kinds = [(kind, f"every {kind} source") for kind in source_types()]
    named = [(s.name, s.name) for s in config.sources]
    langs = [(code, f"{LANGUAGE_NAMES.get(code, code)} ({code})") for code in languages(request)]
    return Options(brands=list(brand_names(config).items()), sources=named + kinds, langs=langs)
