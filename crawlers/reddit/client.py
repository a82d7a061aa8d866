"""The PRAW client built from settings, and PRAW/prawcore errors translated into SourceErrors."""

from __future__ import annotations

import logging
import time
from typing import Any

import praw
import prawcore

from earful.errors import SourceError
from earful.settings import Settings

logger = logging.getLogger(__name__)

FATAL_KINDS = frozenset({"auth", "rate_limited", "config"})  # the rest of the run would fail the same way
_CREDENTIALS_HELP = ("set EARFUL_REDDIT_CLIENT_ID and EARFUL_REDDIT_CLIENT_SECRET (create an app of type "
                     "'script' at https://www.reddit.com/prefs/apps; its id is under the app's name)")


def make_reddit(settings: Settings) -> praw.Reddit:
    """A read-only PRAW client pointed at the settings' API URLs."""
    secret = settings.reddit_client_secret.get_secret_value() if settings.reddit_client_secret else ""
    if not settings.reddit_client_id or not secret:
        raise SourceError(f"Reddit credentials are missing: {_CREDENTIALS_HELP}", kind="config")
    return praw.Reddit(
        client_id=settings.reddit_client_id, client_secret=secret, user_agent=settings.user_agent,
        oauth_url=settings.reddit_oauth_url.rstrip("/"), reddit_url=settings.reddit_url.rstrip("/"),
        short_url=settings.reddit_short_url.rstrip("/"), timeout=max(1, int(settings.fetch_timeout)),
        check_for_updates=False, check_for_async=False)


def rate_limit_wait(reddit: praw.Reddit) -> float | None:
    """Seconds Reddit asked us to wait when the request budget of this window is spent, else None."""
    limiter = getattr(getattr(reddit, "_core", None), "_rate_limiter", None)
    remaining = getattr(limiter, "remaining", None)
    next_ns = getattr(limiter, "next_request_timestamp_ns", None)
    if remaining is None or remaining > 0 or next_ns is None:
        return None
    return max(1.0, (next_ns - time.monotonic_ns()) / 1e9)


def _header_seconds(headers: Any, name: str) -> float | None:
    try:
        value = float(headers.get(name))
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


def _status_kind(status: int) -> str:
    if status == 401:
        return "auth"
    if status in (403, 451):
        return "forbidden"
    if status in (404, 410):
        return "not_found"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server"
    return "bad_request"


def _advice(kind: str) -> str:
    return {
        "auth": "check EARFUL_REDDIT_CLIENT_ID and EARFUL_REDDIT_CLIENT_SECRET (a 'script' app's id and secret)",
        "forbidden": "the subreddit is private, quarantined or banned; remove it from the source",
        "not_found": "check the subreddit's spelling, or remove it from the source",
        "rate_limited": "the next run waits as long as Reddit asked",
        "server": "Reddit is having trouble; the next run tries again",
        "bad_request": "Reddit rejected the request; simplify the brand's query",
        "connection": "check the network and EARFUL_REDDIT_OAUTH_URL / EARFUL_REDDIT_URL",
        "parse": "Reddit answered with something that is not its API's JSON; the next run tries again",
    }.get(kind, "the next run tries again")


def translate(exc: Exception, what: str) -> SourceError:
    """A SourceError for a PRAW/prawcore failure while fetching ``what`` (kind, advice, retry_after)."""
    retry_after: float | None = None
    response = getattr(exc, "response", None)
    if isinstance(exc, prawcore.Redirect):
        # Reddit redirects a missing subreddit to its search page.
        kind, detail = "not_found", f"redirected to {exc.path}"
    elif isinstance(exc, prawcore.OAuthException):
        kind, detail = "auth", str(exc)
    elif isinstance(exc, prawcore.BadJSON):
        kind, detail = "parse", "the reply is not JSON"
    elif isinstance(exc, prawcore.ResponseException) and response is not None:
        kind, detail = _status_kind(response.status_code), f"HTTP {response.status_code}"
        if kind in ("rate_limited", "server"):
            headers = response.headers
            retry_after = (_header_seconds(headers, "retry-after")
                           or _header_seconds(headers, "x-ratelimit-reset"))
    elif isinstance(exc, prawcore.RequestException):
        kind, detail = "connection", str(exc.original_exception)
    elif isinstance(exc, praw.exceptions.RedditAPIException):
        kind, detail = "bad_request", str(exc)
    else:
        kind, detail = "parse", f"{type(exc).__name__}: {exc}"
    wait = f" (Reddit asked to wait {retry_after:.0f} s)" if retry_after else ""
    return SourceError(f"Reddit {what}: {detail}{wait}; {_advice(kind)}", kind=kind, retry_after=retry_after)
