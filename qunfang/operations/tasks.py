"""Background work of a bureau's operations. Idempotent: run twice, it does the work once."""

from qunfang.core.background import background_task
from qunfang.operations import services


@background_task(language="zh-hans")  # the staff read Chinese
def remind_to_check_in() -> int:
    """Remind the staff who have not checked in their health by the day's time."""
    return services.remind_to_check_in()
