"""The next page of a listing: a profile's selector, else rel=next (link or anchor)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

from lxml import etree
from scrapy.http import TextResponse

from crawlers.pages.selectors import select

_WITH_REL = (etree.XPath("//link[@rel][@href]"), etree.XPath("//a[@rel][@href]"))


def next_page_url(response: TextResponse, selector: str | None = None, root: Any = None,
                  markers: bytes | None = None) -> str | None:
    """Absolute URL of the next page, or None; never the page itself.

    ``root``: the page's lxml tree when the caller parsed it already; ``markers``: the page's
    lower-cased bytes (``schema_org.page_markers``), to skip pages that never say "next".
    """
    href: str | None = None
    if selector:
        # A selector may point at the link element or straight at its href.
        for match in select(response, selector):
            node = match.root
            href = node.get("href") if hasattr(node, "get") and hasattr(node, "tag") else str(node)
            if href:
                break
    if not href and (markers is None or b"next" in markers):
        href = rel_next(root if root is not None else response.selector.root)
    if not href or not href.strip() or href.strip().lower().startswith(("javascript:", "mailto:", "#")):
        return None
    target = urldefrag(response.urljoin(href.strip()))[0]
    if not target.startswith(("http://", "https://")) or target == urldefrag(response.url)[0]:
        return None
    return target


def rel_next(root: Any) -> str | None:
    """The href of the first ``<link>`` or ``<a>`` with rel="next" (rel is a space-separated list)."""
    for path in _WITH_REL:
        for element in path(root):
            if "next" in element.get("rel", "").lower().split():
                return str(element.get("href"))
    return None
