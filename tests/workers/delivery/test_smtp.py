"""Email through a real SMTP server on 127.0.0.1: STARTTLS, implicit TLS, AUTH, threading headers."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from earful.settings import Settings
from tests.mail import make_cert, smtp_server
from workers.delivery.outbox import Channel, Notification
from workers.delivery.sender import DeliveryError
from workers.delivery.smtp import SmtpTransport


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_cert(tmp_path_factory.mktemp("cert"))


def _note(thread: str | None = None, nid: str = "acme-neg-20261205T1000Z.1") -> Notification:
    return Notification(id=nid, kind="incident", rule_id="acme-neg", subject="Acme: negative mentions 9× expected",
                        text="47 vs ~5 expected", html="<p>47 vs ~5 <b>expected</b></p>", thread=thread)


def _transport(settings: Settings, url: str, cert: Path | None = None) -> SmtpTransport:
    context = ssl.create_default_context(cafile=str(cert)) if cert else None
    return SmtpTransport(settings.model_copy(update={"smtp_url": SecretStr(url), "mail_from": "alerts@earful.test"}),
                         context=context)


def test_starttls_and_auth_deliver_a_multipart_message(settings: Settings, cert: tuple[Path, Path],
                                                       free_port: Callable[[], int]) -> None:
    with smtp_server(free_port(), cert=cert, login=("team", "s3cret")) as server:
        _transport(settings, server.url + "?starttls=require", cert[0]).send(
            _note(), Channel("email", "brand@example.com"), "k")
        [message] = server.inbox.wait(1, 10)
    assert server.inbox.logins == ["team"]
    assert message["Subject"] == "Acme: negative mentions 9× expected"
    assert message["To"] == "brand@example.com" and message["From"] == "alerts@earful.test"
    assert message["Message-ID"] == "<acme-neg-20261205T1000Z.1@earful.test>"
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    assert "47 vs ~5 expected" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_reply_in_the_thread_names_the_opening_message(settings: Settings, free_port: Callable[[], int]) -> None:
    with smtp_server(free_port()) as server:
        _transport(settings, server.url).send(_note("acme-neg-20261205T1000Z.1", "acme-neg-20261205T1000Z.3"),
                                              Channel("email", "brand@example.com"), "k")
        [message] = server.inbox.wait(1, 10)
    assert message["In-Reply-To"] == "<acme-neg-20261205T1000Z.1@earful.test>"
    assert message["References"] == "<acme-neg-20261205T1000Z.1@earful.test>"


def test_implicit_tls(settings: Settings, cert: tuple[Path, Path], free_port: Callable[[], int]) -> None:
    with smtp_server(free_port(), cert=cert, implicit_tls=True) as server:
        _transport(settings, server.url, cert[0]).send(_note(), Channel("email", "a@example.com"), "k")
        assert len(server.inbox.wait(1, 10)) == 1


def test_starttls_required_but_not_offered_is_an_error_that_is_retried(settings: Settings,
                                                                        free_port: Callable[[], int]) -> None:
    with smtp_server(free_port()) as server:
        with pytest.raises(DeliveryError, match="STARTTLS") as caught:
            _transport(settings, server.url + "?starttls=require").send(_note(), Channel("email", "a@b.co"), "k")
    assert not caught.value.permanent and server.inbox.messages == []


def test_a_wrong_password_waits_to_be_fixed_and_a_refused_message_is_final(
        settings: Settings, cert: tuple[Path, Path], free_port: Callable[[], int]) -> None:
    with smtp_server(free_port(), cert=cert, login=("team", "s3cret")) as server:
        with pytest.raises(DeliveryError) as wrong:
            _transport(settings, server.url.replace("s3cret", "nope"), cert[0]).send(
                _note(), Channel("email", "a@b.co"), "k")
    assert not wrong.value.permanent
    with smtp_server(free_port()) as server:
        server.inbox.refuse = 554
        with pytest.raises(DeliveryError, match="554") as refused:
            _transport(settings, server.url).send(_note(), Channel("email", "a@b.co"), "k")
    assert refused.value.permanent


def test_no_server_at_all_is_retried_and_no_url_says_what_to_set(settings: Settings,
                                                                 free_port: Callable[[], int]) -> None:
    with pytest.raises(DeliveryError, match="cannot reach") as down:
        _transport(settings, f"smtp://127.0.0.1:{free_port()}").send(_note(), Channel("email", "a@b.co"), "k")
    assert not down.value.permanent
    with pytest.raises(DeliveryError, match="EARFUL_SMTP_URL"):
        SmtpTransport(settings).send(_note(), Channel("email", "a@b.co"), "k")
