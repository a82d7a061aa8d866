"""HTTP for collectors: ``fetch`` (one deadline, bounded decoding, guarded redirects) and its result."""

from crawlers.http.fetch import MAX_REDIRECTS, TOTAL_TIME_FACTOR, FetchResult, check_url, fetch
from crawlers.http.network import Cancelled, is_public

__all__ = ["MAX_REDIRECTS", "TOTAL_TIME_FACTOR", "Cancelled", "FetchResult", "check_url", "fetch", "is_public"]
