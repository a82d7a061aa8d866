"""Distributed mode: the worker's delivery service hands due deliveries to RQ, a worker sends each once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import redis
from rq import Queue, SimpleWorker

from earful.settings import Settings
from earful.state.redis_store import RedisStateStore
from tests.mail import smtp_server
from workers.delivery import jobs, outbox
from workers.delivery.jobs import rq_dispatch
from workers.delivery.outbox import Channel, Notification
from workers.delivery.service import DeliveryService
from workers.delivery.transports import open_sender


def test_a_due_delivery_becomes_one_job_and_one_email(settings: Settings, redis_url: str,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      free_port: Callable[[], int]) -> None:
    with smtp_server(free_port()) as smtp:
        monkeypatch.setenv("EARFUL_REDIS_URL", redis_url)
        monkeypatch.setenv("EARFUL_SMTP_URL", smtp.url)
        monkeypatch.setattr(jobs, "_sender", None)
        settings = Settings()
        state, connection = RedisStateStore.from_url(redis_url), redis.Redis.from_url(redis_url)
        note = Notification(id="acme-neg-20261205T1000Z.1", kind="incident", rule_id="acme-neg",
                            subject="Acme Mobile: spike", text="t", html="<p>t</p>")
        outbox.enqueue(state, note, [Channel("email", "team@example.com")])
        service = DeliveryService(open_sender(settings, state), tick=0.1, dispatch=rq_dispatch(settings.mention_queue, connection))
        stop = threading.Event()
        runner = threading.Thread(target=service.run, args=(stop,))
        runner.start()
        queue = Queue(settings.mention_queue, connection=connection)
        try:
            threading.Event().wait(1.0)  # ten rounds of the service
        finally:
            stop.set()
            runner.join()
        assert queue.count == 1 and service.handed_out == 1  # handed out once, not once a round
        SimpleWorker([queue], connection=connection).work(burst=True)
        [message] = smtp.inbox.wait(1, 10)
        state.close()
        connection.close()
    assert message["Subject"] == "Acme Mobile: spike"
    with RedisStateStore.from_url(redis_url) as again:
        record = again.get(outbox.DELIVERY + outbox.delivery_key(note.id, Channel("email", "team@example.com")))
    assert record is not None and record["state"] == "sent" and record["attempts"] == 1
