"""``earful eval sentiment FILE.jsonl``: accuracy of the sentiment configuration on labelled data."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.helpers import load_settings, say
from earful.errors import ConfigError

if TYPE_CHECKING:
    from earful.models import Sentiment
    from workers.sentiment import SentimentRouter
    from workers.sentiment_eval import Row


def _progress(every: float = 5.0):  # type: ignore[no-untyped-def]
    started = last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= every or done == total:
            last = now
            say(f"  scored {done}/{total} ({done / max(now - started, 1e-9):.0f}/s)")

    return report


def _row(name: str, m: dict[str, Any]) -> str:
    def fmt(value: float | None) -> str:
        return "   -  " if value is None else f"{value:6.3f}"

    return f"{name:<8} {m['n']:>6} {fmt(m['accuracy'])} {fmt(m['macro_f1'])} {fmt(m['binary_accuracy'])}"


def score_rows(router: SentimentRouter, rows: Sequence[Row]) -> list[Sentiment]:
    """Rows with a target are scored toward it as an article matching a brand is (the target
    stands in for the brand's rule); the others whole, as a mention without brand words is."""
    from workers.sentiment.scorers import TargetRequest
    from workers.sentiment.targets import from_text

    results: dict[int, Sentiment] = {}
    targeted = [i for i, row in enumerate(rows) if row.target]
    requests = [(rows[i].lang, TargetRequest(rows[i].text, [from_text(rows[i].target or "")], article=True))
                for i in targeted]
    for i, scored in zip(targeted, router.score_targets(requests), strict=True):
        results[i] = scored[0].sentiment
    whole = [i for i, row in enumerate(rows) if not row.target]
    for i, sentiment in zip(whole, router.score([(rows[i].lang, rows[i].text) for i in whole]), strict=True):
        results[i] = sentiment
    return [results[i] for i in range(len(rows))]


def cmd_eval_sentiment(args: argparse.Namespace) -> int:
    from workers.sentiment import SentimentRouter, make_scorer, router_from_settings
    from workers.sentiment_eval import evaluate, read_rows

    settings = load_settings()
    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; give a JSONL file with text, lang and label per line")
    rows, skipped = read_rows(path)
    if not rows:
        raise ConfigError(f"{path} has no rows labelled positive, negative or neutral")
    if args.scorer:
        router = SentimentRouter({"*": make_scorer(args.scorer)}, neutral_bands=settings.sentiment_neutral_bands,
                                 positive_above=settings.positive_threshold,
                                 negative_below=settings.negative_threshold)
        what = f"scorer {args.scorer}"
    else:
        router = router_from_settings(settings)
        what = f"the default configuration ({router.describe()})"
    say(f"evaluating {what} on {len(rows)} rows of {path}"
        + (f" (skipped: {', '.join(f'{k} {v}' for k, v in sorted(skipped.items()))})" if skipped else ""))

    def score(batch: Sequence[Row]) -> list[Sentiment]:
        return score_rows(router, batch)

    result = evaluate(rows, score, progress=_progress() if not args.quiet else None)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    print(f"{'lang':<8} {'n':>6} {'acc':>6} {'mF1':>6} {'binary':>6}")
    for lang, m in result.by_lang.items():
        print(_row(lang, m))
    print(_row("overall", result.overall))
    print(f"{result.texts_per_s:.1f} texts/s" + (f" ({result.targeted} rows scored toward their target)"
                                                  if result.targeted else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from workers.sentiment import SCORER_NAMES

    evaluate = subparsers.add_parser("eval", help="measure accuracy on labelled data")
    eval_sub = evaluate.add_subparsers(dest="eval_command", required=True)
    sentiment = eval_sub.add_parser(
        "sentiment", help="sentiment accuracy per language on a labelled JSONL file",
        description="Rows: {\"text\", \"lang\", \"label\": positive|negative|neutral}; other labels are "
                    "skipped and counted. A row with a \"target\" (as written in the text) is scored toward "
                    "it, as an article matching a brand is. Without --scorer: the configured per-language "
                    "scorers (EARFUL_SENTIMENT_SCORERS), as `earful run` scores after refinement.")
    sentiment.add_argument("file", help="labelled JSONL file")
    sentiment.add_argument("--scorer", choices=SCORER_NAMES, help="evaluate one scorer for every language")
    sentiment.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    sentiment.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    sentiment.set_defaults(func=cmd_eval_sentiment)
    from cli.commands import eval_alerts

    eval_alerts.register(eval_sub)
