"""Finding a target in a text and choosing the passages the model reads, in a token budget."""

from __future__ import annotations

import pytest

from earful.config import RULE_FIELDS
from earful.query.parser import parse
from workers.sentiment import passages
from workers.sentiment.targets import from_rule, from_text


def words(text: str) -> int:
    """A stand-in token count for the selection logic: one token per word, plus two specials."""
    return len(text.split()) + 2


def found(target_text: str, text: str) -> list[str]:
    return [text[s:e] for s, e in from_text(target_text).find(text)]


def test_a_written_target_is_found_in_any_case_inflected_and_by_its_last_name() -> None:
    assert found("Donald Trump", "DONALD  TRUMP spoke. Later Trump left; trumpets played.") == \
        ["DONALD  TRUMP", "Trump", "trumpets"]
    # Russian inflection: the written form's stem also finds the other cases.
    assert found("Путина", "Путин сказал, что Путину нравится") == ["Путин", "Путину"]
    assert found("Егоре Свиридове", "память о Егоре Свиридове; Свиридова знали") == \
        ["Егоре Свиридове", "Свиридова"]
    assert found("комитете образовани", "в комитете образования") == ["комитете образования"]


def test_folding_finds_arabic_hebrew_and_persian_as_brand_rules_do() -> None:
    assert found("احمد", "قال أحمد إن") == ["أحمد"]  # hamza forms fold to alef
    assert found("كتب", "هو كَتَبَ الآن") == ["كَتَبَ"]  # harakat in the text
    assert found("שלום", "אמר שָׁלוֹם לכולם") == ["שָׁלוֹם"]  # niqqud
    assert found("کتاب", "این كتاب خوب است") == ["كتاب"]  # Persian keheh = Arabic kaf


def test_a_brand_rule_gives_its_positive_words_not_the_excluded_ones() -> None:
    rule = parse('("acme bank" OR acmepay*) AND NOT layoffs AND site:news.test', fields=RULE_FIELDS)
    target = from_rule("acme", rule, "ACME")
    text = "Acme Bank grew. AcmePayments too. Layoffs at Acme were denied."
    assert [text[s:e] for s, e in target.find(text)] == ["Acme Bank", "AcmePayments", "Acme"]


def test_each_occurrence_gives_its_sentence_in_order_within_the_budget() -> None:
    text = ("Markets rose on Monday. Acme cut its forecast again. Analysts were not surprised. "
            "Dr. Smith said Acme would recover. Unrelated news followed.")
    spans = from_text("Acme").find(text)
    chosen = passages.around(text, spans, words, budget=100, passage_tokens=40)
    assert [p.text for p in chosen] == ["Acme cut its forecast again.", "Dr. Smith said Acme would recover."]
    assert all(text[p.start:p.end] == p.text for p in chosen)
    only_first = passages.around(text, spans, words, budget=8, passage_tokens=40)
    assert [p.text for p in only_first] == ["Acme cut its forecast again."]


def test_a_long_sentence_is_cut_to_the_words_around_the_target() -> None:
    text = " ".join(f"w{i}" for i in range(200)) + " Acme failed " + " ".join(f"v{i}" for i in range(200)) + "."
    [passage] = passages.around(text, from_text("Acme").find(text), words, budget=64, passage_tokens=12)
    assert "Acme failed" in passage.text and words(passage.text) <= 12
    assert passage.text == text[passage.start:passage.end]


def test_a_further_sentence_cut_to_a_scrap_to_fit_the_budget_is_left_out() -> None:
    text = ("Acme cut its forecast again. Inspectors said that Acme had used defective steel in the pier "
            "and that the delays were long.")
    spans = from_text("Acme").find(text)
    cut = passages.around(text, spans, words, budget=12, passage_tokens=40)
    assert [p.text for p in cut] == ["Acme cut its forecast again.", "that Acme had"]
    kept = passages.around(text, spans, words, budget=12, passage_tokens=40, min_tokens=6)
    assert [p.text for p in kept] == ["Acme cut its forecast again."]
    first = passages.around(text[29:], from_text("Acme").find(text[29:]), words, budget=5, passage_tokens=40,
                            min_tokens=6)
    assert [p.text for p in first] == ["that Acme had"]  # the first passage is read however short


@pytest.mark.parametrize("size", [1_000, 1_000_000])
def test_the_lead_of_any_text_fits_the_budget(size: int) -> None:
    text = ("The quarter went well for everyone. " * (size // 36 + 1))[:size]
    lead = passages.lead(text, words, budget=30)
    assert words(lead.text) <= 30 and lead.start == 0 and lead.text.endswith(".")


def test_scripts_without_latin_punctuation_end_their_sentences_too() -> None:
    text = "الخدمة سيئة؟ شركة أكمي ممتازة جدا. شيء آخر"
    [passage] = passages.around(text, from_text("أكمي").find(text), words, budget=50, passage_tokens=50)
    assert passage.text == "شركة أكمي ممتازة جدا."
    chinese = "天气很好。阿克米公司的服务很差！别的。"
    [passage] = passages.around(chinese, [(5, 8)], words, budget=50, passage_tokens=50)
    assert passage.text == "阿克米公司的服务很差！"
