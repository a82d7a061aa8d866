"""Cleaning collected text and fingerprinting it for exact-duplicate detection."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from earful.models import RawMention

MAX_TITLE_CHARS = 1_000
MAX_TEXT_CHARS = 100_000
MIN_DEDUPE_CHARS = 20  # shorter texts ("Acme!") are too generic to call copies of each other

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_NON_WORD = re.compile(r"[\W_]+")


def clean_text(text: str, limit: int) -> str:
    """NFC, no control characters, single spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    text = _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n")))
    return text.strip()[:limit]


def normalize(raw: RawMention) -> RawMention:
    """A copy with title, text and author cleaned; ids, dates and the rest untouched."""
    return raw.model_copy(update={
        "title": clean_text(raw.title, MAX_TITLE_CHARS),
        "text": clean_text(raw.text, MAX_TEXT_CHARS),
        "author": clean_text(raw.author, 300) or None if raw.author else None,
    })


def fingerprint_text(title: str, text: str) -> str:
    """Case, accents of form, punctuation and spacing do not make a different text."""
    joined = f"{title}\n{text}"
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", joined).casefold()).split())


def content_hash(title: str, text: str) -> str:
    """Hash of the fingerprint; empty when the text is too short to be a meaningful copy."""
    fingerprint = fingerprint_text(title, text)
    if len(fingerprint) < MIN_DEDUPE_CHARS:
        return ""
    return hashlib.sha1(fingerprint.encode("utf-8")).hexdigest()
