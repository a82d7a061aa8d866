"""Move every mention to indices built by the current template version, without downtime.

1. Install the new template and create the new first index, outside both aliases.
2. Copy every mention from the old indices, re-deriving each document with this Earful
   version (derived fields may have changed), then copy what was written meanwhile
   (by ``indexed_at``) until the remainder is small.
3. Swap both aliases to the new index in one atomic alias update.
4. Copy, create-only, what was written to the old indices during the swap.

Reads and writes keep working throughout. The old indices are left outside the aliases
(delete them with ``--delete-old`` once satisfied).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from elasticsearch import Elasticsearch

from search.elasticsearch import admin as es_admin
from search.elasticsearch import bulk as es_bulk
from search.elasticsearch.mapping import TEMPLATE_VERSION, IndexNames, from_source, to_source, version_of

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]
_PAGE = 1000
_MARGIN = timedelta(seconds=5)  # clock skew between writers and this process
_MAX_DELTA_ROUNDS = 5
_SMALL_DELTA = 1000


@dataclass
class MigrationResult:
    new_index: str | None
    old_indices: list[str] = field(default_factory=list)
    copied: int = 0  # mentions in the new index afterwards


def migrate(client: Elasticsearch, names: IndexNames, *, replicas: int | None = None,
            version: int = TEMPLATE_VERSION, delete_old: bool = False,
            progress: Progress = logger.info) -> MigrationResult:
    """Run the steps in the module doc; returns what moved where."""
    current = es_admin.alias_indices(client, names.read_alias)
    old = sorted(name for name in current if version_of(name, names) != version)
    if not current:
        es_admin.install_template(client, names, replicas, version)
        progress("no Earful indices yet; the template is installed and the first write creates the index")
        return MigrationResult(new_index=None)
    if not old:
        progress(f"every index behind {names.read_alias} already uses template v{version}; nothing to do")
        return MigrationResult(new_index=None)
    es_admin.install_template(client, names, replicas, version)
    target = f"{names.prefix}-mentions-v{version}-{_next_suffix(current, names, version)}"
    if not client.indices.exists(index=target):
        client.indices.create(index=target)
    result = MigrationResult(new_index=target, old_indices=old)
    progress(f"copying {_count(client, old)} mentions from {', '.join(old)} to {target} …")
    since: datetime | None = None
    for _ in range(_MAX_DELTA_ROUNDS):
        started = datetime.now(timezone.utc)
        copied = _copy(client, old, target, since, progress, create_only=False)
        since = started - _MARGIN
        if copied <= _SMALL_DELTA:
            break
    _swap(client, names, old, target)
    progress(f"aliases {names.read_alias} and {names.write_alias} now point to {target}")
    _copy(client, old, target, since, progress, create_only=True)
    client.indices.refresh(index=target)
    result.copied = _count(client, [target])
    if delete_old:
        client.indices.delete(index=",".join(old))
        progress(f"deleted {', '.join(old)}")
    else:
        progress(f"kept {', '.join(old)} outside the aliases; delete them once satisfied "
                 "(earful index migrate --delete-old next time, or DELETE /<index>)")
    return result


def _next_suffix(current: dict[str, Any], names: IndexNames, version: int) -> str:
    taken = [name.rsplit("-", 1)[-1] for name in current if version_of(name, names) == version]
    return f"{max([int(t) for t in taken if t.isdigit()] + [0]) + 1:06d}"


def _count(client: Elasticsearch, indices: list[str]) -> int:
    return int(client.count(index=",".join(indices))["count"])


def _copy(client: Elasticsearch, old: list[str], target: str, since: datetime | None,
          progress: Progress, *, create_only: bool) -> int:
    query: dict[str, Any] = ({"range": {"indexed_at": {"gte": since.isoformat()}}} if since
                             else {"match_all": {}})
    op = "create" if create_only else "index"
    copied = 0

    def actions() -> Iterator[dict[str, Any]]:
        nonlocal copied
        for source in _scan(client, old, query):
            mention = from_source(source)
            indexed_at = datetime.fromisoformat(source.get("indexed_at") or datetime.now(timezone.utc).isoformat())
            copied += 1
            if copied % 10_000 == 0:
                progress(f"  {copied} copied")
            yield {"_op_type": op, "_index": target, "_id": mention.id, "_source": to_source(mention, indexed_at)}

    result = es_bulk.write(client, actions())
    if create_only:  # a newer write already reached the new index: it wins
        result.failures = [f for f in result.failures if f.status != 409]
    es_bulk.check(result, copied)
    return copied


def _scan(client: Elasticsearch, indices: list[str], query: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every matching document of ``indices`` in one point-in-time snapshot."""
    pit = client.open_point_in_time(index=",".join(indices), keep_alive="5m")["id"]
    after: list[Any] | None = None
    try:
        while True:
            response = client.search(pit={"id": pit, "keep_alive": "5m"}, query=query, size=_PAGE,
                                     sort=[{"sort_key": "asc"}], track_total_hits=False, search_after=after)
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            yield from (hit["_source"] for hit in hits)
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]
    finally:
        client.options(ignore_status=404).close_point_in_time(id=pit)


def _swap(client: Elasticsearch, names: IndexNames, old: list[str], target: str) -> None:
    actions: list[dict[str, Any]] = [
        {"add": {"index": target, "alias": names.read_alias}},
        {"add": {"index": target, "alias": names.write_alias, "is_write_index": True}}]
    writers = es_admin.alias_indices(client, names.write_alias)
    actions += [{"remove": {"index": index, "alias": names.read_alias}} for index in old]
    actions += [{"remove": {"index": index, "alias": names.write_alias}} for index in old if index in writers]
    client.indices.update_aliases(actions=actions)
