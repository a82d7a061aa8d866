from __future__ import annotations

from datetime import datetime, timezone

from earful.models import RawMention
from workers.normalize import clean_text, content_hash, fingerprint_text, normalize


def raw(**fields: object) -> RawMention:
    base: dict[str, object] = {"id": "x", "source": "feed", "source_name": "s",
                               "published_at": datetime(2026, 1, 1, tzinfo=timezone.utc)}
    base.update(fields)
    return RawMention(**base)  # type: ignore[arg-type]


def test_clean_text_collapses_spaces_and_blank_lines_and_drops_control_characters() -> None:
    assert clean_text("  a\u00a0\u00a0b\x00c \r\n\r\n\r\n  d\u200b ", 100) == "a bc\n\nd"


def test_clean_text_applies_the_limit_after_cleaning() -> None:
    assert clean_text("x" * 50, 10) == "x" * 10


def test_normalize_cleans_title_text_and_author_but_keeps_identity() -> None:
    cleaned = normalize(raw(title=" Hello\tworld ", text="a\r\nb", author="  "))
    assert (cleaned.id, cleaned.title, cleaned.text, cleaned.author) == ("x", "Hello world", "a\nb", None)


def test_fingerprint_ignores_case_punctuation_and_spacing() -> None:
    assert fingerprint_text("Acme Mobile: outage!", "Down since 9am.") == "acme mobile outage down since 9am"
    assert content_hash("ACME mobile outage", "down since 9AM") == content_hash("Acme Mobile: outage!",
                                                                              "Down  since 9am.")


def test_content_hash_differs_for_different_text_and_is_empty_for_tiny_text() -> None:
    assert content_hash("Acme Mobile outage", "down since 9am") != content_hash("Acme Mobile outage",
                                                                                  "down since 10am")
    assert content_hash("Acme!", "") == ""
