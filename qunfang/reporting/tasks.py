"""Background work of daily reporting. Every task is idempotent: run twice, it does the work once."""

from qunfang.core.background import background_task
from qunfang.reporting import services


@background_task(language="zh-hans")  # the stations read Chinese
def send_due_reminders() -> int:
    """Remind the places that have not reported, once their data set's reminder time has come."""
    return services.send_due_reminders()


@background_task()
def fold_tallies() -> int:
    """Fold the ancestors' pending tally deltas into their kept rows (the figures are exact either way)."""
    return services.fold_tallies()
