"""A site profile's selectors: CSS, or XPath when they start with ``/``, ``(`` or ``.``/``./``."""

from __future__ import annotations

from typing import Any

from parsel import Selector, SelectorList

from crawlers.pages.schema_org import text_of
from earful.errors import ConfigError


def is_xpath(expression: str) -> bool:
    return expression.lstrip().startswith(("/", "(", "./", "../"))


def select(page: Any, expression: str) -> SelectorList[Any]:
    """Nodes matching ``expression`` in a response or selector; a bad selector is a ConfigError."""
    expression = expression.strip()
    try:
        if is_xpath(expression):
            # Relative to an item: "//x" in a per-review selector means "inside this review".
            if isinstance(page, Selector) and expression.startswith("//") and page.root is not _root(page):
                expression = "." + expression
            return page.xpath(expression)
        return page.css(expression)
    except ValueError as exc:
        raise ConfigError(f"selector {expression!r} is not valid CSS or XPath ({exc}); fix the profile") from None


def _root(page: Selector) -> Any:
    root = page.root
    return root.getroottree().getroot() if hasattr(root, "getroottree") else root


def texts(page: Any, expression: str | None) -> list[str]:
    """Text of every match: attribute and text() results as they are, elements as their visible text."""
    if not expression:
        return []
    out = []
    for match in select(page, expression):
        root = match.root
        value = text_of(root) if hasattr(root, "iter") else " ".join(str(root).split())
        if value:
            out.append(value)
    return out


def first_text(page: Any, expression: str | None) -> str | None:
    found = texts(page, expression)
    return found[0] if found else None
