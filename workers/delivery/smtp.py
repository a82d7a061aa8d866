"""Email through SMTP (the standard library): STARTTLS when offered or required, implicit TLS, AUTH.

``EARFUL_SMTP_URL``: ``smtp://user:pass@host:587`` (STARTTLS when the server offers it;
``?starttls=require`` refuses a server that does not, ``?starttls=never`` never asks),
``smtps://user:pass@host:465`` (TLS from the first byte). Messages are multipart text + HTML,
threaded by Message-ID, In-Reply-To and References.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

from earful.settings import Settings
from workers.delivery.outbox import Channel, Notification
from workers.delivery.sender import DeliveryError


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    starttls: str  # auto | require | never
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        tls = parts.scheme == "smtps"
        mode = parse_qs(parts.query).get("starttls", ["auto"])[0]
        return cls(str(parts.hostname), parts.port or (465 if tls else 587), tls, mode,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)


def message_id(notification_id: str, sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1]
    safe = "".join(ch if ch.isalnum() or ch in ".-_" else "-" for ch in notification_id)
    return f"<{safe}@{domain}>"


def compose(notification: Notification, sender: str, recipient: str) -> EmailMessage:
    """The message: text first, HTML as the alternative; thread headers when it answers an earlier one."""
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = notification.subject, sender, recipient
    msg["Date"] = formatdate(notification.created_at.timestamp(), usegmt=True)
    msg["Message-ID"] = message_id(notification.id, sender)
    if notification.thread:
        msg["In-Reply-To"] = msg["References"] = message_id(notification.thread, sender)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(notification.text)
    msg.add_alternative(notification.html, subtype="html")
    return msg


class SmtpTransport:
    """Sends one message per recipient; a server's 5xx is permanent, anything else is retried."""

    def __init__(self, settings: Settings, *, context: ssl.SSLContext | None = None) -> None:
        self.url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
        self.sender, self.timeout = settings.mail_from, settings.smtp_timeout
        self.context = context or ssl.create_default_context()

    def send(self, notification: Notification, channel: Channel, key: str) -> None:
        if self.url is None:
            raise DeliveryError("EARFUL_SMTP_URL is not set; set it (smtp://user:pass@host:587) and the mail goes out")
        server = SmtpServer.from_url(self.url)
        message = compose(notification, self.sender, channel.target)
        try:
            with self._connect(server) as smtp:
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"{server.host} refused {channel.target}: {_reply(exc.recipients)}",
                                permanent=_permanent(exc.recipients)) from None
        except smtplib.SMTPResponseException as exc:
            detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            raise DeliveryError(f"{server.host} answered {exc.smtp_code} {detail}",
                                permanent=_refused_message(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"cannot reach the mail server {server.host}:{server.port} ({exc}); "
                                "delivery is retried") from None

    def _connect(self, server: SmtpServer) -> smtplib.SMTP:
        if server.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=self.context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if not server.implicit_tls and server.starttls != "never":
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self.context)
                    smtp.ehlo()
                elif server.starttls == "require":
                    raise DeliveryError(f"{server.host} does not offer STARTTLS and the URL says "
                                        "?starttls=require; fix the server or the URL")
            if server.user:
                smtp.login(server.user, server.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _reply(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{code} {text.decode('utf-8', 'replace')}" for code, text in recipients.values())


def _permanent(recipients: dict[str, tuple[int, bytes]]) -> bool:
    return all(500 <= code < 600 for code, _ in recipients.values())


def _refused_message(exc: smtplib.SMTPResponseException) -> bool:
    """The server refused this very message for good (a 5xx to its data); a refused login or sender is the
    installation's to fix, and its deliveries wait for that instead of being dropped."""
    return isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600
