"""Background work of appointments. Idempotent: run twice, it sends each reminder once."""

from qunfang.appointments import services
from qunfang.core.background import background_task


@background_task(language="zh-hans")  # the veterans read Chinese
def send_reminders() -> int:
    """The day before an appointment, its reminder by SMS."""
    return services.send_reminders()
