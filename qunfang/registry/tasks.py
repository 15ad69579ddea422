"""Background work of the roll: the dry run of an uploaded roll and its import. Both are idempotent:
a second run of a finished step does nothing, and a run cut short (a killed worker) is run again whole,
since the import writes in one transaction with the job's "done"."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from qunfang.core.audit import Origin, current_origin
from qunfang.lib.tables import TableError
from qunfang.registry import services
from qunfang.registry.models import RollImport

Status = RollImport.Status


def progress_key(job_id: int) -> str:
    return f"roll-import-progress:{job_id}"


def _progress_reporter(job_id: int):
    # Progress goes to the cache, not the database: the import's own transaction holds the database's
    # write lock on SQLite until it commits, and the page must see the count climb before then.
    def report(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600)

    return report


def _fail(job: RollImport, error: TableError) -> None:
    job.status, job.message = Status.FAILED, str(error)[:300]


@task()
def check_roll(job_id: int) -> None:
    current_origin.set(Origin(None, "task"))
    job = RollImport.objects.select_related("place").get(pk=job_id)
    if job.status != Status.CHECKING:
        return
    report = _progress_reporter(job_id)
    try:
        report("reading", 0, 0)
        table = services.read_job_table(job)
        plan = services.plan_roll(within=job.place, table=table, mapping=job.mapping, progress=report)
    except TableError as error:
        _fail(job, error)
    else:
        services.record_plan(job, plan)
        job.status = Status.CHECKED
    with transaction.atomic():
        # Save only if nobody changed the job meanwhile (a new check with other columns).
        if RollImport.objects.select_for_update().filter(pk=job_id, status=Status.CHECKING).exists():
            job.save()


@task()
def import_roll(job_id: int) -> None:
    current_origin.set(Origin(None, "task"))
    report = _progress_reporter(job_id)
    with transaction.atomic():
        # Not select_related with the lock: PostgreSQL cannot lock the nullable side of an outer join.
        job = RollImport.objects.select_for_update().get(pk=job_id)
        if job.status != Status.IMPORTING:
            return
        try:
            report("reading", 0, 0)
            table = services.read_job_table(job)
            plan = services.plan_roll(within=job.place, table=table, mapping=job.mapping, progress=report)
        except TableError as error:
            _fail(job, error)
        else:
            services.record_plan(job, plan)
            if plan.errors and not job.good_rows_only:
                # The database changed since the dry run: rows that were good are not any more.
                job.status = Status.FAILED
            else:
                services.write_roll(by=job.created_by, within=job.place, plan=plan, progress=report)
                job.status = Status.DONE
                services.audit.record(
                    by=job.created_by,
                    action="veteran.import",
                    place=job.place,
                    target=job,
                    after={
                        "file": job.original_name,
                        "new": job.new_count,
                        "updated": job.updated_count,
                        "unchanged": job.unchanged_count,
                        "skipped": len(job.errors),
                    },
                )
        job.finished_at = timezone.now()
        job.save()
