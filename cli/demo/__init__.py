"""Offline demo: hand-written sample mentions of three fictional brands, served as feeds from 127.0.0.1."""

from cli.demo.corpus import BRAND_NAMES, CORPUS
from cli.demo.feeds import FEED_SPECS, build_feed, demo_config
from cli.demo.server import DemoServer

__all__ = ["BRAND_NAMES", "CORPUS", "FEED_SPECS", "DemoServer", "build_feed", "demo_config"]
