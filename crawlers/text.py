"""Plain text from the HTML that feeds and pages carry."""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup

_DROP_TAGS = ["script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg"]
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr",
    "ul"})
_CELL_TAGS = ["td", "th"]
_XML_DECL = re.compile(r"<\?xml[^>]*>", re.IGNORECASE)  # bs4 warns when a fragment starts with one
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def collapse(text: str) -> str:
    """Control characters out, runs of spaces to one, blank lines dropped."""
    lines = (" ".join(line.split()) for line in _CONTROL.sub(" ", text).splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(markup: str) -> str:
    """Readable text from an HTML fragment: block elements become line breaks."""
    if "<" not in markup:  # no tags: only entities to decode (and bs4 would warn "looks like a URL")
        return collapse(html.unescape(markup))
    soup = BeautifulSoup(_XML_DECL.sub("", markup), "lxml")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(_CELL_TAGS):
        tag.insert_after(" ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return collapse(soup.get_text())
