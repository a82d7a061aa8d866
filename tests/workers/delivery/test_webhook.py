"""Webhooks to a real local receiver: signatures a receiver can verify, retries after a 503, none after a 400."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from pydantic import SecretStr

from earful.models import utcnow
from earful.settings import Settings
from earful.state import StateStore
from tests.mail import hook_server, smtp_server
from workers.delivery import outbox
from workers.delivery.outbox import Channel, Notification
from workers.delivery.sender import DeliveryError, Sender
from workers.delivery.smtp import SmtpTransport
from workers.delivery.webhook import WebhookTransport, verify


def _note() -> Notification:
    return Notification(id="acme-neg-20261205T1000Z.1", kind="incident", rule_id="acme-neg", subject="Acme: spike",
                        text="t", html="<p>t</p>", payload={"text": "Acme: spike <https://e/x>", "incident": {"id": "i"}})


def _later(state: StateStore, key: str) -> None:
    """Make a delivery due now (its backoff waited out)."""
    state.set(outbox.DUE + key, {"at": utcnow().isoformat()})


def test_a_receiver_verifies_the_signature_and_sees_slack_text(settings: Settings, sqlite_state: StateStore) -> None:
    transport = WebhookTransport(settings, environ={"HOOK_SECRET": "hook-secret-1"})
    with hook_server() as server:
        channel = Channel("webhook", server.url, "HOOK_SECRET")
        transport.send(_note(), channel, "acme-neg-20261205T1000Z.1#abc")
        [hook] = server.received
    stamp, signature = hook.headers["x-earful-timestamp"], hook.headers["x-earful-signature"]
    assert verify(b"hook-secret-1", stamp, hook.body, signature)
    assert not verify(b"another-secret", stamp, hook.body, signature)
    assert not verify(b"hook-secret-1", stamp, hook.body.replace(b"spike", b"spice"), signature)
    assert not verify(b"hook-secret-1", stamp, hook.body, signature, now=int(stamp) + 301)  # outside the replay window
    assert hook.json["text"] == "Acme: spike <https://e/x>" and hook.json["incident"] == {"id": "i"}
    assert hook.headers["idempotency-key"] == hook.headers["x-earful-delivery"] == "acme-neg-20261205T1000Z.1#abc"


def test_a_missing_secret_variable_is_retried_and_says_what_to_set(settings: Settings) -> None:
    with pytest.raises(DeliveryError, match="HOOK_GONE") as caught:
        WebhookTransport(settings, environ={}).send(_note(), Channel("webhook", "http://127.0.0.1:9/x", "HOOK_GONE"), "k")
    assert not caught.value.permanent


def test_503_is_retried_with_backoff_and_the_same_idempotency_key(settings: Settings,
                                                                  sqlite_state: StateStore) -> None:
    with hook_server([503, 503]) as server:
        sender = Sender(sqlite_state, {"webhook": WebhookTransport(settings)})
        channel = Channel("webhook", server.url)
        outbox.enqueue(sqlite_state, _note(), [channel])
        key = outbox.delivery_key(_note().id, channel)
        assert sender.deliver(key) == "retrying"
        record = sqlite_state.get(outbox.DELIVERY + key)
        assert record is not None and record["attempts"] == 1 and "503" in record["last_error"]
        assert outbox.due(sqlite_state) == []  # waits its backoff
        assert outbox.due(sqlite_state, utcnow() + timedelta(seconds=6)) == [key]
        _later(sqlite_state, key)
        assert sender.deliver(key) == "retrying"
        _later(sqlite_state, key)
        assert sender.deliver(key) == "sent"
        assert sender.deliver(key) == "done"  # sent once; nothing goes out again
    keys = {hook.headers["idempotency-key"] for hook in server.received}
    assert len(server.received) == 3 and keys == {key}


def test_400_is_final_and_not_retried(settings: Settings, sqlite_state: StateStore) -> None:
    with hook_server([400]) as server:
        sender = Sender(sqlite_state, {"webhook": WebhookTransport(settings)})
        channel = Channel("webhook", server.url)
        outbox.enqueue(sqlite_state, _note(), [channel])
        key = outbox.delivery_key(_note().id, channel)
        assert sender.deliver(key) == "failed"
        assert outbox.due(sqlite_state, utcnow() + timedelta(days=1)) == []
    assert len(server.received) == 1


def test_a_rule_made_through_the_api_cannot_post_to_a_private_address(settings: Settings) -> None:
    with hook_server() as server:
        with pytest.raises(DeliveryError, match="private") as caught:
            WebhookTransport(settings).send(_note(), Channel("webhook", server.url, public_only=True), "k")
    assert caught.value.permanent and server.received == []


def test_one_broken_channel_never_holds_another(settings: Settings, sqlite_state: StateStore,
                                                free_port: Callable[[], int]) -> None:
    with hook_server([503] * 10) as server, smtp_server(free_port()) as smtp:
        mail = settings.model_copy(update={"smtp_url": SecretStr(smtp.url)})
        sender = Sender(sqlite_state, {"webhook": WebhookTransport(settings), "email": SmtpTransport(mail)})
        outbox.enqueue(sqlite_state, _note(), [Channel("webhook", server.url), Channel("email", "team@example.com")])
        started = time.monotonic()
        sender.deliver_due()
        assert len(smtp.inbox.wait(1, 10)) == 1 and time.monotonic() - started < 10
    states = sorted(r["state"] for _, r in sqlite_state.items(outbox.DELIVERY))
    assert states == ["retrying", "sent"]
