"""Background work of messaging on the worker's clock. Every task is idempotent: run twice, it sends each
message once. (The campaign's sending, queued by its services, sits beside them: send_campaign_task.)"""

from qunfang.core.background import background_task
from qunfang.messaging import services


@background_task()
def collect_receipts() -> int:
    return services.collect_receipts()


@background_task()
def start_due_campaigns() -> int:
    return services.start_due_campaigns()
