from __future__ import annotations

import pytest

from earful.errors import BadRequest
from search.cursor import Cursor, decode, encode


def test_round_trip() -> None:
    token = encode(Cursor("newest", 912345678901234567))
    assert decode(token, "newest") == Cursor("newest", 912345678901234567)
    assert "=" not in token


def test_every_single_character_change_is_caught() -> None:
    token = encode(Cursor("relevance", 100))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, char in enumerate(token):
        other = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
        with pytest.raises(BadRequest):
            decode(token[:i] + other + token[i + 1:], "relevance")


def test_wrong_sort() -> None:
    with pytest.raises(BadRequest, match="sort"):
        decode(encode(Cursor("oldest", 1)), "newest")
