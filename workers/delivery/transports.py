"""The transports of every channel kind, built from the settings: one list to extend with a new channel."""

from __future__ import annotations

from earful.settings import Settings
from earful.state import StateStore
from workers.delivery.sender import Sender, Transport
from workers.delivery.smtp import SmtpTransport
from workers.delivery.webhook import WebhookTransport


def transports(settings: Settings) -> dict[str, Transport]:
    return {"email": SmtpTransport(settings), "webhook": WebhookTransport(settings)}


def open_sender(settings: Settings, state: StateStore) -> Sender:
    return Sender(state, transports(settings), lease=settings.delivery_lease)
