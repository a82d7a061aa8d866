"""Theme terms: stop words per language, words and phrases, brand terms left out, the JLH score."""

from __future__ import annotations

import pytest

from earful.query import parse
from earful.text import normalize_for_match
from earful.themes import Exclusions, TermCounts, TermExtractor, ThemeCounts, jlh, ranked, rule_exclusions
from earful.themes.stopwords import LANGUAGES, stop_words


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["the", "and", "doesn", "else"]), ("es", ["de", "que", "los"]), ("de", ["der", "und", "nicht"]),
    ("fr", ["le", "les", "qu"]), ("ar", ["في", "على", "الذي"]), ("fa", ["که", "این", "برای"]),
    ("he", ["של", "את", "גם"]), ("ru", ["и", "что", "это"]),
])
def test_every_language_has_its_function_words(lang: str, words: list[str]) -> None:
    stops = stop_words(lang)
    assert all(normalize_for_match(w) in stops for w in words)
    assert "the" in stops  # English is always included


@pytest.mark.parametrize(("lang", "word"), [
    ("en", "outage"), ("en", "refund"), ("en", "price"), ("en", "bill"), ("en", "down"),
    ("es", "precio"), ("es", "tiempo"), ("fa", "خدمات"), ("ru", "время"), ("fr", "état"),
])
def test_topic_words_are_not_stop_words(lang: str, word: str) -> None:
    assert normalize_for_match(word) not in stop_words(lang)


def test_lists_are_folded_like_mention_text_and_unknown_languages_get_every_list() -> None:
    assert normalize_for_match("كه") == normalize_for_match("که") and normalize_for_match("که") in stop_words("fa")
    assert stop_words("pt-BR") == stop_words("en")
    assert stop_words(None) >= stop_words("ru") | stop_words("he")
    assert all(stop_words(lang) for lang in LANGUAGES)


def test_words_and_two_word_phrases_without_stop_words_numbers_or_brands() -> None:
    extractor = TermExtractor(Exclusions(frozenset({"acme"})))
    terms = extractor.terms(["Acme outage!", "The core network failed for 3 hours, again: core network."], "en")
    assert terms == {"outage", "core", "network", "failed", "hours", "core network", "network failed"}


def test_a_stop_word_or_excluded_word_breaks_a_phrase() -> None:
    extractor = TermExtractor(Exclusions(frozenset({"acme"})))
    assert extractor.terms(["billing acme support", "refund of fees"], "en") == {"billing", "support", "refund", "fees"}
    assert TermExtractor(phrases=False).terms(["core network"], "en") == {"core", "network"}


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("ru", "Сеть Акме не работает уже три часа", {"сеть", "работает", "часа"}),
    ("ar", "انقطاع الشبكة في المدينة", {"انقطاع", "الشبكه", "المدينه", "انقطاع الشبكه"}),
    ("he", "השירות של אקמי גרוע", {"השירות", "גרוע"}),
    ("fa", "اینترنت اکمی قطع است", {"اينترنت", "قطع"}),
])
def test_other_scripts_fold_and_leave_out_their_stop_words_and_the_brand(lang: str, text: str,
                                                                          expected: set[str]) -> None:
    exclusions = rule_exclusions([parse("Акме* OR אקמי OR اکمی")])
    assert TermExtractor(exclusions).terms([text], lang) == expected


def test_rule_exclusions_take_positive_text_terms_and_names() -> None:
    rule = parse('"acme mobile" OR acmemobile OR (acme NEAR/3 plan*) OR site:acme.example AND NOT "acme tower"')
    found = rule_exclusions([rule], ["Acme Mobile", "acme"])
    assert found.words == frozenset({"acme", "mobile", "acmemobile"})
    assert found.prefixes == ("plan",)
    assert found.excludes("plans") and not found.excludes("tower")


def test_grams_are_every_word_and_pair_unfiltered() -> None:
    assert TermExtractor().grams(["the outage", "x"]) == {"the", "outage", "the outage", "x"}


def test_jlh_matches_elasticsearch() -> None:
    # 5 of 10 foreground docs, 10 of 100 background docs: (0.5 − 0.1) × (0.5 / 0.1) = 2
    assert jlh(5, 10, 10, 100) == pytest.approx(2.0)
    assert jlh(1, 10, 10, 100) == 0.0  # no more frequent than in the background
    assert jlh(3, 0, 3, 10) == jlh(3, 10, 0, 10) == 0.0


def test_ranking_is_by_score_then_count_then_term() -> None:
    counts = ThemeCounts(fg_size=10, fg_total=10, bg_size=100, terms=[
        TermCounts("b", 4, 8), TermCounts("a", 4, 8), TermCounts("rare", 2, 2), TermCounts("flat", 5, 50),
        TermCounts("top", 6, 6)])
    assert [(t.term, s) for t, s in ranked(counts, size=3, min_count=3)] == [
        ("top", pytest.approx(5.4)), ("a", pytest.approx(1.6)), ("b", pytest.approx(1.6))]
