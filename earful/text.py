"""Text folding and tokenisation shared by brand rules and the search index.

:func:`normalize_for_match` applies, in order:

* NFKC (full-width letters, ligatures and Arabic presentation forms become plain letters)
  and casefold (``ЯНДЕКС`` = ``яндекс``, ``Straße`` = ``strasse``); ``İ`` folds to ``i``.
* Removal of marks a rule writer leaves out: Arabic harakat, Quranic marks and tatweel;
  Hebrew niqqud and cantillation; invisible format characters (soft hyphen, zero-width
  joiner, BOM, bidi controls), which otherwise split or glue words at random.
* The letter unifications of Lucene's ``arabic_normalization`` and ``persian_normalization``
  filters, so rules agree with a search index using them: أ إ آ ٱ → ا, ى ی → ي, ک → ك,
  ة ۀ ہ → ه. ة → ه is lossy, but informal writing swaps them freely.
* Russian ё → е (common practice: most Russian text writes ё as е); Arabic-Indic and
  Persian digits → ASCII digits.

Latin and Cyrillic accents are *kept*: folding them would merge different words
(``año``/``ano``, ``й``/``и``). Persian ZWNJ stays a word break, as in Lucene.

Tokens are runs of letters, digits and combining marks; everything else (apostrophes,
hyphens, underscores, punctuation) separates words. Each Han ideograph and hiragana
character is a token of its own, as in Lucene's standard tokenizer, so a Chinese rule
word matches as a phrase of its characters. Thai and other unspaced scripts without
this treatment are matched as whole runs.
"""

from __future__ import annotations

import re
import unicodedata


def _ranges(codepoints: list[int]) -> str:
    out: list[str] = []
    start = prev = codepoints[0]
    for cp in codepoints[1:] + [-1]:
        if cp != prev + 1:
            out.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
            start = cp
        prev = cp
    return "".join(re.escape(part) if len(part) == 1 else part for part in out)


_MARK_CPS = [cp for span in ((0x300, 0x20000), (0xE0100, 0xE01F0)) for cp in range(*span)
             if unicodedata.category(chr(cp)).startswith("M")]
_HAN_SPANS = ((0x3040, 0x309F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
_HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN_SPANS)
_MARKS = _ranges(_MARK_CPS)
_TOKEN = re.compile(f"[^\\W_{_HAN}]+(?:[{_MARKS}]+[^\\W_{_HAN}]*)*|[{_HAN}][{_MARKS}]*")
# Most text has no underscore, Han or combining mark, and \w+ splits it the same way, much faster.
# This test lists BMP characters exactly and all astral ones as one range: re turns such a class
# into a bitmap, while the exact astral ranges would make every search many times slower.
_SIMPLE = re.compile(r"\w+")
_ASCII_SPLIT = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_NEEDS_FULL = re.compile(
    "[_" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN_SPANS if hi < 0x10000)
    + _ranges([cp for cp in _MARK_CPS if cp < 0x10000]) + "\U00010000-\U0010ffff]")

_REMOVE = [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, 0x0640,
           *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9), *range(0x06EA, 0x06EE),
           *range(0x0591, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7,
           0x00AD, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_MAP = {
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",  # alef forms → ا
    "\u0649": "\u064a", "\u06cc": "\u064a",  # alef maksura, Persian yeh → ي
    "\u06a9": "\u0643",  # keheh → ك
    "\u0629": "\u0647", "\u06c0": "\u0647", "\u06c1": "\u0647",  # teh marbuta, heh forms → ه
    "\u0451": "\u0435",  # ё → е
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}
_TABLE: dict[int, str | None] = {cp: None for cp in _REMOVE} | {ord(k): v for k, v in _MAP.items()}
_NEEDS_TABLE = re.compile("[" + _ranges(sorted(_TABLE)) + "]")


def normalize_for_match(text: str) -> str:
    """Fold ``text`` so that rule words and mention words compare equal (see the module doc)."""
    if text.isascii():
        return text.lower()  # NFKC leaves ASCII alone and casefold equals lower on it
    text = unicodedata.normalize("NFKC", text).casefold()
    if "\u0307" in text:
        text = text.replace("i\u0307", "i")  # casefold("İ") is "i" + combining dot
    if _NEEDS_TABLE.search(text):  # most text needs no table: skip the slow per-character pass
        text = text.translate(_TABLE)
    return text


def tokenize(normalized: str) -> list[str]:
    """Word tokens of already normalised text, in order (a token's index is its position)."""
    if normalized.isascii():  # the common case, about 3x faster than a regex
        return normalized.translate(_ASCII_SPLIT).split()
    if _NEEDS_FULL.search(normalized) is None:
        return _SIMPLE.findall(normalized)
    return _TOKEN.findall(normalized)


def match_tokens(text: str) -> list[str]:
    """Normalise and tokenise a rule word or a field value."""
    return tokenize(normalize_for_match(text))


_VARIANTS: dict[str, str] = {}
for _raw, _folded in _MAP.items():
    _VARIANTS[_folded] = _VARIANTS.get(_folded, _folded) + _raw
_REMOVABLE = "[" + _ranges(sorted(_REMOVE)) + "]*"


def unfolded_pattern(token: str) -> str:
    """A regular expression (to compile with ``re.IGNORECASE``) that finds a normalised token in
    text as written: every form the folding unifies (``ا`` also finds ``أ``, ``е`` also ``ё``),
    with marks and invisible characters the folding removes allowed after any letter."""
    return "".join(("[" + re.escape(_VARIANTS[c]) + "]" if c in _VARIANTS else re.escape(c)) + _REMOVABLE
                   for c in token)
