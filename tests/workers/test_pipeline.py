from __future__ import annotations

from pathlib import Path

import pytest

from earful.rules import BrandMatcher
from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import default_router


@pytest.fixture
def index(tmp_path: Path):  # type: ignore[no-untyped-def]
    idx = EmbeddedIndex(tmp_path / "index")
    yield idx
    idx.close()


@pytest.fixture
def processor(brands_config, index) -> Processor:  # type: ignore[no-untyped-def]
    return Processor(BrandMatcher(brands_config.brands), FastTextDetector(), default_router(), index)


def test_matched_english_mention_is_scored_labelled_and_indexed(processor, index, make_raw) -> None:
    stats = processor.process([make_raw("a1", "Acme Mobile is wonderful",
                                        "I love the new plan, the coverage is excellent.")])
    assert (stats.collected, stats.indexed, dict(stats.dropped)) == (1, 1, {})
    [stored] = index.get(["a1"])
    assert stored.brands == ["acme"] and stored.lang == "en"
    assert stored.sentiment.label == "positive" and stored.sentiment.score > 0.1
    assert stored.sentiment.model is not None and stored.sentiment.model.startswith("textblob-")
    assert stored.content_hash


def test_negative_english_mention_gets_a_negative_label(processor, index, make_raw) -> None:
    processor.process([make_raw("n1", "Globex outage", "Terrible service, the worst support ever. Awful.")])
    [stored] = index.get(["n1"])
    assert stored.sentiment.label == "negative" and stored.sentiment.score < -0.1


def test_unmatched_and_empty_mentions_are_dropped_and_counted(processor, index, make_raw) -> None:
    stats = processor.process([make_raw("u1", "Weather today", "Sunny with light wind."),
                               make_raw("e1", "  ", "\u200b")])
    assert dict(stats.dropped) == {"no_brand": 1, "empty": 1}
    assert stats.indexed == 0 and index.count() == 0


def test_one_mention_can_match_several_brands(processor, index, make_raw) -> None:
    processor.process([make_raw("c1", "Acme Mobile vs Globex", "Comparing both plans this month.")])
    assert sorted(index.get(["c1"])[0].brands) == ["acme", "globex"]


def test_source_bound_brands_skip_rule_matching(processor, index, make_raw) -> None:
    stats = processor.process([make_raw("r1", "Great value", "Five stars from me.", brands=["initech"])])
    assert stats.indexed == 1 and index.get(["r1"])[0].brands == ["initech"]


@pytest.mark.parametrize(("text", "lang"), [
    ("Акме Мобайл снова без связи, поддержка не отвечает уже третий день подряд.", "ru"),
    ("خدمات اکمی این هفته خیلی ضعیف بود و پشتیبانی جواب نمی‌دهد.", "fa"),
    ("השירות של Globex היה מצוין והצוות מאוד אדיב ומקצועי.", "he"),
])
def test_non_english_text_is_left_unscored_not_called_neutral(processor, index, make_raw, text, lang) -> None:
    processor.process([make_raw("x1", "", text)])
    [stored] = index.get(["x1"])
    assert stored.lang == lang
    assert (stored.sentiment.label, stored.sentiment.score, stored.sentiment.model) == ("unscored", None, None)


def test_same_id_is_an_upsert(processor, index, make_raw) -> None:
    processor.process([make_raw("a1", "Acme Mobile launch", "First version of the story.")])
    stats = processor.process([make_raw("a1", "Acme Mobile launch", "Corrected version of the story.")])
    assert stats.duplicates == 0 and index.count() == 1
    assert index.get(["a1"])[0].text == "Corrected version of the story."


def test_same_text_under_another_url_is_a_duplicate_counted_once(processor, index, make_raw) -> None:
    text = "Acme Mobile announces a new unlimited plan for families starting in December."
    processor.process([make_raw("p1", "Press release", text)])
    stats = processor.process([make_raw("p2", "PRESS RELEASE", text + " ", url="https://mirror.example.org/p")])
    assert stats.duplicates == 1 and stats.indexed == 1
    assert index.count() == 1  # counted once
    everything = index.search(SearchRequest(filters=SearchFilters(include_duplicates=True), limit=10))
    assert everything.total == 2  # but the copy is kept
    assert index.get(["p2"])[0].duplicate_of == "p1"


def test_duplicates_inside_one_batch_keep_the_first_as_original(processor, index, make_raw) -> None:
    text = "Globex raises prices again for every prepaid customer, effective next month."
    stats = processor.process([make_raw("d1", "", text), make_raw("d2", "", text), make_raw("d3", "", text)])
    assert stats.duplicates == 2 and index.count() == 1
    assert {m.id: m.duplicate_of for m in index.get(["d1", "d2", "d3"])} == {"d1": None, "d2": "d1", "d3": "d1"}


def test_reprocessing_the_same_batch_changes_nothing(processor, index, make_raw) -> None:
    batch = [make_raw(f"m{i}", f"Acme Mobile note {i}", f"Item number {i} about the Acme Mobile app.")
             for i in range(5)]
    processor.process(batch)
    again = processor.process(batch)
    assert again.duplicates == 0 and index.count() == 5


def test_a_review_with_stars_but_no_words_is_kept_and_labelled_by_its_rating(processor, index,
                                                                               make_raw) -> None:
    from earful.models import Rating

    stats = processor.process([make_raw("s1", "", "", brands=["acme"],
                                        rating=Rating(raw="1", scale=5, normalized=0.0)),
                               make_raw("s2", "", "", brands=["acme"])])
    assert stats.indexed == 1 and dict(stats.dropped) == {"empty": 1}
    [stored] = index.get(["s1"])
    assert stored.rating is not None and stored.rating.normalized == 0.0
    assert stored.sentiment.label == "negative" and stored.content_hash == ""


def test_listeners_hear_of_each_indexed_batch_and_their_failures_stay_theirs(brands_config, index, make_raw,  # type: ignore[no-untyped-def]
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    heard: list[list[str]] = []

    class Broken:
        def after_batch(self, mentions):  # type: ignore[no-untyped-def]
            raise RuntimeError("listener broke")

    class Recorder:
        def after_batch(self, mentions):  # type: ignore[no-untyped-def]
            heard.append(sorted(m.id for m in mentions))

    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), default_router(), index,
                          listeners=[Broken(), Recorder()])
    stats = processor.process([make_raw("l1", "Acme Mobile news", "Acme Mobile plans."),
                               make_raw("l2", "Nothing to see", "No brand here at all.")])
    assert stats.indexed == 1 and [m.id for m in index.get(["l1"])] == ["l1"]
    assert heard == [["l1"]] and "Broken failed" in caplog.text
    processor.process([make_raw("l3", "", "")])  # nothing indexed: nobody is told
    assert heard == [["l1"]]


def test_listeners_hear_only_of_mentions_new_to_the_index(brands_config, index, make_raw) -> None:  # type: ignore[no-untyped-def]
    heard: list[list[str]] = []

    class Recorder:
        def after_batch(self, mentions):  # type: ignore[no-untyped-def]
            heard.append(sorted(m.id for m in mentions))

    processor = Processor(BrandMatcher(brands_config.brands), FastTextDetector(), default_router(), index,
                          listeners=[Recorder()])
    old = make_raw("o1", "Acme Mobile plan", "Acme Mobile plan review.")
    processor.process([old])
    processor.process([old, make_raw("n1", "Acme Mobile outage", "Acme Mobile outage today.")])  # a feed again
    processor.process([old])
    assert heard == [["o1"], ["n1"]]
