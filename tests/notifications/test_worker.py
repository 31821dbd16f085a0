"""The worker delivers webhooks on its own: the ``deliver-webhooks`` job, no command typed."""

from __future__ import annotations

import time

import pytest

from acctgraph.notifications.endpoints import CreateWebhookEndpoint, create_webhook_endpoint
from tests.jobs.conftest import job_settings, start_worker  # noqa: F401 - fixtures
from tests.notifications.test_webhooks import new_task, verified


@pytest.mark.slow
def test_the_worker_delivers_a_committed_event_without_a_command(sample, receiver, job_settings, start_worker):  # noqa: F811
    endpoint = create_webhook_endpoint(sample.session, None, CreateWebhookEndpoint(url=f"{receiver.url}/hooks"))
    sample.session.commit()
    task = new_task(sample)

    start_worker(job_settings)
    deadline = time.monotonic() + 60
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.2)

    assert len(receiver.received) == 1
    body = verified(endpoint, receiver.received[0])
    assert (body["type"], body["data"]["task_id"]) == ("task.created", task.id)
