"""Bringing a spreadsheet roll in, step by step as the pages and the API drive it: started, columns
matched, checked (a dry run), confirmed; the worker's side as background tasks, progress in the cache."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.background import background_task
from qunfang.core.models import OrgUnit, User
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.bulk import garbage_collection_paused, refresh_statistics
from qunfang.lib.tables import TableError, guess_mapping, missing_columns, read_table
from qunfang.lib.uploads import delete_upload, open_upload, save_upload
from qunfang.registry import roll
from qunfang.registry.models import RollImport, Veteran
from qunfang.registry.services.roll_writes import Progress, RollPlan, _no_progress, plan_roll, write_roll

# The steps of an import as the pages and the API drive them.


@service
def start_roll_import(*, by: User, place: OrgUnit, upload) -> RollImport:
    """Read the uploaded roll's heading row, keep the file and guess which column is which. A file
    that cannot be read at all is refused here (TableError), and nothing is kept."""
    table = read_table(upload, roll.COLUMNS, head_only=True)
    relative = save_upload(upload, "rolls")
    try:
        with transaction.atomic():
            job = RollImport.objects.create(
                place=place,
                created_by=by,
                file=relative,
                original_name=(upload.name or "")[:200],
                headings=table.headings,
                mapping=guess_mapping(table.headings, roll.COLUMNS),
            )
            audit.record(
                by=by, action="veteran.import_uploaded", place=place, target=job, after={"file": upload.name}
            )
    except BaseException:
        delete_upload(relative)
        raise
    return job


def _checked_mapping(job: RollImport, mapping: dict[str, int]) -> dict[str, int]:
    mapping = {
        key: index for key, index in mapping.items() if key in roll.COLUMNS and 0 <= index < len(job.headings)
    }
    problem = missing_columns(mapping, roll.COLUMNS, roll.REQUIRED)
    if problem:
        raise ValidationError(problem)
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise ValidationError(_("One column of the file is matched to two of ours."))
    return mapping


@service
def check_roll_import(*, by: User, job: RollImport, mapping: dict[str, int]) -> RollImport:
    """Keep the column matching and run the dry run in the background."""
    job = RollImport.objects.select_for_update().get(pk=job.pk)
    if job.busy or job.status == RollImport.Status.DONE:
        raise ValidationError(_("This import is already under way or done."))
    job.mapping = _checked_mapping(job, mapping)
    job.status, job.errors, job.message = RollImport.Status.CHECKING, [], ""
    job.save()
    audit.record(
        by=by, action="veteran.import_check", place=job.place, target=job, after={"mapping": job.mapping}
    )
    check_roll_task.enqueue(job.pk)
    return job


@service
def confirm_roll_import(*, by: User, job: RollImport, good_rows_only: bool) -> RollImport:
    """After a dry run: import in the background, all or nothing unless the user chose the good rows."""
    job = RollImport.objects.select_for_update().get(pk=job.pk)
    if job.status != RollImport.Status.CHECKED:
        raise ValidationError(_("Check the file first."))
    if job.errors and not good_rows_only:
        raise ValidationError(
            _(
                "Some rows are bad. Fix them and upload the file again, "
                "or choose to import only the good rows."
            )
        )
    job.status, job.good_rows_only = RollImport.Status.IMPORTING, good_rows_only
    job.save()
    audit.record(
        by=by,
        action="veteran.import_confirm",
        place=job.place,
        target=job,
        after={"good_rows_only": good_rows_only},
    )
    import_roll_task.enqueue(job.pk)
    return job


def _plan_job(job: RollImport, progress: Progress) -> RollPlan | None:
    """Read the job's file and plan it, keeping the counts and bad rows on the job; None (and the job
    failed with the reason) when the file cannot be read."""
    progress("reading", 0, 0)
    with garbage_collection_paused():
        try:
            with open_upload(job.file) as file:
                table = read_table(file, roll.COLUMNS)
        except TableError as error:
            job.status, job.message = RollImport.Status.FAILED, str(error)[:300]
            return None
        plan = plan_roll(within=job.place, table=table, mapping=job.mapping, progress=progress)
    job.total_rows, job.good_rows = plan.total, plan.good
    job.new_count, job.updated_count, job.unchanged_count = len(plan.new), len(plan.changed), plan.unchanged
    job.errors = plan.errors
    return plan


@in_steps("the worker's dry run: its findings are written to the job when it ends")
def run_roll_check(job_id: int, progress: Progress = _no_progress) -> None:
    """The dry run of a job in CHECKING (the worker's task; does nothing for a job in another state)."""
    job = RollImport.objects.select_related("place").get(pk=job_id)
    if job.status != RollImport.Status.CHECKING:
        return
    if _plan_job(job, progress) is not None:
        job.status = RollImport.Status.CHECKED
    with transaction.atomic():
        # Save only if nobody changed the job meanwhile (a new check with other columns).
        if (
            RollImport.objects.select_for_update()
            .filter(pk=job_id, status=RollImport.Status.CHECKING)
            .exists()
        ):
            job.save()


@service
def run_roll_import(job_id: int, progress: Progress = _no_progress) -> None:
    """The import of a job in IMPORTING (the worker's task). The veterans and the job's "done" commit
    together: a worker killed halfway leaves nothing written and the job to be run again whole."""
    # Not select_related with the lock: PostgreSQL cannot lock the nullable side of an outer join.
    job = RollImport.objects.select_for_update().get(pk=job_id)
    if job.status != RollImport.Status.IMPORTING:
        return
    plan = _plan_job(job, progress)
    if plan is not None:
        if plan.errors and not job.good_rows_only:
            # The roll changed since the dry run: rows that were good are not any more.
            job.status = RollImport.Status.FAILED
        else:
            with garbage_collection_paused():
                write_roll(by=job.created_by, within=job.place, plan=plan, progress=progress)
            refresh_statistics(Veteran, OrgUnit)
            job.status = RollImport.Status.DONE
            audit.record(
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


# --- the worker's side: the dry run and the import as background tasks ---------------------------------
# Both are idempotent: a second run of a finished step does nothing, and a run cut short (a killed
# worker) is run again whole, since the import writes in one transaction with the job's "done".


@writes_nothing
def progress_key(job_id: int) -> str:
    return f"roll-import-progress:{job_id}"


def _progress_reporter(job_id: int) -> Progress:
    # Progress goes to the cache, not the database: the import's own transaction holds the database's
    # write lock on SQLite until it commits, and the page must see the count climb before then.
    def report(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600)

    return report


@background_task()
def check_roll_task(job_id: int) -> None:
    run_roll_check(job_id, _progress_reporter(job_id))


@background_task()
def import_roll_task(job_id: int) -> None:
    run_roll_import(job_id, _progress_reporter(job_id))
