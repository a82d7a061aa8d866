"""Column mappings for other tools' CSV exports: which of their columns fill which mention field.

A mapping file (YAML) names, per Earful field, the column (or candidate columns, first
non-empty wins) that holds it, and how to read dates and ratings::

    columns:
      published_at: Date            # required
      text: [Full Text, Snippet]    # required (or title)
      title: Title
      url: Url
      author: Author
      site: Domain
      lang: Language                # a hint; the language is detected anyway
      rating: Rating                # the raw rating, read as review pages' ratings are
      id: Mention Id                # their id; else the URL, else a hash of date, title and text
    date_format: "%d/%m/%Y %H:%M"   # strptime format; ISO 8601 when absent
    timezone: Europe/Berlin         # for dates without a zone (default UTC)
    rating_scale: 10                # best rating (default: guessed, as for review pages)

Without a file, :data:`GENERIC` recognises the usual header names of listening and review
tools (case and spacing ignored).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from earful.errors import ConfigError

FIELDS = ("id", "published_at", "title", "text", "url", "author", "site", "lang", "rating")


class ColumnMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: dict[str, list[str]]
    date_format: str | None = None
    timezone: str = "UTC"
    rating_scale: float | None = Field(default=None, gt=0)

    @field_validator("columns", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            unknown = set(value) - set(FIELDS)
            if unknown:
                raise ValueError(f"unknown fields {sorted(unknown)}; map any of {', '.join(FIELDS)}")
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. UTC, Europe/Berlin)") from None
        return value

    def resolve(self, header: list[str]) -> dict[str, list[str]]:
        """Field -> the header's columns for it, matched ignoring case and spacing."""
        by_key = {_key(name): name for name in header}
        found = {f: [by_key[_key(c)] for c in names if _key(c) in by_key] for f, names in self.columns.items()}
        found = {f: columns for f, columns in found.items() if columns}
        if "published_at" not in found or not ({"text", "title"} & set(found)):
            raise ConfigError(f"the CSV header {header[:12]} has no column for the date and the text or "
                              "title; write a mapping file (--mapping, see docs/export-import.md)")
        return found

    def published(self, text: str) -> datetime:
        """A date as the export writes it, in UTC."""
        text = text.strip()
        try:
            moment = (datetime.strptime(text, self.date_format) if self.date_format
                      else datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            expected = f"the format {self.date_format!r}" if self.date_format else "ISO 8601"
            raise ValueError(f"date {text[:40]!r} is not in {expected}; set date_format in a mapping "
                             "file") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(self.timezone))
        return moment.astimezone(timezone.utc)


def _key(name: str) -> str:
    return "".join(name.lower().split()).replace("_", "")


def pick(record: dict[str, str], columns: dict[str, list[str]]) -> dict[str, str]:
    """Field -> the first non-empty value among its columns."""
    out: dict[str, str] = {}
    for field, names in columns.items():
        value = next((record[n].strip() for n in names if (record.get(n) or "").strip()), "")
        if value:
            out[field] = value
    return out


GENERIC = ColumnMapping(columns={
    "id": ["id", "mention id", "guid", "resource id", "post id"],
    "published_at": ["published_at", "published", "date", "created_at", "created", "timestamp", "datetime",
                     "date published", "post date", "time"],
    "title": ["title", "headline", "subject"],
    "text": ["text", "full text", "content", "body", "message", "snippet", "review", "comment",
             "description"],
    "url": ["url", "link", "permalink", "original url"],
    "author": ["author", "author name", "username", "user", "screen name"],
    "site": ["site", "domain", "host", "source domain"],
    "lang": ["lang", "language"],
    "rating": ["rating", "stars", "star rating", "review rating"],
})


def load_mapping(path: Path | str) -> ColumnMapping:
    """A mapping file; a bad one is a ConfigError naming the file and the problem."""
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
        return ColumnMapping.model_validate(data)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the mapping file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not YAML ({exc})") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'mapping'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
