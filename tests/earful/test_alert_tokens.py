"""Action tokens and links: signed, expiring, good for one purpose on one subject."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from earful.alerts.links import ACTION_PATH, ACTION_PURPOSES, ACTIONS, LINK_DAYS, action_links, action_of
from earful.alerts.tokens import TokenRejected, _b64, _unb64, issue, verify
from earful.secrets import action_key, cursor_secret, derived_key
from earful.settings import Settings

KEY = b"k" * 32
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc)


def test_a_token_gives_back_its_claim() -> None:
    token = issue(KEY, "alert-action:useful", "acme-volume/acme-volume-20260320T1200Z", NOW + timedelta(hours=1))
    claim = verify(KEY, token, ["alert-action:useful"], NOW)
    assert claim.subject == "acme-volume/acme-volume-20260320T1200Z"
    assert claim.purpose == "alert-action:useful"
    assert claim.expires == NOW + timedelta(hours=1)


def test_expired_wrong_purpose_or_wrong_key_is_rejected() -> None:
    token = issue(KEY, "alert-action:useful", "r/i", NOW + timedelta(hours=1))
    with pytest.raises(TokenRejected, match="expired"):
        verify(KEY, token, ["alert-action:useful"], NOW + timedelta(hours=1))
    with pytest.raises(TokenRejected, match="something else"):
        verify(KEY, token, ["alert-action:snooze_24h"], NOW)
    with pytest.raises(TokenRejected, match="signature"):
        verify(b"x" * 32, token, ["alert-action:useful"], NOW)


def test_a_changed_payload_or_signature_is_rejected() -> None:
    token = issue(KEY, "alert-action:useful", "r/i", NOW + timedelta(hours=1))
    version, payload, signature = token.split(".")
    forged = _b64(_unb64(payload).replace(b"r/i", b"r/j"))
    for bad in (f"{version}.{forged}.{signature}", f"{version}.{payload}.{signature[:-2]}AA", token + "x",
                token.replace("v1.", "v2."), "", "v1..", "a.b.c.d", "v1.%%%.###", "v1." + "A" * 5000 + ".x"):
        with pytest.raises(TokenRejected):
            verify(KEY, bad, ["alert-action:useful"], NOW)


def test_links_hold_one_token_per_action(settings: Settings) -> None:
    key = action_key(settings)
    links = action_links("https://earful.example.com/", key, "acme-volume-20260320T1200Z", "acme-volume", NOW)
    assert sorted(links) == sorted(ACTIONS)
    for action, url in links.items():
        parts = urlsplit(url)
        assert parts.netloc == "earful.example.com" and parts.path.startswith(ACTION_PATH)
        claim = verify(key, parts.path.removeprefix(ACTION_PATH), ACTION_PURPOSES, NOW)
        assert action_of(claim) == (action, "acme-volume", "acme-volume-20260320T1200Z")
        assert claim.expires == NOW + timedelta(days=LINK_DAYS)
        others = [p for p in ACTION_PURPOSES if not p.endswith(":" + action)]
        with pytest.raises(TokenRejected):
            verify(key, parts.path.removeprefix(ACTION_PATH), others, NOW)


def test_the_action_key_is_derived_from_the_installation_secret(settings: Settings, tmp_path: object) -> None:
    key = action_key(settings)
    assert key == action_key(settings) and len(key) == 32
    assert key != cursor_secret(settings) and key != derived_key(settings, "feed")
    other = Settings(data_dir=settings.data_dir / "elsewhere")
    assert action_key(other) != key
