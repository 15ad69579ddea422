"""Background work of messaging. Every task is idempotent: run twice, it sends each message once."""

from django_tasks import task

from qunfang.core.audit import TASK, working_as
from qunfang.messaging import services


@task()
def send_campaign(campaign_id: int) -> int:
    with working_as(TASK):
        return services.send_campaign(campaign_id)


@task()
def collect_receipts() -> int:
    with working_as(TASK):
        return services.collect_receipts()


@task()
def start_due_campaigns() -> int:
    with working_as(TASK):
        return services.start_due_campaigns()
