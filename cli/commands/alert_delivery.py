"""``earful alerts deliveries|test``: what the outbox sent or holds, and a sample through a rule's channels."""

from __future__ import annotations

import argparse

from cli.helpers import load_settings, print_models, say, with_state
from earful.errors import ConfigError


def cmd_alerts_deliveries(args: argparse.Namespace) -> int:
    from workers.delivery.listing import page

    items, _ = with_state(lambda state: page(state, rule=args.rule, status=args.state, limit=args.limit))
    if args.json:
        print_models(items)
        return 0
    if not items:
        say("no deliveries" + (f" for rule {args.rule}" if args.rule else ""))
        return 0
    print(f"{'created (UTC)':<17} {'state':<9} {'tries':>5} {'channel':<40} subject / last error")
    for d in items:
        extra = f"  ({d.last_error})" if d.last_error and d.state != "sent" else ""
        print(f"{d.created_at:%Y-%m-%d %H:%M} {d.state:<9} {d.attempts:>5} {d.channel[:40]:<40} {d.subject[:60]}{extra}")
    return 0


def cmd_alerts_test(args: argparse.Namespace) -> int:
    from earful.alert_store import AlertRules
    from earful.models import utcnow
    from earful.state import open_state
    from workers.delivery.sample import sample_notification, send_test
    from workers.delivery.transports import open_sender

    settings = load_settings()
    config = settings.app_config
    state = open_state(settings)
    try:
        rule = AlertRules(state, config.rule_book()).get(args.rule)
        if rule is None:
            raise ConfigError(f"no alert rule {args.rule!r}; `earful alerts list` shows them")
        if not (rule.email or rule.webhook):
            raise ConfigError(f"rule {args.rule!r} has no channel; give it email: or webhook:")
        note = sample_notification(settings, config, state, rule, utcnow())
        outcomes = send_test(open_sender(settings, state), note, rule, api_rule=rule.origin == "api")
    finally:
        state.close()
    for channel, outcome in outcomes.items():
        print(f"{channel}: {outcome}")
    return 0 if all(o == "sent" for o in outcomes.values()) else 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listing = sub.add_parser("deliveries", help="notifications sent or waiting, per channel, newest first")
    listing.add_argument("--rule", help="only this rule's")
    listing.add_argument("--state", choices=["pending", "retrying", "sent", "failed"])
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_alerts_deliveries)
    test = sub.add_parser("test", help="send a sample notification through every channel of a rule")
    test.add_argument("rule", help="rule id")
    test.set_defaults(func=cmd_alerts_test)
