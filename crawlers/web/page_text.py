"""A web page's own words: forum posts when it marks them up, else its main text, title, date, author."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from crawlers.pages.schema_org import Node, types_of, walk
from crawlers.pages.selectors import first_text, select, texts
from crawlers.pages.values import first, plain
from crawlers.text import html_to_text

POST_TYPES = frozenset({"DiscussionForumPosting", "SocialMediaPosting", "Comment", "Answer", "Question"})
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "Report", "TechArticle", "WebPage"})
_MAIN = ("//article", "//main", '//*[@role="main"]', '//*[@id="content"]', '//*[@id="main"]', "//body")
_BOILERPLATE = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template")


@dataclass
class Post:
    text: str
    title: str = ""
    author: str | None = None
    date: str | None = None
    url: str | None = None
    item_id: str | None = None


def posts_from_items(items: list[Node]) -> list[Post]:
    """Forum posts and comments marked up with schema.org, in page order."""
    posts = []
    for node, _parent in walk(items):
        if POST_TYPES.intersection(types_of(node)):
            text = plain(first(node, "text", "articleBody", "description"))
            if text:
                posts.append(_post(node, text))
    return posts


def _post(node: Node, text: str) -> Post:
    date = first(node, "datePublished", "dateCreated", "dateModified", "uploadDate")
    url = first(node, "url")
    return Post(text=text, title=plain(first(node, "headline", "name")), author=plain(first(node, "author")) or None,
                date=str(date) if date is not None else None, url=url if isinstance(url, str) else None,
                item_id=node["@id"] if isinstance(node.get("@id"), str) else None)


def posts_from_profile(page: Any, profile: Any) -> list[Post]:
    posts = []
    for item in select(page, profile.item) if profile.item else []:
        text = "\n".join(texts(item, profile.text)) if profile.text else plain(item.get())
        if text:
            posts.append(Post(text=text, title=first_text(item, profile.title) or "",
                              author=first_text(item, profile.author), date=first_text(item, profile.date)))
    return posts


def article_facts(items: list[Node]) -> dict[str, Any]:
    """Headline, author and date of the page's own Article/WebPage item, when it has one."""
    for node, _parent in walk(items):
        if ARTICLE_TYPES.intersection(types_of(node)):
            return {"title": plain(first(node, "headline", "name")),
                    "author": plain(first(node, "author")) or None,
                    "date": first(node, "datePublished", "dateCreated")}
    return {}


def main_text(root: Any) -> str:
    """Readable text of the main content element, navigation and other chrome left out."""
    for path in _MAIN:
        found = root.xpath(path)
        if found:
            element = max(found, key=lambda e: len(e.text_content() or ""))
            copy = lxml.html.fromstring(etree.tostring(element, encoding="unicode", method="html"))
            for junk in copy.xpath("|".join(f".//{tag}" for tag in _BOILERPLATE)):
                junk.drop_tree()  # keeps the text that follows the element
            text = html_to_text(etree.tostring(copy, encoding="unicode", method="html"))
            if text:
                return text
    return ""


def meta(response: Any, *names: str) -> str | None:
    for name in names:
        value = response.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content').get()
        if value and value.strip():
            return " ".join(value.split())
    return None
