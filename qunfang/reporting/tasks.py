"""Background work of daily reporting. Every task is idempotent: run twice, it does the work once."""

from django.utils import translation
from django_tasks import task

from qunfang.core.audit import TASK, working_as
from qunfang.reporting import services


@task()
def send_due_reminders() -> int:
    """Remind the places that have not reported, once their data set's reminder time has come."""
    with working_as(TASK), translation.override("zh-hans"):  # the stations read Chinese
        return services.send_due_reminders()
