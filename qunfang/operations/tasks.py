"""Background work of a bureau's operations. Idempotent: run twice, it does the work once."""

from django.utils import translation
from django_tasks import task

from qunfang.core.audit import TASK, working_as
from qunfang.operations import services


@task()
def remind_to_check_in() -> int:
    """Remind the staff who have not checked in their health by the day's time."""
    with working_as(TASK), translation.override("zh-hans"):  # the staff read Chinese
        return services.remind_to_check_in()
