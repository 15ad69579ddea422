"""Background work of messaging. Every task is idempotent: run twice, it sends each message once."""

from django_tasks import task

from qunfang.core.audit import Origin, current_origin
from qunfang.messaging import services


@task()
def send_campaign(campaign_id: int) -> int:
    current_origin.set(Origin(None, "task"))
    return services.send_campaign(campaign_id)


@task()
def collect_receipts() -> int:
    current_origin.set(Origin(None, "task"))
    return services.collect_receipts()


@task()
def start_due_campaigns() -> int:
    current_origin.set(Origin(None, "task"))
    return services.start_due_campaigns()
