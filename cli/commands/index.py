"""``earful index``: status of the index, rollover and migration to a new template version."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.helpers import load_settings, say
from earful.settings import Settings


def _size(num: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if num < 1024 or unit == "TB":
            return f"{num:.0f} {unit}" if unit == "B" else f"{num:.1f} {unit}"
        num /= 1024
    return f"{num:.1f} TB"


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def _embedded_status(settings: Settings) -> int:
    from search.base import SearchFilters
    from search.factory import open_index

    index = open_index(settings, writable=False)
    try:
        docs = index.count(filters=SearchFilters(include_duplicates=True))
        originals = index.count()
    finally:
        index.close()
    print(f"embedded index  {settings.index_dir}")
    print(f"mentions        {docs} ({docs - originals} exact copies)")
    print(f"size            {_size(_dir_size(settings.index_dir))}")
    return 0


def _es_status(settings: Settings) -> int:
    from search.elasticsearch import admin as es_admin
    from search.elasticsearch.client import connect, display_url
    from search.elasticsearch.errors import translate_errors
    from search.elasticsearch.mapping import TEMPLATE_VERSION, IndexNames

    names = IndexNames(settings.es_index_prefix)
    url = display_url(settings.es_url or "")
    client = connect(settings)
    try:
        with translate_errors(url, "read the index status"):
            infos = es_admin.status(client, names)
    finally:
        client.close()
    print(f"Elasticsearch   {url}  (read alias {names.read_alias}, write alias {names.write_alias}, "
          f"template v{TEMPLATE_VERSION})")
    if not infos:
        say("no Earful indices yet: the first write (earful run, earful worker) creates them")
        return 0
    print(f"{'index':<40} {'template':>8} {'mentions':>10} {'size':>10}  aliases")
    for info in infos:
        aliases = ", ".join(a for a, on in (("read", info.read), ("write", info.write)) if on) or "— (not searched)"
        print(f"{info.name:<40} {'v' + str(info.version):>8} {info.docs:>10} {_size(info.size_bytes):>10}  {aliases}")
    searched = [i for i in infos if i.read]
    print(f"{'total searched':<40} {'':>8} {sum(i.docs for i in searched):>10} "
          f"{_size(sum(i.size_bytes for i in searched)):>10}")
    if any(i.read and i.version != TEMPLATE_VERSION for i in infos):
        say(f"some indices use an older template than v{TEMPLATE_VERSION}: run 'earful index migrate'")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    settings = load_settings()
    return _es_status(settings) if settings.es_url else _embedded_status(settings)


def _need_es(settings: Settings, command: str) -> bool:
    if settings.es_url:
        return True
    say(f"'earful index {command}' is for Elasticsearch (set EARFUL_ES_URL); the embedded index needs no "
        f"{command}: after an upgrade that changes its fields, delete {settings.index_dir} and collect again")
    return False


def cmd_migrate(args: argparse.Namespace) -> int:
    from search.elasticsearch.client import connect, display_url
    from search.elasticsearch.errors import translate_errors
    from search.elasticsearch.mapping import IndexNames
    from search.elasticsearch.migrate import migrate

    settings = load_settings()
    if not settings.es_url:
        return _migrate_embedded(settings)
    client = connect(settings)
    try:
        with translate_errors(display_url(settings.es_url or ""), "migrate the index"):
            result = migrate(client, IndexNames(settings.es_index_prefix), replicas=settings.es_replicas,
                             delete_old=args.delete_old, progress=say)
    finally:
        client.close()
    if result.new_index:
        say(f"done: {result.copied} mentions copied into {result.new_index}")
    return 0


def _migrate_embedded(settings: Settings) -> int:
    """Rebuild an embedded index written by an older version, once nothing writes to it."""
    from search.embedded.migrate import migrate, needs_migration
    from workers.runtime import writer_lock_held

    path = Path(settings.index_dir)
    if not needs_migration(path):
        say(f"{path}: already built by this version; nothing to do")
        return 0
    if writer_lock_held(settings):
        say(f"{path}: another Earful process writes to this index; stop it (earful run, earful worker) first")
        return 1
    migrate(path, progress=say)
    return 0


def cmd_rollover(args: argparse.Namespace) -> int:
    from search.elasticsearch import admin as es_admin
    from search.elasticsearch.client import connect, display_url
    from search.elasticsearch.errors import translate_errors
    from search.elasticsearch.mapping import IndexNames

    settings = load_settings()
    if not _need_es(settings, "rollover"):
        return 1
    names = IndexNames(settings.es_index_prefix)
    client = connect(settings)
    try:
        with translate_errors(display_url(settings.es_url or ""), "roll the index over"):
            es_admin.ensure_ready(client, names, settings.es_replicas)
            conditions = {} if args.force else {"max_age": settings.es_rollover_max_age,
                                                "max_size": settings.es_rollover_max_size}
            new = es_admin.rollover(client, names, **conditions)
    finally:
        client.close()
    say(f"new write index: {new}" if new else "no rollover needed yet (use --force to roll over now)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    index = sub.add_parser("index", help="index status and maintenance")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    status = index_sub.add_parser("status", help="indices, mention counts and sizes")
    status.set_defaults(func=cmd_status)
    migrate = index_sub.add_parser("migrate", help="Elasticsearch: move data to the current index template and "
                                                   "swap the aliases, without downtime; embedded: rebuild an "
                                                   "index written by an older version")
    migrate.add_argument("--delete-old", action="store_true", help="delete the old indices afterwards")
    migrate.set_defaults(func=cmd_migrate)
    rollover = index_sub.add_parser("rollover", help="start a new Elasticsearch write index if due")
    rollover.add_argument("--force", action="store_true", help="roll over now, whatever the conditions")
    rollover.set_defaults(func=cmd_rollover)
