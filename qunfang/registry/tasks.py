"""Background work of the roll: the dry run of an uploaded roll and its import (the work itself is in
`services`). Both are idempotent: a second run of a finished step does nothing, and a run cut short (a
killed worker) is run again whole, since the import writes in one transaction with the job's "done"."""

from django.core.cache import cache
from django_tasks import task

from qunfang.core.audit import TASK, working_as
from qunfang.registry import services


def progress_key(job_id: int) -> str:
    return f"roll-import-progress:{job_id}"


def _progress_reporter(job_id: int) -> services.Progress:
    # Progress goes to the cache, not the database: the import's own transaction holds the database's
    # write lock on SQLite until it commits, and the page must see the count climb before then.
    def report(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600)

    return report


@task()
def check_roll(job_id: int) -> None:
    with working_as(TASK):
        services.run_roll_check(job_id, _progress_reporter(job_id))


@task()
def import_roll(job_id: int) -> None:
    with working_as(TASK):
        services.run_roll_import(job_id, _progress_reporter(job_id))
