"""URL helpers shared by the collectors."""

from __future__ import annotations

from urllib.parse import urlsplit


def host(url: str | None) -> str | None:
    """The URL's host name, or None when there is none or the URL cannot be split."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None
