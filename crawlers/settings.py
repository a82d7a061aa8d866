"""Scrapy's own settings for Earful's spiders: polite by default.

Earful's settings object (earful.settings.Settings) stays the one place for Earful's
configuration; these are Scrapy's UPPERCASE knobs.
"""

from __future__ import annotations

from earful import __version__

BOT_NAME = "earful"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = f"Earful/{__version__} (social listening; +https://github.com/earful/earful)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Items a page yields are handled by this many tasks at once; Scrapy's default (100) starts
# 100 asyncio tasks per response, which costs more than our few cheap items per page.
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening port in a collector's child process
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Scrapy's RetryMiddleware, swapped for one that backs off between attempts.
# Scrapy's RobotsTxtMiddleware, swapped for one that checks every request waiting on robots.txt.
DOWNLOADER_MIDDLEWARES = {
    "crawlers.redirect_guard.RedirectGuardMiddleware": 50,  # before anything spends effort on the request
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.SharedRobotsTxtMiddleware": 100,
}
REDIRECT_MAX_TIMES = 5  # as for feeds
RETRY_BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each time
RETRY_BACKOFF_MAX = 30.0
ITEM_PIPELINES = {"crawlers.pipelines.MentionPipeline": 300}
LOG_FORMATTER = "crawlers.logformatter.EarfulLogFormatter"
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 15.0
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
