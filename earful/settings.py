"""The one settings object: environment variables prefixed ``EARFUL_``."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from earful import __version__
from earful.config import AppConfig, load_config
from earful.errors import ConfigError

# The languages of the tweets the e5-social head was trained on; it is their default scorer.
SOCIAL_HEAD_LANGUAGES = ("ar", "de", "en", "es", "fr", "hi", "it", "pt")


class Settings(BaseSettings):
    """Runtime settings. Secrets come only from the environment, never from the YAML."""

    model_config = SettingsConfigDict(env_prefix="EARFUL_", extra="ignore")

    data_dir: Path = Path("./earful-data")
    config: Path | None = None  # YAML with brands, sources (and later alert rules)
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # signs paging cursors; default: a random key generated into the data directory (cursor.key)
    cursor_secret: SecretStr | None = Field(default=None, min_length=32)

    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8000, ge=1, le=65535)
    session_hours: float = Field(default=168.0, gt=0)  # a dashboard sign-in lasts this long
    # processes serving the API on the one port; None: one per core, at most 4 (cli/serve.py)
    api_processes: int | None = Field(default=None, ge=1, le=64)
    # reverse proxies whose X-Forwarded-Proto/-For are believed (IPs or "*"); none: the headers are ignored
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    user_agent: str = f"Earful/{__version__} (social listening; +https://github.com/earful/earful)"
    # seconds a fetch may wait for the server; a whole request (every redirect, headers and body) gets 3×
    fetch_timeout: float = Field(default=20.0, gt=0, le=600, allow_inf_nan=False)
    # larger responses, once decoded, are refused (source error too_large)
    max_fetch_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=1 << 30)
    fetch_workers: int = Field(default=4, ge=1, le=64)  # sources fetched in parallel

    # Scrapy crawls (reviews and web sources)
    crawl_concurrency_per_domain: int = Field(default=4, ge=1, le=64)  # parallel requests to one site
    crawl_delay: float = Field(default=0.25, ge=0.0, le=3600, allow_inf_nan=False)  # seconds between requests to one site
    crawl_autothrottle: bool = True  # slow down further when the site answers slowly
    crawl_retries: int = Field(default=3, ge=0, le=10)  # retries of 5xx/429/timeouts, with growing waits
    crawl_timeout: int = Field(default=3600, ge=10)  # a crawl is stopped after this many seconds
    # processes reading review pages beside Scrapy's own (None: one per spare core, up to 4; 0: none)
    crawl_parse_workers: int | None = Field(default=None, ge=0, le=64)

    # Reddit (read-only API access; an "app" of type script at reddit.com/prefs/apps)
    reddit_client_id: str | None = None
    reddit_client_secret: SecretStr | None = None
    reddit_oauth_url: str = "https://oauth.reddit.com"
    reddit_url: str = "https://www.reddit.com"
    reddit_short_url: str = "https://redd.it"

    # Elasticsearch: setting es_url switches every read and write from the embedded index to it
    es_url: str | None = None
    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_certs: Path | None = None  # CA bundle for a self-signed cluster certificate
    es_verify_certs: bool = True
    es_index_prefix: str = "earful"
    es_timeout: float = Field(default=30.0, gt=0, le=600, allow_inf_nan=False)  # seconds per request
    es_rollover_max_age: str = "30d"  # the write index rolls over when older than this …
    es_rollover_max_size: str = "50gb"  # … or when its primary shard is larger than this
    es_replicas: int | None = Field(default=None, ge=0, le=100)  # replicas per index; None: cluster default

    # Redis: setting redis_url sends collected batches to RQ workers instead of processing inline
    # and keeps crawl state in Redis, so the API, workers and one scheduler can run apart
    redis_url: str | None = None
    mention_queue: str = Field(default="mentions", min_length=1)  # RQ queue that collected batches go to
    worker_queues: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["mentions"])
    job_retries: int = Field(default=3, ge=0, le=100)  # a failed job is retried this often, then kept as failed
    job_retry_intervals: Annotated[list[Annotated[int, Field(ge=0, le=86_400)]], NoDecode] = Field(
        default_factory=lambda: [10, 60, 300])
    job_timeout: int = Field(default=900, ge=10, le=86_400)  # seconds one batch may take in a worker

    batch_size: int = Field(default=2000, ge=1, le=100_000)  # mentions per processing batch (one index commit each)
    positive_threshold: float = Field(default=0.1, ge=-1, le=1, allow_inf_nan=False)  # score above this is positive
    negative_threshold: float = Field(default=-0.1, ge=-1, le=1, allow_inf_nan=False)  # score below this is negative

    # Sentiment: "lang:scorer,…" with "*" for every other language (scorers: textblob, vader, e5,
    # e5-social, e5-mlp; e5-social adds a head trained on tweets, the default for their languages).
    # Slow scorers (e5*) run in the background refiner; at intake a language gets its
    # provisional scorer's score (or none) until refined. Neutral bands: "lang:0.2,…", |score| ≤ band
    # is neutral for that language's scorer (else the scorer's own band, else the thresholds above).
    sentiment_scorers: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: {**dict.fromkeys(SOCIAL_HEAD_LANGUAGES, "e5-social"), "*": "e5"})
    sentiment_provisional_scorers: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: {"en": "vader"})
    sentiment_neutral_bands: Annotated[dict[str, float], NoDecode] = Field(default_factory=dict)
    sentiment_refine: bool = True  # False: slow scorers run inline at intake (no background refiner)
    refine_batch_size: int = Field(default=64, ge=1, le=10_000)  # mentions per refine batch (one index write)

    # Alert delivery: smtp://user:pass@host:587 (STARTTLS when offered; ?starttls=require insists),
    # smtps://user:pass@host:465 (TLS from the start); unset: email channels wait until it is set
    smtp_url: SecretStr | None = None
    mail_from: str = "earful@localhost"  # the From address of alert mail
    public_url: str = "http://127.0.0.1:8000"  # where people reach the API (links in alert mail)
    webhook_secret: SecretStr | None = None  # signs webhooks that name no secret of their own
    smtp_timeout: float = Field(default=10.0, gt=0, le=120, allow_inf_nan=False)  # seconds per SMTP step
    # a delivery attempt holds a lease this long (renewed while it goes on); after a crash, the wait before a retry
    delivery_lease: float = Field(default=30.0, ge=1, le=3600, allow_inf_nan=False)

    @field_validator("smtp_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value  # `EARFUL_SMTP_URL=` in an env file: not configured

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from urllib.parse import urlsplit

            parts = urlsplit(value.get_secret_value())
            try:
                _ = parts.port
            except ValueError:
                raise ValueError("has a port that is not a number; use smtp://user:pass@host:587") from None
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ValueError("must look like smtp://user:pass@host:587 or smtps://user:pass@host:465 "
                                 "(user and password percent-encoded)")
            if parts.query and parts.query not in ("starttls=require", "starttls=never", "starttls=auto"):
                raise ValueError("takes only ?starttls=require, ?starttls=never or ?starttls=auto")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", value):
            raise ValueError("must be a bare email address like alerts@example.com")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError("must be the http(s) address people reach the API at, like https://earful.example.com")
        return value.rstrip("/")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            keys = [key.strip() for key in value.split(",") if key.strip()]
            if not keys:  # set but empty would silently mean "no authentication"
                raise ValueError("is set but holds no key; give comma-separated keys, or unset it to serve "
                                 "without authentication (loopback only)")
            return keys
        return value

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> Settings:
        if self.negative_threshold > self.positive_threshold:
            raise ValueError(f"negative_threshold ({self.negative_threshold}) must not be above "
                             f"positive_threshold ({self.positive_threshold})")
        return self

    @field_validator("worker_queues", "job_retry_intervals", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("sentiment_scorers", "sentiment_provisional_scorers", "sentiment_neutral_bands",
                     mode="before")
    @classmethod
    def _split_mapping(cls, value: object) -> object:
        """"en:e5,*:e5" → {"en": "e5", "*": "e5"}; an empty string is an empty mapping."""
        if not isinstance(value, str):
            return value
        pairs = [item.split(":", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
            raise ValueError(f"expected 'lang:value,…' (e.g. 'en:e5,*:e5'), got {value!r}")
        return {lang.strip(): choice.strip() for lang, choice in pairs}

    @cached_property
    def app_config(self) -> AppConfig:
        """Brands and sources from ``EARFUL_CONFIG``; empty when no file is set."""
        if self.config is None:
            return AppConfig()
        return load_config(self.config)

    def ensure_data_dir(self) -> Path:
        """The data directory, created if needed; a ConfigError says why it cannot be written."""
        probe = self.data_dir / f".write-test-{os.getpid()}"
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise ConfigError(f"EARFUL_DATA_DIR={self.data_dir} cannot be written ({exc.strerror or exc}); "
                              "choose a directory this user can write, or fix its permissions") from None
        return self.data_dir

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.sqlite3"
