"""The one settings object: environment variables prefixed ``EARFUL_``."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from earful import __version__
from earful.config import AppConfig, load_config


class Settings(BaseSettings):
    """Runtime settings. Secrets come only from the environment, never from the YAML."""

    model_config = SettingsConfigDict(env_prefix="EARFUL_", extra="ignore")

    data_dir: Path = Path("./earful-data")
    config: Path | None = None  # YAML with brands, sources (and later alert rules)
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)

    host: str = "127.0.0.1"
    port: int = 8000

    user_agent: str = f"Earful/{__version__} (social listening; +https://github.com/earful/earful)"
    fetch_timeout: float = 20.0  # seconds, connect and read
    max_fetch_bytes: int = 10 * 1024 * 1024  # larger responses are refused (source error too_large)
    fetch_workers: int = 4  # sources fetched in parallel

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

    # Redis: setting redis_url sends collected batches to RQ workers instead of processing inline
    redis_url: str | None = None

    batch_size: int = 2000  # mentions per processing batch (one index commit each)
    positive_threshold: float = 0.1  # score above this is positive
    negative_threshold: float = -0.1  # score below this is negative

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @cached_property
    def app_config(self) -> AppConfig:
        """Brands and sources from ``EARFUL_CONFIG``; empty when no file is set."""
        if self.config is None:
            return AppConfig()
        return load_config(self.config)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.sqlite3"
