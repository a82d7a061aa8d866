"""Scrapy spiders (review sites, web pages) land here."""
