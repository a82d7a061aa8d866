"""Scrapy spiders: ``reviews`` (the review source type) and ``web``, on a shared base."""
