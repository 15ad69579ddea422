"""Background work of the kernel. Every task is idempotent: run twice, it does the work once."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from qunfang.core import services
from qunfang.core.audit import TASK, working_as
from qunfang.core.models import ImportJob
from qunfang.lib.tables import TableError, read_rows
from qunfang.lib.uploads import open_upload


@task()
def import_places(job_id: int) -> None:
    with working_as(TASK):
        _import_places(job_id)


def _import_places(job_id: int) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return  # a second run of a finished job does nothing
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    # The places and the job's "done" commit together: a worker killed halfway leaves no place behind,
    # and the job still running, to be taken up again.
    with transaction.atomic():
        # Not select_related with the lock: PostgreSQL cannot lock the nullable side of an outer join.
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        try:
            with open_upload(job.file) as file:
                rows = read_rows(file, services.IMPORT_COLUMNS, services.IMPORT_REQUIRED)
            created = services.import_places(by=job.created_by, within=job.place, rows=rows)
        except TableError as error:
            job.status, job.message = ImportJob.Status.FAILED, str(error)[:300]
        except services.ImportRejected as rejected:
            job.status = ImportJob.Status.FAILED
            job.errors = [{"row": e.row, "message": e.message} for e in rejected.errors]
        else:
            job.status, job.created_count = ImportJob.Status.DONE, len(created)
        job.finished_at = timezone.now()
        job.save()
