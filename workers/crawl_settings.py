"""Scrapy settings for crawls run by hand (``scrapy crawl``, through scrapy.cfg): the spiders'
settings, and items delivered to processing instead of to a collector's file."""

from __future__ import annotations

from crawlers.settings import *  # noqa: F403  (Scrapy reads a settings module's UPPERCASE names)

EARFUL_SINK = "workers.crawl_sink.RuntimeSink"
