"""Sentiment toward a brand in long texts: passages, the target head, and a bounded cost."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from earful.config import RULE_FIELDS
from earful.query.parser import parse
from workers.sentiment import SentimentRouter
from workers.sentiment.e5 import E5Scorer, shared_engine
from workers.sentiment.head import own_head_path
from workers.sentiment.scorers import TargetRequest
from workers.sentiment.targeted import MENTION_TOKENS, TARGET_TOKENS, WHOLE_TOKENS
from workers.sentiment.targets import from_rule, from_text

TRAIN_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "sentiment-train"

POSITIVE_PARAGRAPH = (
    "The city's new harbour district opened on Saturday to large and cheerful crowds. Visitors praised the "
    "wide promenades, the excellent restaurants and the friendly staff at every stall. Local shops reported "
    "their best weekend in years, and the mayor thanked the volunteers for a wonderful celebration. "
    "Families enjoyed free concerts in the sunshine, and the new ferry line was applauded as a great success. ")
ACME_PARAGRAPH = (
    "Acme, the contractor that built the pier, drew angry complaints. Inspectors said Acme had used "
    "defective steel, and residents accused Acme of lying about the delays. ")
GLOBEX_PARAGRAPH = (
    "Globex, which designed the lighting, won an award for its beautiful and efficient lamps, and "
    "visitors loved how Globex made the waterfront glow. ")


class CountingEngine:
    """The real engine, recording every text it embeds (what a mention costs)."""

    def __init__(self) -> None:
        self.engine = shared_engine()
        self.dim = self.engine.dim
        self.read: list[str] = []

    def query(self, texts: Sequence[str]) -> Any:
        self.read += list(texts)
        return self.engine.query(list(texts))

    def token_count(self, text: str, is_query: bool) -> int:
        return int(self.engine.token_count(text, is_query))

    def tokens_read(self) -> int:
        return sum(self.token_count(text, True) for text in self.read)


@pytest.fixture(scope="module")
def scorer() -> E5Scorer:
    return E5Scorer()


def article(*middle: str) -> str:
    return POSITIVE_PARAGRAPH * 3 + "\n" + "".join(middle) + "\n" + POSITIVE_PARAGRAPH * 3


def test_a_negative_paragraph_about_the_brand_in_a_positive_article_is_negative_for_the_brand(
        scorer: E5Scorer) -> None:
    text = article(ACME_PARAGRAPH)
    assert len(text) > 2_000
    whole = scorer.score_many([text])[0]
    [[acme]] = scorer.score_targets([TargetRequest(text, [from_text("Acme")], article=True)])
    assert whole > 0.3  # the article's tone
    assert acme.targeted and acme.score < -0.3  # its sentiment toward Acme
    router = SentimentRouter({"*": scorer})
    [[result]] = router.score_targets([("en", TargetRequest(text, [from_text("Acme")], article=True))])
    assert result.sentiment.label == "negative" and result.sentiment.model == scorer.target_name


def test_two_brands_in_one_article_get_their_own_labels(scorer: E5Scorer) -> None:
    text = article(ACME_PARAGRAPH, GLOBEX_PARAGRAPH)
    acme = from_rule("acme", parse("acme", fields=RULE_FIELDS))
    globex = from_rule("globex", parse("globex OR \"globex corp\"", fields=RULE_FIELDS))
    router = SentimentRouter({"*": scorer})
    [[first, second]] = router.score_targets([("en", TargetRequest(text, [acme, globex], article=True))])
    assert (first.key, first.sentiment.label) == ("acme", "negative")
    assert (second.key, second.sentiment.label) == ("globex", "positive")


def test_the_scored_passages_and_their_offsets_are_returned(scorer: E5Scorer) -> None:
    text = article(ACME_PARAGRAPH)
    [[acme]] = scorer.score_targets([TargetRequest(text, [from_text("Acme")], article=True)])
    assert acme.passages and all(text[p.start:p.end] == p.text and "Acme" in p.text for p in acme.passages)
    assert acme.passages[0].text.startswith("Acme, the contractor")
    short = "Love the new Acme app, works great!"
    [[post]] = scorer.score_targets([TargetRequest(short, [from_text("Acme")])])
    assert not post.targeted and post.passages[0].text == short and post.score > 0.3  # a post is read whole


def test_a_megabyte_costs_no_more_than_a_kilobyte() -> None:
    counting = CountingEngine()
    scorer = E5Scorer(engine=counting)
    dense = (ACME_PARAGRAPH + GLOBEX_PARAGRAPH) * 3  # a kilobyte in which both brands fill the budget
    assert 900 <= len(dense) <= 1_500
    megabyte = (dense + POSITIVE_PARAGRAPH * 20) * 250
    assert len(megabyte) > 1_000_000
    targets = [from_text("Acme"), from_text("Globex")]
    costs = []
    for text in (dense, megabyte):
        counting.read.clear()
        scorer.score_targets([TargetRequest(text, targets, article=True)])
        costs.append(counting.tokens_read())
    assert 0 < costs[1] <= costs[0] <= MENTION_TOKENS
    counting.read.clear()
    scorer.score_many([megabyte])  # whole-text scoring reads the lead
    assert counting.tokens_read() <= WHOLE_TOKENS


def test_one_brand_reads_its_own_budget_and_several_share_the_mention_budget() -> None:
    counting = CountingEngine()
    scorer = E5Scorer(engine=counting)
    dense = (ACME_PARAGRAPH + GLOBEX_PARAGRAPH) * 3
    costs = {}
    for names in (["Acme"], ["Acme", "Globex"]):
        counting.read.clear()
        [scores] = scorer.score_targets([TargetRequest(dense, [from_text(n) for n in names], article=True)])
        assert all(score.targeted for score in scores)
        costs[len(names)] = counting.tokens_read()
    assert TARGET_TOKENS < MENTION_TOKENS
    assert 0 < costs[1] <= TARGET_TOKENS  # one brand: no more than its own budget
    assert TARGET_TOKENS < costs[2] <= MENTION_TOKENS  # two brands: more than one may read, within the mention's


def test_a_text_given_several_times_is_read_once_with_the_same_embedding() -> None:
    counting = CountingEngine()
    scorer = E5Scorer(engine=counting)
    short = "Acme drew angry complaints."  # a passage shorter than its window: both views are this text
    texts = [short, "Globex lamps glow.", short, "Acme pier", short]
    together = scorer.embed(texts)
    assert counting.read == [short, "Globex lamps glow.", "Acme pier"]
    alone = np.vstack([scorer.embed([text]) for text in texts])
    assert together.shape == (5, counting.dim) and np.allclose(together, alone, atol=1e-6)
    counting.read.clear()
    scorer.score_targets([TargetRequest(article(ACME_PARAGRAPH), [from_text("Acme")], article=True)])
    assert counting.read and len(set(counting.read)) == len(counting.read)  # passages and windows: every text read once


def test_each_distinct_view_is_read_once() -> None:
    counting = CountingEngine()
    scorer = E5Scorer(engine=counting)
    text = article("Acme and Globex failed the inspection. ")  # a short sentence is its own window
    [[acme, globex]] = scorer.score_targets([TargetRequest(text, [from_text("Acme"), from_text("Globex")],
                                                           article=True)])
    assert [p.text for p in acme.passages] == [p.text for p in globex.passages] == [
        "Acme and Globex failed the inspection."]
    assert counting.read == ["Acme and Globex failed the inspection."]
    assert acme.score == globex.score


def test_the_target_head_records_the_data_it_was_trained_on() -> None:
    spec = json.loads(own_head_path("target").read_text(encoding="utf-8"))
    training = spec["training"]
    names = [f["name"] for f in training["files"]]
    assert names[0] == "newsmtsc-targets.jsonl"  # licensed target-dependent sets only (no evaluation set)
    assert set(names) <= {"newsmtsc-targets.jsonl", "finentity-targets.jsonl", "mams-atsa-targets.jsonl"}
    assert spec["features"] == ["passage", "window"] and 0 <= spec["band"] < 1
    assert np.asarray(spec["coef"]).shape == (3, 384 * 2)
    rows = 0
    for record in training["files"]:
        path = TRAIN_DATA / record["name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"]
        rows += sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert training["rows"] == rows
