"""Plain values from schema.org nodes: the first of several keys, text without entities or markup."""

from __future__ import annotations

import html
from typing import Any

from crawlers.pages.schema_org import Node
from crawlers.text import collapse, html_to_text


def first(node: Node | None, *keys: str) -> Any:
    """The first value of the first key present; lists give their first element."""
    if not isinstance(node, dict):
        return None
    for key in keys:
        value = node.get(key)
        while isinstance(value, list):
            value = value[0] if value else None
        if value is not None and value != "":
            return value
    return None


def plain(value: Any) -> str:
    """Text from a value that may be a node with a name, a list, or a string with entities/markup."""
    if isinstance(value, list):
        return ", ".join(filter(None, (plain(v) for v in value)))
    if isinstance(value, dict):
        value = first(value, "name", "alternateName", "@value", "text") or ""
    if value is None:
        return ""
    text = str(value)
    if "<" in text and ">" in text:
        return html_to_text(text)
    return collapse(html.unescape(text))
