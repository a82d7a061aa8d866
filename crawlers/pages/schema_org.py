"""schema.org items from a page's JSON-LD, microdata and RDFa, as plain dicts.

A lean reader on the lxml tree Scrapy already parsed (no second parse, no RDF library):
every item becomes ``{"@type": [short names], "@syntax": ..., prop: value | [values]}`` with
nested items as dicts, so the three syntaxes are read by the same code downstream.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

logger = logging.getLogger(__name__)

Node = dict[str, Any]
_SEPARATORS = re.compile(r"[/#:]")
_TRAILING_COMMA = re.compile(r",\s*([\]}])")
_WRAPPER = re.compile(r"^\s*(?:<!--|<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:-->|\]\]>|//\s*\]\]>)\s*$")
_BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
                         "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
                         "p", "pre", "section", "table", "td", "th", "tr", "ul"})
_JSON_LD = etree.XPath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
_MICRODATA_ROOTS = etree.XPath("//*[@itemscope][not(@itemprop) or not(ancestor::*[@itemscope])]")
_RDFA_ROOTS = etree.XPath("//*[@typeof][not(@property) or not(ancestor::*[@typeof])]")
_BY_ID = etree.XPath("//*[@id=$ref]")
_URL_PROPS = {"a": "href", "area": "href", "link": "href", "audio": "src", "embed": "src", "iframe": "src",
              "img": "src", "source": "src", "track": "src", "video": "src", "object": "data"}


@lru_cache(maxsize=4096)
def _short(text: str) -> str:
    text = text.strip()
    return _SEPARATORS.split(text.rstrip("/#"))[-1] if text else ""


def short_name(name: object) -> str:
    """``http://schema.org/Review``, ``schema:Review``, ``Review`` → ``Review``."""
    return _short(name if isinstance(name, str) else str(name))


def types_of(node: Node) -> list[str]:
    value = node.get("@type", [])
    return [short_name(t) for t in (value if isinstance(value, list) else [value]) if t]


def page_markers(body: bytes, encoding: str) -> bytes | None:
    """The page's bytes lower-cased, for cheap "does it say X" checks; None where ASCII words
    cannot be found in the bytes (UTF-16 and UTF-32 pages)."""
    return None if encoding.lower().replace("-", "").startswith(("utf16", "utf32")) else body.lower()


def extract(root: Any, *, markers: bytes | None = None) -> list[Node]:
    """Top-level items of the page in document order: JSON-LD, then microdata, then RDFa.

    ``markers`` (from ``page_markers()``) lets a syntax be skipped when its attribute never occurs.
    """
    items = list(_json_ld(root)) if markers is None or b"ld+json" in markers else []
    if markers is None or b"itemscope" in markers:
        items.extend(_microdata(root))
    if markers is None or b"typeof" in markers:
        items.extend(_rdfa(root))
    return items


def walk(value: Any, parent: Node | None = None,
         seen: set[int] | None = None) -> Iterator[tuple[Node, Node | None]]:
    """Every item nested anywhere in ``value``, with the item it hangs under; each item once."""
    seen = set() if seen is None else seen
    if isinstance(value, list):
        for item in value:
            yield from walk(item, parent, seen)
    elif isinstance(value, dict):
        if id(value) in seen:
            return
        seen.add(id(value))
        if "@type" in value:
            yield value, parent
            parent = value
        for key, child in value.items():
            if key not in ("@type", "@context", "@syntax", "@id") and isinstance(child, list | dict):
                yield from walk(child, parent, seen)


# --- JSON-LD ---------------------------------------------------------------------------------------

def _json_ld(root: Any) -> Iterator[Node]:
    for script in _JSON_LD(root):
        text = script.text or ""
        data = _load_json(text)
        if data is None:
            if text.strip():
                logger.info("skipped a JSON-LD block that is not valid JSON (%d chars)", len(text))
            continue
        try:
            ids: dict[str, Node] = {}
            if _index_ids(data, ids):
                _link(data, ids)
        except RecursionError:
            logger.info("skipped a JSON-LD block nested too deeply to read")
            continue
        yield from _json_ld_nodes(data)


def _load_json(text: str) -> Any:
    text = _WRAPPER.sub("", text.strip())
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _json_ld_nodes(data: Any) -> Iterator[Node]:
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_nodes(item)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _json_ld_nodes(data["@graph"])
        if "@type" in data:
            yield data


def _index_ids(value: Any, ids: dict[str, Node]) -> int:
    """Typed nodes by their @id (each marked as JSON-LD); returns how many bare references there are."""
    refs = 0
    if isinstance(value, list):
        for item in value:
            refs += _index_ids(item, ids)
    elif isinstance(value, dict):
        if "@type" in value:
            value["@syntax"] = "json-ld"
            if isinstance(value.get("@id"), str):
                ids.setdefault(value["@id"], value)
        elif len(value) == 1 and "@id" in value:
            return 1
        for child in value.values():
            if isinstance(child, list | dict):
                refs += _index_ids(child, ids)
    return refs


def _link(data: Any, ids: dict[str, Node]) -> None:
    """Bare ``{"@id": ...}`` references replaced, in place, by the node they name.

    The node itself, not a copy: ``walk`` then meets it once, whichever way it is reached.
    """
    stack, done = [data], set()
    while stack:
        value = stack.pop()
        if id(value) in done:
            continue
        done.add(id(value))
        if isinstance(value, dict):
            for key, child in value.items():
                value[key] = _target(child, ids)
                stack.append(child)
        elif isinstance(value, list):
            for i, child in enumerate(value):
                value[i] = _target(child, ids)
                stack.append(child)


def _target(value: Any, ids: dict[str, Node]) -> Any:
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("@id"), str):
        return ids.get(value["@id"], value)
    return value


# --- microdata -------------------------------------------------------------------------------------

def _microdata(root: Any) -> Iterator[Node]:
    for element in _MICRODATA_ROOTS(root):
        yield _micro_item(element, root, 0)


def _add(node: Node, names: str, value: Any) -> None:
    for name in names.split():
        key = short_name(name)
        if not key:
            continue
        if key in node:
            existing = node[key]
            node[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            node[key] = value


def _micro_item(element: Any, root: Any, depth: int) -> Node:
    node: Node = {"@type": [short_name(t) for t in (element.get("itemtype") or "").split()],
                  "@syntax": "microdata"}
    if element.get("itemid"):
        node["@id"] = element.get("itemid")
    scopes = [element]
    for ref in (element.get("itemref") or "").split():
        scopes.extend(_BY_ID(root, ref=ref))
    for scope in scopes:
        children = [scope] if scope is not element else list(scope)
        for child in children:
            _micro_props(child, node, root, depth)
    return node


def _micro_props(element: Any, node: Node, root: Any, depth: int) -> None:
    if not isinstance(element.tag, str):
        return
    prop = element.get("itemprop")
    nested = element.get("itemscope") is not None
    if prop:
        value = _micro_item(element, root, depth + 1) if nested and depth < 12 else _value(element)
        _add(node, prop, value)
    if not nested:
        for child in element:
            _micro_props(child, node, root, depth)


def _value(element: Any) -> str:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    for attribute in ("content",):
        if element.get(attribute) is not None:
            return str(element.get(attribute)).strip()
    if tag in _URL_PROPS and element.get(_URL_PROPS[tag]) is not None:
        return str(element.get(_URL_PROPS[tag])).strip()
    if tag in ("data", "meter") and element.get("value") is not None:
        return str(element.get("value")).strip()
    if tag == "time" and element.get("datetime") is not None:
        return str(element.get("datetime")).strip()
    return text_of(element)


def text_of(element: Any) -> str:
    """An element's visible text, whitespace collapsed (scripts and styles left out)."""
    parts: list[str] = []
    _collect_text(element, parts, 0)
    return " ".join("".join(parts).split())


def _collect_text(element: Any, parts: list[str], depth: int) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not tag or tag in ("script", "style", "template") or depth > 200:
        return
    block = tag in _BLOCK_TAGS
    if block:
        parts.append(" ")
    if element.text:
        parts.append(element.text)
    for child in element:
        _collect_text(child, parts, depth + 1)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append(" ")


# --- RDFa (the schema.org "RDFa Lite" subset: vocab, typeof, property, resource, content) ----------

def _rdfa(root: Any) -> Iterator[Node]:
    for element in _RDFA_ROOTS(root):
        yield _rdfa_item(element, 0)


def _rdfa_item(element: Any, depth: int) -> Node:
    node: Node = {"@type": [short_name(t) for t in (element.get("typeof") or "").split()], "@syntax": "rdfa"}
    if element.get("resource") or element.get("about"):
        node["@id"] = element.get("resource") or element.get("about")
    for child in element:
        _rdfa_props(child, node, depth)
    return node


def _rdfa_props(element: Any, node: Node, depth: int) -> None:
    if not isinstance(element.tag, str):
        return
    prop = element.get("property")
    nested = element.get("typeof") is not None
    if prop:
        if nested and depth < 12:
            value: Any = _rdfa_item(element, depth + 1)
        elif element.get("content") is not None:
            value = element.get("content").strip()
        elif element.get("resource") is not None:
            value = element.get("resource").strip()
        else:
            value = _value(element)
        _add(node, prop, value)
    if not nested:
        for child in element:
            _rdfa_props(child, node, depth)


def parse_html(body: bytes | str, encoding: str = "utf-8") -> Any:
    """The page's lxml root, parsed straight from its bytes; None when there is no document.

    Cheaper than a parsel Selector, which decodes the body and encodes it again before parsing.
    """
    try:
        if isinstance(body, str):
            return etree.fromstring(body.replace("\x00", ""), _parser(None))
        if b"\x00" in body:
            body = body.replace(b"\x00", b"")
        return etree.fromstring(body, _parser(encoding))
    except (etree.ParserError, etree.XMLSyntaxError, LookupError, ValueError):
        return None


@lru_cache(maxsize=64)
def _parser(encoding: str | None) -> etree.HTMLParser:
    """One parser per encoding, under libxml2's own name for it.

    libxml2 decodes "UTF-8" natively but sends "utf-8" (Scrapy's spelling) through iconv,
    which makes the whole parse about 60 % slower.
    """
    if encoding is None:
        return etree.HTMLParser(recover=True)
    name = codecs.lookup(encoding).name
    native = {"utf-8": "UTF-8", "latin-1": "ISO-8859-1", "iso8859-1": "ISO-8859-1", "ascii": "US-ASCII"}
    return etree.HTMLParser(recover=True, encoding=native.get(name, encoding))
