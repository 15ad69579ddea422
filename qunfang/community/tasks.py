"""Background work of the community: the register's import (the work itself is in `services`)."""

from django_tasks import task

from qunfang.community.services import register
from qunfang.core.audit import TASK, working_as


@task()
def import_register(job_id: int) -> None:
    with working_as(TASK):
        register.run_register_import(job_id)
