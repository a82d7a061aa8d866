"""``earful alerts feed-token|snooze|unsnooze|feedback``: feed access and what people do about incidents."""

from __future__ import annotations

import argparse

from cli.helpers import load_settings, print_models, say, with_state
from earful.errors import ConfigError
from earful.state import StateStore


def _known_rule(state: StateStore, rule_id: str) -> None:
    from earful.alert_store import AlertRules

    if AlertRules(state, load_settings().app_config.rule_book()).get(rule_id) is None:
        raise ConfigError(f"no alert rule {rule_id!r}; `earful alerts list` shows them")


def cmd_feed_token_create(args: argparse.Namespace) -> int:
    from urllib.parse import urlencode

    from earful.alerts.feed_tokens import FeedTokens
    from earful.models import utcnow

    def create(state: StateStore) -> tuple[str, str]:
        if args.rule:
            _known_rule(state, args.rule)
        token, record = FeedTokens(state).create(utcnow(), name=args.name, rule=args.rule)
        return token, record.id

    token, token_id = with_state(create)
    path = f"/api/v1/alerts/rules/{args.rule}/feed.atom" if args.rule else "/api/v1/alerts/feed.atom"
    say(f"feed token {token_id} made; it is shown once (only its hash is kept). Revoke: "
        f"earful alerts feed-token revoke {token_id}")
    print(f"{load_settings().public_url}{path}?{urlencode({'token': token})}")
    return 0


def cmd_feed_token_list(args: argparse.Namespace) -> int:
    from earful.alerts.feed_tokens import FeedTokens

    tokens = with_state(lambda state: FeedTokens(state).list())
    if args.json:
        print_models(tokens)
    elif not tokens:
        say("no feed tokens; make one with `earful alerts feed-token create`")
    for t in tokens if not args.json else []:
        print(f"{t.id}  {t.created_at:%Y-%m-%d %H:%M}  {t.rule or 'all rules':<24} {t.name}")
    return 0


def cmd_feed_token_revoke(args: argparse.Namespace) -> int:
    from earful.alerts.feed_tokens import FeedTokens

    if not with_state(lambda state: FeedTokens(state).revoke(args.id)):
        raise ConfigError(f"no feed token {args.id!r}; `earful alerts feed-token list` shows them")
    say(f"feed token {args.id} revoked: feed readers using it now get 403")
    return 0


def cmd_snooze(args: argparse.Namespace) -> int:
    from earful.alert_actions import snooze
    from earful.models import utcnow

    def act(state: StateStore) -> str:
        _known_rule(state, args.rule)
        return f"{snooze(state, args.rule, args.hours, utcnow(), via='cli').until:%Y-%m-%d %H:%M}"

    say(f"rule {args.rule} snoozed until {with_state(act)} UTC: no notifications, detection goes on")
    return 0


def cmd_unsnooze(args: argparse.Namespace) -> int:
    from earful.alerts.snooze import unsnooze

    def act(state: StateStore) -> None:
        _known_rule(state, args.rule)
        unsnooze(state, args.rule)

    with_state(act)
    say(f"rule {args.rule} is no longer snoozed")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from earful.alert_actions import give_feedback
    from earful.alert_store import IncidentNotFound
    from earful.models import utcnow

    try:
        with_state(lambda state: give_feedback(state, args.incident, args.verdict, utcnow(), via="cli",
                                                note=args.note))
    except IncidentNotFound as exc:
        raise ConfigError(str(exc).replace("GET /api/v1/alerts/events", "`earful alerts events`")) from None
    say(f"incident {args.incident} marked {args.verdict}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the subcommands to ``earful alerts``."""
    tokens = sub.add_parser("feed-token", help="read-only tokens for the Atom feed of incidents")
    actions = tokens.add_subparsers(dest="feed_token_command", required=True)
    create = actions.add_parser("create", help="make a token and print the feed URL holding it")
    create.add_argument("--rule", help="read this rule's feed only")
    create.add_argument("--name", default="", help="who it is for (shown by list)")
    create.set_defaults(func=cmd_feed_token_create)
    listing = actions.add_parser("list", help="tokens (ids, never the tokens themselves)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_feed_token_list)
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id")
    revoke.set_defaults(func=cmd_feed_token_revoke)
    snooze = sub.add_parser("snooze", help="hold back a rule's notifications for 1 or 24 hours")
    snooze.add_argument("rule")
    snooze.add_argument("--hours", type=int, choices=(1, 24), default=1)
    snooze.set_defaults(func=cmd_snooze)
    unsnooze = sub.add_parser("unsnooze", help="end a rule's snooze")
    unsnooze.add_argument("rule")
    unsnooze.set_defaults(func=cmd_unsnooze)
    feedback = sub.add_parser("feedback", help="say whether an incident was worth telling")
    feedback.add_argument("incident")
    feedback.add_argument("verdict", choices=("useful", "not_useful", "expected"))
    feedback.add_argument("--note", default="")
    feedback.set_defaults(func=cmd_feedback)
