"""``earful demo``: sample feeds served locally → collected → indexed → API, offline."""

from __future__ import annotations

import secrets
import shlex
import time
from urllib.parse import urlencode

from cli.helpers import say
from earful.config import parse_config
from earful.settings import Settings
from search.base import IndexBackend, SearchFilters, SearchRequest


def example_calls(index: IndexBackend) -> list[tuple[str, str, int]]:
    """(description, path, how many results it returns now) for the printed curl lines."""
    from earful.params import parse_query
    from search.filters import build_filters

    calls = []
    for description, params in (
        ("negative mentions of Acme in the last 7 days, newest first",
         {"brand": "acme", "sentiment": "negative", "since": "7d", "sort": "newest", "limit": "5"}),
        ("everything about outages or refunds, any brand, best matches first",
         {"q": "outage OR refund*", "limit": "5"}),
    ):
        listed = {name: [params[name]] if name in params else None for name in ("brand", "sentiment")}
        filters = build_filters(listed["brand"], None, None, listed["sentiment"], params.get("since"), None)
        found = index.search(SearchRequest(query=parse_query(params.get("q")), filters=filters, limit=1,
                                           highlight=False)).total
        calls.append((description, f"/api/v1/mentions?{urlencode(params)}", found))
    trend_params = {"brand": "acme", "interval": "day", "since": "21d", "tz": "Europe/Berlin"}
    total = index.count(None, SearchFilters(brands=["acme"]))
    calls.append(("Acme's daily volume and sentiment, Berlin days",
                  f"/api/v1/trends?{urlencode(trend_params)}", total))
    return calls


def run_demo(settings: Settings, *, port: int = 8000) -> int:
    """Serve the sample feeds, collect them, print how to query, then serve the API."""
    from cli.demo.feeds import demo_config
    from cli.demo.server import DemoServer
    from cli.serve import serve_api
    from workers.refine import open_refiner
    from workers.runtime import open_runtime
    from workers.scheduler import collect_all

    started = time.monotonic()
    api_key = settings.api_keys[0] if settings.api_keys else secrets.token_urlsafe(18)
    settings = settings.model_copy(update={"data_dir": settings.data_dir / "demo", "api_keys": [api_key]})
    with DemoServer() as feeds:
        config = parse_config(demo_config(feeds.base_url), file="<demo config>")
        say(f"demo: {len(config.brands)} fictional brands, {len(config.sources)} sample feeds on "
            f"{feeds.base_url}; index in {settings.es_url or settings.data_dir}")
        runtime = open_runtime(settings, config)
        stats = collect_all(runtime, config.sources, say)  # eight weeks of history: backfill never alerts
        feeds.release_live()
        say("demo: Acme Mobile is down again; new posts are appearing. Collecting again …")
        live = collect_all(runtime, config.sources, say)
    refiner = open_refiner(settings, runtime.index, config)
    if refiner is not None:
        refiner.run_once(say)
    say(f"collected in {time.monotonic() - started:.1f}s: {stats.summary()}; then {live.summary()}")
    base = f"http://127.0.0.1:{port}"
    auth = f"Authorization: Bearer {api_key}"
    say(f"\nDashboard:  {base}/   (it asks for the API key once)\nEarful API: {base}   (OpenAPI docs: {base}/docs)\n"
        f"API key:    {api_key}\nHeader:     {auth}\n\nTry:")
    for description, path, found in example_calls(runtime.index):
        say(f"  # {description} ({found} now)")
        say(f"  curl -s -H {shlex.quote(auth)} {shlex.quote(base + path)}")
    say("\nCtrl-C stops the demo.")
    try:
        serve_api(settings, runtime.index, "127.0.0.1", port, config=runtime.config, state=runtime.state)
    finally:
        runtime.close()
    return 0
