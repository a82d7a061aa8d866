"""What one spider run crawls: the source, its profile, the reviews already seen, Scrapy knobs.

A crawl is described by a JSON job file when a collector starts it, or by spider arguments
(``-a source=NAME`` from EARFUL_CONFIG, or ``-a url=... -a brand=...``) when run by hand.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.pages.source import PageSource
from earful.errors import ConfigError
from earful.models import utcnow
from earful.settings import Settings
from earful.sources import SiteProfile, find
from earful.state import StateStore

logger = logging.getLogger(__name__)

DEFAULT_REVIEW_PAGES = 20
MAX_SEEN = 50_000  # remembered review ids per source (the newest are kept)
STATE_PREFIX = "crawl:"


@dataclass
class CrawlJob:
    source: PageSource
    profile: SiteProfile | None = None
    seen: set[str] = field(default_factory=set)

    @property
    def start_urls(self) -> list[str]:
        urls = [str(u) for u in self.source.urls]
        if self.profile:
            urls += [str(u) for u in self.profile.start_urls if str(u) not in urls]
        return urls

    @property
    def max_pages(self) -> int:
        if self.source.max_pages is not None:
            return self.source.max_pages
        return self.profile.max_pages if self.profile else DEFAULT_REVIEW_PAGES

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source.model_dump(mode="json"),
                "profile": self.profile.model_dump(mode="json") if self.profile else None,
                "seen": sorted(self.seen)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CrawlJob:
        source = _source_model(str(data["source"].get("type"))).model_validate(data["source"])
        profile = SiteProfile.model_validate(data["profile"]) if data.get("profile") else None
        return cls(source, profile, set(data.get("seen") or []))


def job_from_arguments(kind: str, *, job: str | None = None, source: str | None = None,
                       url: str | None = None, brand: str | None = None, profile: str | None = None,
                       max_pages: str | None = None, sitemap: str | None = None,
                       settings: Settings | None = None) -> CrawlJob:
    """The crawl the spider arguments ask for; a ConfigError says what is missing."""
    if job:
        return CrawlJob.from_json(json.loads(Path(job).read_text(encoding="utf-8")))
    settings = settings or Settings()
    config = settings.app_config
    if source:
        found = next((s for s in config.sources if s.name == source), None)
        if found is None or found.type != kind:
            known = ", ".join(s.name for s in config.sources if s.type == kind) or "none"
            raise ConfigError(f"no {kind} source named {source!r} in EARFUL_CONFIG ({settings.config}); "
                              f"{kind} sources: {known}")
        assert isinstance(found, PageSource)
        chosen = config.profiles.get(found.profile) if found.profile else None
        return CrawlJob(found, chosen, load_seen_readonly(settings, found.name))
    if not url and not sitemap:
        raise ConfigError(f"give -a source=NAME (a {kind} source in EARFUL_CONFIG) or -a url=URL"
                          + (" -a brand=BRAND" if _source_model(kind).model_fields["brand"].is_required() else ""))
    if profile and profile not in config.profiles:
        raise ConfigError(f"unknown profile {profile!r}; profiles in EARFUL_CONFIG: "
                          f"{', '.join(config.profiles) or 'none'}")
    fields: dict[str, Any] = {"name": "adhoc", "urls": (url or "").split(), "profile": profile}
    if max_pages:
        fields["max_pages"] = int(max_pages)
    model = _source_model(kind)
    if model.model_fields["brand"].is_required() and not brand:
        raise ConfigError(f"a {kind} crawl needs -a brand=BRAND: its items belong to that brand")
    if "sitemaps" in model.model_fields:
        fields["sitemaps"] = (sitemap or "").split()
    made = model(type=kind, brand=brand, **fields)
    return CrawlJob(made, config.profiles.get(profile) if profile else None)


def _source_model(kind: str) -> type[PageSource]:
    found = find(kind)
    if found is None or not issubclass(found.model, PageSource):
        raise ConfigError(f"{kind!r} is not a source type crawled with Scrapy")
    return found.model


def scrapy_overrides(settings: Settings) -> dict[str, Any]:
    """Scrapy settings that follow Earful's settings object."""
    return {
        "USER_AGENT": settings.user_agent,
        "DOWNLOAD_MAXSIZE": settings.max_fetch_bytes,
        "DOWNLOAD_WARNSIZE": min(settings.max_fetch_bytes, 2 * 1024 * 1024),
        "DOWNLOAD_TIMEOUT": settings.fetch_timeout,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.crawl_concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.crawl_delay,
        "AUTOTHROTTLE_ENABLED": settings.crawl_autothrottle,
        "RETRY_TIMES": settings.crawl_retries,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout,
        "EARFUL_PARSE_WORKERS": "auto" if settings.crawl_parse_workers is None else settings.crawl_parse_workers,
    }


# --- reviews already seen, and the last aggregate ratings, per source --------------------------------

def state_key(source_name: str) -> str:
    return STATE_PREFIX + source_name


def load_seen(state: StateStore, source_name: str) -> set[str]:
    return set((state.get(state_key(source_name)) or {}).get("seen") or [])


def load_seen_readonly(settings: Settings, source_name: str) -> set[str]:
    """Seen ids straight from the SQLite state file, without creating it when it is missing."""
    import sqlite3

    path = settings.state_path
    if not path.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
            row = conn.execute("SELECT value FROM state WHERE key = ?", (state_key(source_name),)).fetchone()
        return set(json.loads(row[0]).get("seen") or []) if row else set()
    except (sqlite3.Error, ValueError, AttributeError) as exc:
        logger.warning("could not read seen reviews of %s from %s (%s); crawling as if new", source_name, path, exc)
        return set()


def remember(state: StateStore, source_name: str, delivered: list[str],
             aggregates: list[dict[str, Any]] | None = None) -> None:
    """Add delivered review ids (and the latest aggregate ratings) to the source's crawl state."""
    saved = state.get(state_key(source_name)) or {}
    new = set(delivered)
    seen = [i for i in saved.get("seen") or [] if i not in new] + list(dict.fromkeys(delivered))
    value = {**saved, "seen": seen[-MAX_SEEN:], "updated_at": utcnow().isoformat()}
    if aggregates:
        value["aggregates"] = aggregates
    state.set(state_key(source_name), value)
