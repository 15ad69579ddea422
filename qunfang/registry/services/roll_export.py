"""A roll too large to answer at once (a province's millions), exported in the background: queued by
the page or the API, written by the worker to a file on disk as the rows stream (lib/xlsx.py: never the
whole workbook in memory), its progress in the cache, then downloaded by the person who asked."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.background import background_task
from qunfang.core.models import OrgUnit, User
from qunfang.core.roles import Capability
from qunfang.core.writes import in_steps, service, writes_nothing
from qunfang.lib.uploads import generated_file
from qunfang.lib.xlsx import write_xlsx_to
from qunfang.registry import roll
from qunfang.registry.models import RollExport

EXPORTS_FOLDER = "exports"
FILTER_KEYS = ("q", "status", "category", "place_id", "tag", "tag_id")


@writes_nothing
def exports_in_background(rows: int) -> bool:
    """Whether an export of this many rows is a background job rather than an immediate download."""
    return rows > settings.EXPORT_IN_BACKGROUND_ROWS


@service
def start_roll_export(*, by: User, scope: Scope, place: OrgUnit, filters: dict, reveal: bool) -> RollExport:
    """Queue the export of what the list's `filters` find in the asker's places (narrowed to `place`,
    one of theirs). The file is written by the worker; `reveal` only where the asker may reveal."""
    from qunfang.registry.selectors import find_index

    filters = {key: filters[key] for key in FILTER_KEYS if filters.get(key) not in (None, "")}
    if find_index(str(filters.get("q", "")).strip()):
        # An exact ID number or mobile finds one person or a few: never kept in a job's row.
        raise ValidationError(_("An ID number or mobile finds one person: export them from the list."))
    job = RollExport.objects.create(
        place=place,
        created_by=by,
        file="",
        original_name=f"veterans-{timezone.localdate():%Y%m%d}.xlsx",
        filters=filters,
        reveal=reveal and bool(scope.paths(Capability.REVEAL_PERSONAL_DATA)),
    )
    audit.record(by=by, action="veteran.export_queued", place=place, target=job, after={"reveal": job.reveal})
    export_roll_task.enqueue(job.pk)
    return job


@writes_nothing
def export_progress_key(job_id: int) -> str:
    return f"roll-export-progress:{job_id}"


@in_steps("the file takes minutes to write: claimed, written outside any transaction, then finished")
def run_roll_export(job_id: int, progress: Callable[[int, int], None] | None = None) -> None:
    """The worker's side: claim the queued job (only one worker gets it), write the file under a .part
    name, then mark it done with its audit entry. What it holds is read with the asker's scope as it
    is now: someone who has lost the place since asking gets an empty file."""
    if not RollExport.objects.filter(pk=job_id, status=RollExport.Status.QUEUED).update(
        status=RollExport.Status.RUNNING
    ):
        return
    job = RollExport.objects.select_related("place", "created_by").get(pk=job_id)
    relative = f"{EXPORTS_FOLDER}/{uuid.uuid4().hex}.xlsx"
    try:
        # Written on this host, stored whole once done: a host serving the download may be another.
        with generated_file(relative, ".xlsx") as path:
            rows, total, reveal = _write(job, path, progress)
    except Exception as error:
        _finish(job, status=RollExport.Status.FAILED, message=str(error)[:300])
        raise
    _finish(job, status=RollExport.Status.DONE, file=relative, total_rows=rows, reveal=reveal)


def _write(job: RollExport, path: Path, progress) -> tuple[int, int, bool]:
    from qunfang.registry.selectors import export_rows, veterans_for_filters

    scope = Scope.for_user(job.created_by)
    found = veterans_for_filters(scope, job.filters)
    reveal = job.reveal and bool(scope.paths(Capability.REVEAL_PERSONAL_DATA))
    total = found.count()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = write_xlsx_to(
        str(path),
        _("Veterans"),
        roll.EXPORT_HEADINGS,
        export_rows(scope, found, reveal=reveal),
        progress=(lambda done: progress(done, total)) if progress else None,
    )
    return rows, total, reveal


@service
def _finish(job: RollExport, *, status: str, message: str = "", **done) -> None:
    for name, value in done.items():
        setattr(job, name, value)
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.save()
    if status == RollExport.Status.DONE:
        # As the immediate export records it: full numbers count as revealing them.
        action = "veteran.export_revealed" if job.reveal else "veteran.export"
        after = {"rows": job.total_rows, "export": job.pk}
    else:
        action, after = "veteran.export_failed", {"export": job.pk}
    audit.record(by=job.created_by, action=action, place=job.place, target=job.created_by, after=after)


def _progress_reporter(job_id: int) -> Callable[[int, int], None]:
    # In the cache, as the roll import's: the page and the API read it while the worker writes.
    def report(done: int, total: int) -> None:
        cache.set(export_progress_key(job_id), {"done": done, "total": total}, 3600)

    return report


@background_task()
def export_roll_task(job_id: int) -> None:
    run_roll_export(job_id, _progress_reporter(job_id))
