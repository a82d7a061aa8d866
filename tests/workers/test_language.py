from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from workers.language import FastTextDetector, choose_language

# Hindi rows in the shared tweets are mostly romanised Hindi-English, which no detector
# labels "hi"; they are measured in bench/ but left out of this check.
USERS_LANGUAGES = {"en", "ar", "fa", "he", "ru"}


def test_detector_knows_the_users_languages_in_real_short_texts(shared_data: Path) -> None:
    detector = FastTextDetector()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for path in sorted((shared_data / "sentiment").glob("*.jsonl")):
        for line in [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()][:300]:
            row = json.loads(line)
            if row["lang"] in USERS_LANGUAGES:
                totals[row["lang"]] += 1
                hits[row["lang"]] += detector.detect(row["text"])[0] == row["lang"]
    assert set(totals) == USERS_LANGUAGES
    for lang, total in totals.items():
        assert hits[lang] / total >= 0.95, (lang, hits[lang], total)


def test_text_without_letters_has_no_language() -> None:
    assert FastTextDetector().detect("12 345 !!! 👍") == (None, 0.0)


def test_a_confident_detection_beats_the_sources_hint_and_a_doubtful_one_does_not() -> None:
    assert choose_language("ru", 0.9, "en-US") == "ru"
    assert choose_language("ru", 0.3, "en_US") == "en"
    assert choose_language(None, 0.0, None) is None
