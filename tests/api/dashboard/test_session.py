"""Signed sessions and their CSRF tokens."""

from __future__ import annotations

import time

import pytest

from api.session import ANONYMOUS, Sessions, key_id


@pytest.fixture
def sessions() -> Sessions:
    return Sessions(["key-one-abcdef", "key-two-ghijkl"], lifetime_s=3600)


def test_a_session_opened_with_a_key_reads_back_signed_in(sessions: Sessions) -> None:
    opened, cookie = sessions.open("key-two-ghijkl")
    read = sessions.read(cookie)
    assert read == opened and read.signed_in and read.key_id == key_id("key-two-ghijkl")
    assert "key-two" not in cookie  # the key itself is never in the cookie


def test_an_anonymous_session_is_not_signed_in(sessions: Sessions) -> None:
    opened, cookie = sessions.open(None)
    assert sessions.read(cookie) == opened and opened.key_id == ANONYMOUS and not opened.signed_in


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),  # the MAC
    lambda c: c.replace(c.split(".")[1], str(int(c.split(".")[1]) + 9999)),  # a longer life
    lambda c: "anon." + ".".join(c.split(".")[1:]),  # a signed-in cookie passed off as anonymous
    lambda c: c + ".x", lambda c: "", lambda c: "garbage",
])
def test_forged_or_broken_cookies_are_refused(sessions: Sessions, tamper) -> None:  # type: ignore[no-untyped-def]
    _, cookie = sessions.open("key-one-abcdef")
    assert sessions.read(tamper(cookie)) is None


def test_sessions_expire_and_end_when_their_key_is_removed() -> None:
    short = Sessions(["key-one-abcdef"], lifetime_s=-1)
    assert short.read(short.open("key-one-abcdef")[1]) is None
    _, cookie = Sessions(["key-one-abcdef", "key-two-ghijkl"], 3600).open("key-two-ghijkl")
    assert Sessions(["key-one-abcdef", "key-two-ghijkl"], 3600).read(cookie) is not None  # another process
    assert Sessions(["key-one-abcdef"], 3600).read(cookie) is None


def test_csrf_tokens_are_bound_to_their_session(sessions: Sessions) -> None:
    first, _ = sessions.open("key-one-abcdef")
    second, _ = sessions.open("key-one-abcdef")
    token = sessions.csrf_token(first)
    assert sessions.csrf_ok(first, token)
    assert not sessions.csrf_ok(second, token)
    assert not sessions.csrf_ok(first, None) and not sessions.csrf_ok(first, "") and not sessions.csrf_ok(None, token)
    assert not sessions.csrf_ok(first, token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_keys_are_matched_exactly(sessions: Sessions) -> None:
    assert sessions.matching_key("key-one-abcdef") == "key-one-abcdef"
    assert sessions.matching_key("key-one-abcde") is None and sessions.matching_key("") is None
    assert sessions.required and not Sessions([], 60).required


def test_without_keys_anonymous_sessions_still_carry_csrf_tokens() -> None:
    keyless = Sessions([], 60)
    session, cookie = keyless.open(None)
    assert keyless.read(cookie) == session and keyless.csrf_ok(session, keyless.csrf_token(session))
    assert session.expires > time.time()
