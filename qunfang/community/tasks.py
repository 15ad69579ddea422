"""Background work of the community: the register's import (the work itself is in `services`)."""

from django_tasks import task

from qunfang.community.services import register
from qunfang.core.audit import Origin, current_origin


@task()
def import_register(job_id: int) -> None:
    current_origin.set(Origin(None, "task"))
    register.run_register_import(job_id)
