from __future__ import annotations

import json
from pathlib import Path

import pytest

from earful.models import Sentiment
from workers.sentiment_eval import EvalDataError, Prediction, Row, evaluate, f1, metrics, read_rows


def test_metrics_on_a_hand_computed_example() -> None:
    predictions = [
        Prediction("positive", "positive", 0.8),
        Prediction("positive", "neutral", 0.05),   # wrong label, right sign: a binary hit
        Prediction("negative", "negative", -0.6),
        Prediction("negative", "positive", 0.3),   # wrong both ways
        Prediction("neutral", "neutral", 0.0),
        Prediction("neutral", "negative", -0.4),
    ]
    # classes: positive P=1/2 R=1/2 F1=.5; negative P=1/2 R=1/2 F1=.5; neutral P=1/2 R=1/2 F1=.5
    assert metrics(predictions) == {"n": 6, "accuracy": 0.5, "macro_f1": 0.5, "binary_accuracy": 0.75}


def test_f1_per_class_and_macro_over_predicted_classes_too() -> None:
    gold = ["positive", "positive", "negative", "negative"]
    predicted = ["positive", "neutral", "negative", "negative"]
    assert f1(gold, predicted, "positive") == pytest.approx(2 / 3)  # P=1 R=1/2
    assert f1(gold, predicted, "negative") == 1.0
    assert f1(gold, predicted, "neutral") == 0.0  # predicted, never gold: it counts in the macro mean
    result = metrics([Prediction(g, p, 1.0 if p == "positive" else -1.0) for g, p in zip(gold, predicted)])
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1 + 0) / 3, abs=1e-4)
    assert result["accuracy"] == 0.75


def test_unscored_and_zero_scores_are_binary_misses_and_neutral_rows_do_not_count() -> None:
    result = metrics([Prediction("positive", "unscored", None), Prediction("negative", "neutral", 0.0),
                      Prediction("negative", "neutral", -0.01), Prediction("neutral", "neutral", 0.0)])
    assert result["binary_accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics([Prediction("neutral", "neutral", 0.0)])["binary_accuracy"] is None


def test_read_rows_skips_and_counts_other_labels(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    lines = [{"text": "good", "lang": "en", "label": "positive"}, {"text": "so-so", "lang": "en", "label": "mixed"},
             {"text": "bad", "label": "negative"}, {"lang": "en", "label": "neutral"}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    rows, skipped = read_rows(path)
    assert rows == [Row("good", "en", "positive"), Row("bad", "und", "negative")]
    assert dict(skipped) == {"label:mixed": 1, "no_text": 1}


def test_only_newlines_end_rows_not_unicode_line_separators(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "one\u2028line\u0085still", "lang": "en", "label": "neutral"}\n', encoding="utf-8")
    rows, _ = read_rows(path)
    assert [r.text for r in rows] == ["one\u2028line\u0085still"]


def test_a_line_that_is_not_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "ok", "lang": "en", "label": "positive"}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvalDataError, match="rows.jsonl:2"):
        read_rows(path)


def test_evaluate_groups_by_language_and_reports_progress() -> None:
    rows = [Row("a", "en", "positive"), Row("b", "en", "negative"), Row("c", "ru", "neutral")]
    scores = {"a": 0.9, "b": 0.2, "c": 0.0}
    seen: list[tuple[int, int]] = []

    def score(batch):  # type: ignore[no-untyped-def]
        return [Sentiment(score=scores[r.text], label="positive" if scores[r.text] > 0.1 else "neutral")
                for r in batch]

    result = evaluate(rows, score, batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]
    assert result.by_lang["en"] == {"n": 2, "accuracy": 0.5, "macro_f1": pytest.approx(1 / 3, abs=1e-4),
                                    "binary_accuracy": 0.5}
    assert result.by_lang["ru"]["accuracy"] == 1.0 and result.by_lang["ru"]["binary_accuracy"] is None
    assert result.overall["n"] == 3 and result.overall["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert set(result.as_json()) == {"overall", "by_lang", "texts_per_s", "targeted_rows"}
    assert result.as_json()["targeted_rows"] == 0
