"""The campaign's sending through the Redis queue (django-tasks-rq), the documented choice for scale:
started, queued in Redis, taken by an RQ worker with django-tasks-rq's job class, sent once each. The
test command starts Redis (QUNFANG_REDIS_URL); elsewhere the test starts its own redis-server."""

import os
import shutil
import socket
import subprocess
import time

import django_rq
import pytest
from django_tasks_rq.backend import Job
from rq import SimpleWorker

from qunfang.messaging import services
from qunfang.messaging.models import Campaign, CampaignStatus, Message, MessageState
from qunfang.messaging.services import send_campaign_task
from qunfang.messaging.tests.test_campaigns import template, veterans  # noqa: F401 (a fixture)


@pytest.fixture
def redis_url():
    if os.environ.get("QUNFANG_REDIS_URL"):
        yield os.environ["QUNFANG_REDIS_URL"]
        return
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (the test command installs and starts it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


@pytest.fixture
def on_redis(settings, redis_url):
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["rq"], "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


@pytest.mark.django_db(transaction=True)
def test_a_campaign_is_sent_through_the_redis_queue(world, veterans, on_redis, settings):  # noqa: F811
    campaign = services.create_campaign(
        by=None, place=world.qingxin, name="防疫", template=template(world), filters={}
    )
    services.start_campaign(by=None, campaign=campaign)
    assert on_redis.count == 1  # queued in Redis, not run yet
    assert Message.objects.filter(state=MessageState.QUEUED).count() == 3

    worker = SimpleWorker([on_redis], connection=on_redis.connection, job_class=Job)
    worker.work(burst=True)  # in this process, so that it sees the test's database
    assert Message.objects.filter(state=MessageState.SENT).count() == 3
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DONE
    # Queued again by mistake, the task sends nothing twice.
    send_campaign_task.enqueue(campaign.pk)
    worker.work(burst=True)
    assert len(settings.MESSAGES_LOG.read_text().splitlines()) == 3
