"""The filter form every page shares: read from the query string, checked, and written back into links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from api.scope import Scope, scope
from earful.errors import BadRequest, QuerySyntaxError
from earful.params import MAX_QUERY_CHARS, parse_time, parse_zone
from earful.query import parse
from earful.query.fields import QUERY_FIELDS
from earful.state import StateStore

RANGES = {"24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", "90d": "last 90 days",
          "365d": "last 12 months", "all": "any time"}
SORTS = ("newest", "oldest", "relevance")
_SITE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,252}$")
TZ_COOKIE = "earful_tz"


@dataclass(frozen=True)
class QueryProblem:
    """A query that does not parse: the reason and the 0-based position the caret points at."""

    query: str
    reason: str
    position: int

    @property
    def before(self) -> str:
        return self.query[: self.position]

    @property
    def at(self) -> str:
        return self.query[self.position: self.position + 1] or " "

    @property
    def after(self) -> str:
        return self.query[self.position + 1:]


@dataclass(frozen=True)
class Filters:
    """What the viewer asked for, as typed; ``since``/``until`` give the API's values."""

    q: str = ""
    brand: str = ""
    source: str = ""
    site: str = ""
    lang: str = ""
    sentiment: str = ""
    range: str = ""
    start: str = ""  # a date (YYYY-MM-DD) in ``tz``; with ``end``, overrides ``range``
    end: str = ""  # inclusive date
    since_at: str = ""  # an exact window (a trend bucket's), ISO 8601; overrides the dates and ``range``
    until_at: str = ""
    sort: str = "newest"
    tz: str = "UTC"
    extra: dict[str, str] = field(default_factory=dict)  # page-specific values kept in links (interval, …)

    @property
    def zone(self) -> ZoneInfo:
        return parse_zone(self.tz)

    def problem(self) -> QueryProblem | None:
        """Why ``q`` does not parse (with the caret position), or None."""
        if len(self.q) > MAX_QUERY_CHARS:
            return QueryProblem(self.q[:200], f"the query is longer than {MAX_QUERY_CHARS} characters", 200)
        try:
            parse(self.q, fields=QUERY_FIELDS) if self.q.strip() else None
        except QuerySyntaxError as exc:
            return QueryProblem(self.q, exc.reason, exc.position)
        return None

    def query(self) -> str | None:
        """``q`` with the site filter added (sites are matched with their subdomains)."""
        site = f"site:{self.site}" if self.site else ""
        if self.q.strip() and site:
            return f"({self.q}) AND {site}"
        return self.q.strip() or site or None

    @property
    def active(self) -> int:
        """How many filters (beyond the query and the default period) are set."""
        return sum(bool(v) for v in (self.brand, self.source, self.site, self.lang, self.sentiment,
                                     self.start or self.end or self.exact))

    @property
    def exact(self) -> bool:
        return bool(self.since_at or self.until_at)

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The exact window's bounds, for showing it."""
        return parse_time(self.since_at or None, "since"), parse_time(self.until_at or None, "until")

    def since(self) -> str | None:
        if self.exact:
            return self.since_at or None
        if self.start or self.end:
            return self._day(self.start).isoformat() if self.start else None
        return None if self.range in ("", "all") else self.range

    def until(self) -> str | None:
        if self.exact:
            return self.until_at or None
        return (self._day(self.end) + timedelta(days=1)).isoformat() if self.end else None

    def scope(self, state: StateStore, *, sentiment: bool = True) -> Scope:
        """The query and filters, as every API route takes them (``sentiment=False``: all sentiments)."""
        return scope(state, q=self.query(), brand=self.listed("brand"), source=self.listed("source"),
                     lang=self.listed("lang"), sentiment=self.listed("sentiment") if sentiment else None,
                     since=self.since(), until=self.until())

    def api_params(self, **extra: str) -> dict[str, str]:
        """The same mentions as API query parameters (for an export link)."""
        values = {"q": self.query() or "", "brand": self.brand, "source": self.source, "lang": self.lang,
                  "sentiment": self.sentiment, "since": self.since() or "", "until": self.until() or ""}
        return {k: v for k, v in (values | extra).items() if v}

    def bucket_links(self, starts: list[datetime], until: datetime, **changes: str) -> list[str]:
        """Per bucket of a chart, the Mentions page for exactly its window (newest first)."""
        ends = starts[1:] + [until]
        keep = {name: "" for name in self.extra} | {"range": "", "start": "", "end": "", "sort": ""} | changes
        return [self.link("/mentions", since=a.isoformat(), until=b.isoformat(), **keep) for a, b in zip(starts, ends)]

    def listed(self, name: str) -> list[str] | None:
        """brand, source, lang or sentiment as the API takes it (None: no restriction)."""
        value: str = getattr(self, name)
        return [value] if value else None

    def params(self, **changes: str) -> dict[str, str]:
        """The non-default values, with ``changes`` applied (an empty value removes a parameter)."""
        values = {name: getattr(self, name) for name in ("q", "brand", "source", "site", "lang", "sentiment",
                                                          "range", "start", "end", "sort", "tz")}
        values |= {"since": self.since_at, "until": self.until_at} | self.extra
        values |= changes
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == "newest")}

    def link(self, path: str, **changes: str) -> str:
        params = self.params(**changes)
        return f"{path}?{urlencode(params)}" if params else path

    def _day(self, value: str) -> datetime:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise BadRequest(f"{value[:20]!r} is not a date: pick one or write YYYY-MM-DD") from None
        return datetime.combine(day, time(), tzinfo=self.zone)


def read_filters(params: QueryParams, cookies: dict[str, str], *, default_range: str = "all",
                 extra: tuple[str, ...] = ()) -> Filters:
    """The filters in a query string; bad values are left for the page to explain, never a crash."""
    def one(name: str, default: str = "") -> str:
        return ",".join(v.strip() for v in params.getlist(name) if v.strip())[:MAX_QUERY_CHARS + 1] or default

    site = one("site").lower().removeprefix("https://").removeprefix("http://").split("/")[0]
    if site and not _SITE.match(site):
        raise BadRequest(f"site={site[:40]!r} is not a host name: write it like example.com")
    sort = one("sort", "newest")
    tz = one("tz") or cookies.get(TZ_COOKIE, "") or "UTC"
    try:
        parse_zone(tz)
    except BadRequest:
        if one("tz"):
            raise
        tz = "UTC"  # a stale or tampered preference cookie
    return Filters(q=params.get("q", "")[:MAX_QUERY_CHARS + 1], brand=one("brand"), source=one("source"), site=site,
                   lang=one("lang"), sentiment=one("sentiment"), range=one("range") if one("range") in RANGES else default_range,
                   start=one("start"), end=one("end"), since_at=one("since"), until_at=one("until"), sort=sort if sort in SORTS else "newest",
                   tz=tz,
                   extra={name: one(name) for name in extra if one(name)})
